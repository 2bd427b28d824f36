// Package gifsim is the multi-call program of the simulation: the
// userspace gif daemon and the stand-ins for OpenBSD's netstart and
// ifconfig, one subcommand each. cmd/gifsim wraps Main in a binary; tests
// can instead re-execute their own test binary (see ExecEnv and
// RunIfRequested), which saves a go build.
//
//	gifsim gif -name gif0 -ctl DIR [-local SRC -remote DST] [-mtu N] [-up]
//	gifsim ifconfig [-ctl DIR] [IF [ARGS...]]
//	gifsim netstart [-n] [-hostname-dir DIR] [-ctl DIR] IF...
//
// The gif subcommand is a daemon: it creates the TUN device IF, serves the
// control socket DIR/IF.sock and carries packets until SIGTERM or SIGINT.
// ifconfig and netstart are short-lived, run inside the router's network
// namespace, and talk to the daemons through DIR, so that
// `ifconfig gif0 tunnel SRC DST` changes a running tunnel in place, as on
// OpenBSD.
package gifsim
