// Package broker tells a tunnel broker the tunnel's new IPv4 endpoint:
// Hurricane Electric's /nic/update, or any dyndns2-style update URL.
//
// The update URL carries the credentials (https://USER:KEY@host/...). They
// travel only in the Authorization header, over HTTPS with verification, and
// never reach a log line, an error or the state file: print a URL only
// through Redact.
//
// The broker's answer is parsed from the body, not the HTTP status (HE
// answers 200 with error bodies); anything the broker says is sanitized
// to one short line of printable ASCII before it is shown or stored.
//
// Per tunnel, the state file STATEDIR/IF.broker.json remembers the last
// address the broker accepted and the last answer, so that the same address
// is never sent twice (HE calls repeated updates abuse) and failures back
// off: decide says whether to send, Record updates the state from an
// answer, and Run does the whole round (load, decide, update, record, save)
// for the restart and update commands. Run takes no lock: gifctl holds its
// own around the whole command.
package broker
