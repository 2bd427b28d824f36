// Package standin writes the stand-ins for OpenBSD's netstart, ifconfig and
// pfctl that every test of gifctl's world points gifctl's set options at:
// the tests of the built binary, the benchmarks and the simulation. One
// family of shell scripts, with one log and one set of control files; only
// where the interfaces live differs (Options):
//
//   - by default in files: netstart IF applies hostname.IF's last tunnel
//     line to DIR/kernel.IF, and ifconfig IF prints that tunnel in OpenBSD's
//     format, or "no such interface" before netstart ran. A shell script
//     costs a fork and exec of sh, which the benchmarks count as the
//     cheapest an ifconfig can be;
//   - in the simulation, in its userspace gifs: netstart and ifconfig hand
//     their arguments to gifsim's netstart and ifconfig, which read
//     hostname.IF as OpenBSD's netstart does (package hostnameif) and
//     change and print the gifs through their control sockets.
//
// What every script does, whatever the interfaces:
//
//   - append its call to DIR/calls (read back with Calls) and, with the
//     calling gifctl's pid ($RELAY_CALLER when the relay of package relay
//     ran it, else its parent), to DIR/trace;
//   - netstart IF plays dhcpleased for the egress interface: when
//     DIR/lease.IF exists it adds that address (e.g. "198.51.100.77/24");
//   - pfctl refuses (exit 1, a syntax error) a pf.conf that says BROKEN,
//     and copies a file it loads (no -n) to DIR/pf.loaded; pfctl -s info
//     says pf is enabled, or disabled when DIR/pf.disabled exists;
//   - DIR/netstart.hang, DIR/ifconfig.hang and DIR/pfctl.hang (pfctl -n
//     only) make a script wait forever, DIR/netstart.sleep for its seconds;
//     the waits run as a child whose pid goes into DIR/pids with the
//     script's, so a test can tell that the whole process group died;
//   - when DIR/dump exists, every script sources DIR/dump.sh, which a test
//     writes.
//
// The control files are files, never environment variables: gifctl passes
// its children a fixed environment (bsd.RunEnv).
package standin
