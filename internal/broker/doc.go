// Package broker tells a tunnel broker the tunnel's new IPv4 endpoint:
// Hurricane Electric's /nic/update, or any dyndns2-style update URL.
//
// The update URL carries the credentials (https://USER:KEY@host/...). They
// travel only in the Authorization header, over verified HTTPS, and never
// reach a log line, an error or the state file: print a URL only through
// Redact. The answer is read from the body, not the HTTP status (HE answers
// 200 with error bodies), and sanitized to one short printable line.
//
// STATEDIR/IF.broker.json remembers the last address the broker accepted
// and the last answer, so that the same address is never sent twice (HE
// calls repeated updates abuse) and failures back off. Updater does the
// round (load, decide, send, record, save) for restart and update, under
// the lock gifctl holds for the whole command.
package broker
