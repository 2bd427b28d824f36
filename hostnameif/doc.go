// Package hostnameif reads and edits hostname.if(5) files the way OpenBSD's
// /etc/netstart (v1.229: the read loop in ifstart and parse_hn_line) reads
// them.
//
// A hostname.if is a root shell script: netstart reads a line with `IFS=
// read` (no -r), splits it at blanks without looking at quotes, turns it
// into a command and runs that with eval, as root. `description "a b"`
// works only because eval removes the quotes, and `up $(reboot)` would
// reboot. So nothing goes into the file that was not parsed into a typed
// value (netip.Addr, an int) and printed from it.
//
// A File keeps the bytes it was given: [File.Bytes] returns the input
// exactly, whatever it holds, and [File.SetTunnel] changes only the bytes
// of the tunnel's words on one line, or inserts one line. [File.Commands]
// is netstart's reading and the only one: [File.Tunnel], [File.Inet6] and
// [File.DefaultRoute] read its commands, so a `!ifconfig $if inet6 ...`
// line counts as much as an `inet6` line. [File.Divergences] names the
// lines whose words and netstart's command disagree, which SetTunnel never
// edits.
//
// Not modelled: after its first line netstart expands words with * ? or [
// into file names; here they are literal, and a command that needs
// globbing, variables or other shell syntax is left to the shell
// (Command.Ifconfig is nil).
package hostnameif
