// Package netns builds, and always tears down, the Linux network namespaces
// of every test that needs a network of its own. A unit test that needs
// only a namespace or two takes NewTestNS (loopback up, nothing else) and
// Link; the simulation takes a Lab, its whole test network:
//
//	router                 isp                         pop
//	em0 198.18.1.2/24 ---- rtr0 198.18.1.1/24          (the broker's side)
//	                            198.18.2.1/24
//	                       pop0 198.19.0.1/24 -------- em0 198.19.0.2/24
//	                                                   lo  2001:db8:ffff::1
//
// The router is the OpenBSD box under test (em0 is its egress, and its gif0
// will be the userspace gif of package ugif); the isp routes IPv4 between
// the router and the PoP, and owns a second router subnet so that Renumber
// can move the router to a new address, as an ISP does; the PoP is the
// tunnel broker's end, with an IPv6 host behind it to ping through the
// tunnel. Only 198.18.0.0/15 and the documentation prefixes are used.
//
// Namespaces are named "gifsim-PID-START-N-ROLE" (ROLE is "test" for
// NewTestNS): PID and START (its start time in clock ticks) identify the
// process that made them, so parallel tests and test binaries never
// collide, and Sweep can remove those of an owner that died (killed by
// SIGKILL, a crashed run) without touching a live one, even if the pid was
// reused. Every Lab and every NewTestNS sweeps before it builds.
//
// Teardown is not optional: Close kills every process it started (whole
// process groups) and every other process still inside the namespaces, then
// deletes them; NewForTest and NewTestNS register teardown with t.Cleanup,
// so it also runs when a test fails; and SIGINT or SIGTERM tears down every live Lab before
// the process exits, so an interrupted demo leaves nothing behind.
//
// Besides renumbering, a Lab can take the router's lease away (LoseLease)
// and prepare a new one (Offer), and make any namespace a NAT
// (Masquerade: nf_tables spoken over netlink, no nft or iptables needed).
// CloseAndVerify tears down and checks that nothing is left.
//
// Prerequisites (Check): root, ip(8) from iproute2, /dev/net/tun (loaded
// with modprobe tun if missing), raw sockets and network namespaces.
// Require applies the project's rule: skip when not root and CI is empty;
// otherwise a missing prerequisite fails the test, naming it.
package netns
