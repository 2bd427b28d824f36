// Package watch is the engine of `gifctl watch`: it repairs a tunnel as soon
// as the egress interface's IPv4 address changes, not at the next poll.
//
// Kernel notices (bsd.AddrWatch) only wake it; it reads the egress's IPv4
// addresses and the tunnel's source afresh and runs `gifctl restart IF` when
// the source is not among them. Judging the state, not the notices, makes
// their order and number irrelevant: a renumbering gives one restart, an
// egress without IPv4 none. Notices during a pass (a restart causes its own)
// make one more pass after it; a safety-net pass every Engine.Every repairs
// after a lost notice, and alone repeats a restart for the same addresses,
// so a broken configuration is no restart loop.
package watch
