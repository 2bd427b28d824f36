// Package standin writes shell scripts that stand in for OpenBSD's
// netstart, ifconfig and pfctl where gifctl's set options point, for the
// tests of the built binary and for the benchmarks.
//
// The scripts keep gif0's "kernel" tunnel in DIR/kernel.IF, append every
// call to DIR/calls (read back with Calls), and can be steered through
// control files in DIR, never through the environment: gifctl passes its
// children none (bsd.RunEnv).
//
//   - netstart IF applies hostname.IF's last tunnel line. For the egress
//     interface it plays dhcpleased instead: when DIR/lease.IF exists it
//     adds that address (e.g. "198.51.100.77/24") to IF.
//   - ifconfig IF prints the tunnel in OpenBSD's format, or "no such
//     interface" before netstart ran.
//   - pfctl refuses (exit 1, a syntax error) a pf.conf that says BROKEN.
//   - DIR/netstart.hang, DIR/ifconfig.hang and DIR/pfctl.hang (pfctl -n
//     only) make a script wait forever, DIR/netstart.sleep for its seconds;
//     the waits run as a child whose pid goes into DIR/pids with the
//     script's, so a test can tell that the whole process group died.
//   - DIR/trace names the calling gifctl's pid with each call, and when
//     DIR/dump exists every script sources DIR/dump.sh, which a test writes.
package standin
