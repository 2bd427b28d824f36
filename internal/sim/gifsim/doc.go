// Package gifsim is the multi-call program of the simulation: the
// userspace gif daemon, the stand-ins for OpenBSD's netstart, ifconfig and
// dhcpleased, and the tunnel broker, one subcommand each. cmd/gifsim wraps Main in a binary; tests
// can instead re-execute their own test binary (see ExecEnv and
// RunIfRequested), which saves a go build.
//
//	gifsim gif -name gif0 -ctl DIR [-local SRC -remote DST] [-mtu N] [-up]
//	gifsim ifconfig [-ctl DIR] [IF [ARGS...]]
//	gifsim netstart [-n] [-hostname-dir DIR] [-ctl DIR] IF...
//	gifsim dhcpleased [-ctl DIR] -if IF
//	gifsim broker -listen ADDR:PORT -ca FILE -accounts FILE -control SOCKET [-ctl DIR] [-gif IF]
//
// The gif subcommand is a daemon: it creates the TUN device IF, serves the
// control socket DIR/IF.sock and carries packets until SIGTERM or SIGINT.
// ifconfig and netstart are short-lived, run inside the router's network
// namespace, and talk to the daemons through DIR, so that
// `ifconfig gif0 tunnel SRC DST` changes a running tunnel in place, as on
// OpenBSD.
//
// dhcpleased follows the lease the simulated ISP offers in DIR/IF.lease
// (WriteLease): `ifconfig em0 inet autoconf`, which netstart runs for a
// hostname.em0 saying dhcp, starts it in the background, as setting
// AUTOCONF4 wakes dhcpleased(8) on OpenBSD.
//
// broker is Hurricane Electric's update endpoint (package brokertest) over
// HTTPS in the PoP's namespace, with a CA it writes to a file: Basic auth,
// myip or the source address, good/nochg/badauth/abuse, a real ICMP echo to
// a new endpoint before it accepts it (brokertest.PingError when none
// comes back), and then the PoP's gif moved to the new remote through its
// control socket. Its own control socket (BrokerControl) forces answers
// and hands out the request log; it logs every request and answer, never
// a key.
package gifsim
