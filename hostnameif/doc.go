// Package hostnameif reads and edits hostname.if(5) files the way OpenBSD's
// /etc/netstart (v1.229: the read loop in ifstart and parse_hn_line) reads
// them.
//
// # A hostname.if is a root shell script
//
// netstart reads the file a line at a time with `IFS= read` (no -r: a
// backslash escapes the next byte and a backslash-newline joins two lines;
// NUL bytes are dropped; a last line without a newline is never read),
// splits each line into words at blanks without looking at quotes, turns it
// into a command (see [File.Commands]) and then runs every command with
// eval, as root. Not only `!` lines reach the shell: `description "a b"`
// works only because eval removes the quotes, and `up $(reboot)` would
// reboot. So nothing is ever written into a hostname.if that was not parsed
// into a typed value first (netip.Addr, an int) and printed from it: no
// string from a configuration file, a broker's answer or the network goes
// in.
//
// # Editing without damage
//
// A File keeps the bytes it was given and never re-prints a line it did not
// change: [File.Bytes] returns exactly the input, whatever it holds (CR LF,
// NUL, invalid UTF-8, no final newline, lines gifctl does not understand).
// Beside the bytes it keeps a token view of each line as netstart sees it.
// [File.SetTunnel] replaces only the bytes of the source (and destination)
// word of the last tunnel line, or inserts one line; every other byte stays.
//
// # One reading: netstart's
//
// [File.Commands] is netstart's reading, exactly, and the only one: what
// gifctl takes from a file ([File.Tunnel], [File.Inet6], [File.DefaultRoute])
// is read from those commands, so a `!ifconfig $if inet6 ...` line counts as
// much as an `inet6` line. [File.SetTunnel] finds the words to change in the
// line as it stands, and so edits only a line whose words are what netstart
// passes to ifconfig, then checks on Commands that the edited file makes
// netstart run what it ran before with only the tunnel changed.
// [File.Divergences] lists the lines whose words and netstart's command
// disagree (shell syntax, a quoted keyword, $if outside a ! line, a dest
// folded into a line that is not inet or inet6, CR LF endings, an inet6
// line written as for ifconfig, a comment continued by a backslash, a last
// line without a newline): SetTunnel refuses to edit them, and the
// messages name them.
//
// # What is not modelled
//
// After the first line it has parsed, netstart's noglob option is off while
// it expands the next line, so a word with * ? or [ may be replaced by file
// names from netstart's working directory; here such words are taken
// literally, and Commands hands any command that needs globbing, variables,
// command substitution or other shell syntax to the shell (Ifconfig nil)
// instead of splitting it into arguments itself.
package hostnameif
