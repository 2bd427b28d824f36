// Package broker tells a tunnel broker the tunnel's new IPv4 endpoint:
// Hurricane Electric's /nic/update, or any dyndns2-style update URL.
//
// The URL's credentials (https://USER:KEY@host/...) go only in the
// Authorization header over verified HTTPS, never to a log, an error or the
// state file: print a URL only through Redact. The answer is read from the
// body, not the status (HE answers 200 with error bodies).
//
// STATEDIR/IF.broker.json keeps the last address accepted, so that none is
// sent twice (HE calls that abuse), and the last answer, so that failures
// back off. Updater does the round under the lock of the whole command.
package broker
