// Package hostnameif reads and edits hostname.if(5) files as OpenBSD's
// /etc/netstart (v1.229: ifstart's read loop and parse_hn_line) reads them.
//
// netstart splits a line at blanks regardless of quotes, which eval removes
// later, and evals it as root: `up $(reboot)` would reboot. So nothing goes
// into the file that was not parsed into a typed value (netip.Addr, an int)
// and printed from it.
//
// A File keeps its bytes: [File.SetTunnel] changes only the tunnel's words
// on one line, or inserts one line, and never a line [File.Divergences]
// names. [File.Commands] is the one reading of netstart's, on which the
// others build, so a `!ifconfig $if inet6 ...` line counts as `inet6` does.
//
// Not modelled: after its first line netstart expands * ? [ into file
// names; here they are literal, and a command needing globbing, variables
// or other shell syntax is left to the shell (Command.Ifconfig is nil).
package hostnameif
