// Package broker tells a tunnel broker the tunnel's new IPv4 endpoint:
// Hurricane Electric's /nic/update, or any dyndns2-style update URL.
//
// The credentials of the update URL (https://USER:KEY@host/...) travel only
// in the Authorization header over verified HTTPS, and reach no log line,
// error or state file: print a URL only through Redact. The answer is read
// from the body, not the status (HE answers 200 with error bodies), and
// sanitized to one short printable line.
//
// STATEDIR/IF.broker.json keeps the last address accepted and the last
// answer, so that no address is sent twice (HE calls that abuse) and
// failures back off. Updater does the round (load, decide, send, record,
// save) for restart and update, under the lock held for the whole command.
package broker
