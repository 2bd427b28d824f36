// Package watch is the engine of `gifctl watch`: it repairs a tunnel as
// soon as the egress interface's IPv4 address changes, instead of at the
// next poll.
//
// The kernel's notices (bsd.AddrWatch) only wake it. It then reads the
// state afresh, the egress's IPv4 addresses and the tunnel's source, and
// runs `gifctl restart IF` as a child when the source is no longer among
// the addresses. Reacting to the state rather than to message types makes
// the order and number of notices irrelevant: a renumbering (one address
// removed, another added, in either order) gives one restart; an egress
// with no IPv4 address gives none until one comes back.
//
// One pass runs at a time. Notices arriving during a pass (a restart
// causes some of its own) make one more pass after it, however many there
// were. A safety-net pass runs every Engine.Every, so a lost notice is
// repaired too. A restart that left the tunnel wrong is not repeated for
// the same egress addresses until the safety-net pass: a broken
// configuration must not become a restart loop.
package watch
