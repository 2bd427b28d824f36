// Package hostnameif reads and edits hostname.if(5) files as OpenBSD's
// /etc/netstart (v1.229: ifstart's read loop and parse_hn_line) reads them.
//
// netstart splits a line at blanks regardless of quotes, which eval removes
// later, and evals it as root: `up $(reboot)` would reboot. So only typed
// values (netip.Addr, an int) go into a file, printed from their type, and
// [File.SetTunnel] edits only the tunnel's words, never a line
// [File.Divergences] names. All readers build on [File.Commands], netstart's
// reading, so a `!ifconfig $if inet6 ...` line counts as `inet6` does.
//
// Not modelled: netstart globs * ? [ after a file's first line; here they
// are literal, and a command needing shell syntax has a nil Command.Ifconfig.
package hostnameif
