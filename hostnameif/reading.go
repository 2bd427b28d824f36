package hostnameif

import (
	"bytes"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// ifconfigArgs returns what c passes to `ifconfig IFNAME` (a plain line or
// `!ifconfig IFNAME ...`), or nil; known is false when c needs the shell.
func ifconfigArgs(c Command, ifname string) (args []string, known bool) {
	a, ok := simpleArgs(c.Eval)
	if ok && len(a) >= 2 && (a[0] == "ifconfig" || a[0] == "/sbin/ifconfig") && a[1] == ifname {
		return a[2:], true
	}
	return nil, ok
}

// lastTunnel returns the index of the last command, the one that wins, to
// set or delete the tunnel (or need the shell and hold the word), else -1.
func lastTunnel(cmds []Command, ifname string) int {
	for i := len(cmds) - 1; i >= 0; i-- {
		a, known := ifconfigArgs(cmds[i], ifname)
		if known {
			a = a[:min(len(a), 1)] // the keyword
		} else {
			a = splitIFS(cmds[i].Eval)
		}
		if slices.Contains(a, "tunnel") || slices.Contains(a, "deletetunnel") {
			return i
		}
	}
	return -1
}

// Tunnel returns the endpoints of this file's last tunnel or `!ifconfig
// IFNAME tunnel` line as hostname.IFNAME; ok is false for none, one needing
// the shell (`$SRC`), or words not two addresses.
func (f *File) Tunnel(ifname string) (src, dst netip.Addr, ok bool) {
	cmds := f.Commands(ifname)
	if i := lastTunnel(cmds, ifname); i >= 0 {
		return endpoints(cmds[i], ifname)
	}
	return netip.Addr{}, netip.Addr{}, false
}

// endpoints reads `tunnel SRC DST` from a command's arguments.
func endpoints(c Command, ifname string) (src, dst netip.Addr, ok bool) {
	a, _ := ifconfigArgs(c, ifname)
	if len(a) < 3 || a[0] != "tunnel" {
		return netip.Addr{}, netip.Addr{}, false
	}
	src, err1 := netip.ParseAddr(a[1])
	dst, err2 := netip.ParseAddr(a[2])
	if err1 != nil || err2 != nil {
		return netip.Addr{}, netip.Addr{}, false
	}
	return src, dst, true
}

// Inet6 returns the first IPv6 address netstart sets, from `inet6 [alias] A
// LEN` and `dest P` or `!ifconfig IFNAME inet6 [alias] A P prefixlen LEN`,
// and P or a zero peer. `inet6 alias A P prefixlen 128` (ifconfig(8)'s
// layout) sets none: netstart takes P for the prefix length.
func (f *File) Inet6(ifname string) (addr, peer netip.Addr, ok bool) {
	i, addr, peer, _ := inner(f.Commands(ifname), ifname)
	return addr, peer, i >= 0
}

// inner is Inet6 with the command's index (-1: none) and prefix length.
func inner(cmds []Command, ifname string) (i int, addr, peer netip.Addr, plen int) {
	for i, c := range cmds {
		if a, _ := ifconfigArgs(c, ifname); len(a) > 0 && a[0] == "inet6" {
			if addr, peer, plen, ok := inet6Args(a[1:]); ok {
				return i, addr, peer, plen
			}
		}
	}
	return -1, netip.Addr{}, netip.Addr{}, 0
}

// inet6Args reads `[alias] ADDR[/LEN] [DEST] [prefixlen LEN] [up]` after
// `ifconfig IF inet6` as sbin/ifconfig/ifconfig.c does, 64 the default LEN;
// ok is false for all else (autoconf, -alias, a word ifconfig refuses).
func inet6Args(w []string) (addr, dest netip.Addr, plen int, ok bool) {
	plen = 64
	for i := 0; i < len(w); i++ {
		var err error
		switch {
		case w[i] == "alias" || w[i] == "up":
		case w[i] == "prefixlen" && i+1 < len(w) && isPrefixLen(w[i+1]):
			i++
			plen, _ = strconv.Atoi(w[i])
		case !addr.IsValid():
			if p, perr := netip.ParsePrefix(w[i]); perr == nil {
				addr, plen = p.Addr(), p.Bits()
			} else {
				addr, err = netip.ParseAddr(w[i])
			}
		case !dest.IsValid():
			dest, err = netip.ParseAddr(w[i])
		default:
			return
		}
		if err != nil {
			return // a bad prefixlen too: no address is ever "prefixlen"
		}
	}
	isIPv6 := func(a netip.Addr) bool { return a.Is6() && !a.Is4In6() }
	return addr, dest, plen, isIPv6(addr) && (!dest.IsValid() || isIPv6(dest))
}

// isPrefixLen reports whether ifconfig takes s as an IPv6 prefix length.
func isPrefixLen(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0 && n <= 128
}

// DefaultRoute returns the line (0: none) of the first `!route ... add
// -inet6 default GW` netstart runs, and GW if an address.
func (f *File) DefaultRoute(ifname string) (gw netip.Addr, line int) {
	for _, c := range f.Commands(ifname) {
		a, ok := simpleArgs(c.Eval)
		if !ok {
			a = splitIFS(c.Eval) // still a route, with words only the shell knows
		}
		i := slices.Index(a, "default")
		if i < 0 || a[0] != "route" && a[0] != "/sbin/route" ||
			!slices.Contains(a, "add") || !slices.Contains(a, "-inet6") {
			continue
		}
		if i+1 < len(a) {
			gw, _ = netip.ParseAddr(a[i+1])
		}
		return gw, c.Line
	}
	return netip.Addr{}, 0
}

// Divergence is a hostname.if line that netstart reads otherwise than a
// person (or gifctl's editor, which edits the words as they stand) does.
type Divergence struct {
	Line     int    // the line at fault
	Netstart string // what netstart runs for it (or for the command it changes); "" when nothing
	Why      string
}

func (d Divergence) String() string {
	s := "line " + strconv.Itoa(d.Line) + ": " + d.Why
	if d.Netstart != "" {
		s += "; netstart runs " + strconv.Quote(d.Netstart)
	}
	return s
}

const whyEscape = "a backslash or NUL byte in a tunnel line: netstart's read drops it (a backslash at the end of a line joins the next one to it), so the line is not the words it shows"

// Divergences lists the lines whose words and netstart's command disagree.
func (f *File) Divergences(ifname string) []Divergence {
	cmds := f.Commands(ifname)
	var out []Divergence
	k := 0 // cmds[:k] come from the lines up to l
	for _, l := range f.lines {
		for k < len(cmds) && cmds[k].Line <= l.num {
			k++
		}
		var c Command // what netstart runs for l; zero when nothing
		if k > 0 && cmds[k-1].Line == l.num {
			c = cmds[k-1]
		}
		d := Divergence{Line: l.num, Netstart: c.Eval}
		w := l.words
		plain, _ := simpleArgs(l.text)
		switch {
		case !l.terminated && !isComment(w):
			d.Why = "no newline at the end: netstart never reads the last line"
		case isComment(w) && l.terminated && bytes.Count(f.data[l.start:l.end], []byte{'\n'}) > 1:
			d.Why = "a backslash ends this comment, so netstart skips the next line with it"
		case !l.terminated, isComment(w):
		case strings.HasSuffix(l.text, "\r"):
			d.Why = "ends in CR (CR LF line endings): netstart passes the CR on as part of the last word"
		case w[0][0] == '!', w[0] == "dhcp":
		case w[0] == "dest" && len(w) != 2:
			d.Why = "netstart ignores a dest line unless exactly one word follows dest (a # comment counts)"
		case w[0] == "dest" && k == 0:
			d.Why = "netstart ignores a dest line that no command comes before"
		case w[0] == "dest":
			// netstart adds the peer to the command before, whatever it is
			if a, _ := ifconfigArgs(cmds[k-1], ifname); len(a) == 0 || a[0] != "inet" && a[0] != "inet6" {
				d.Netstart = cmds[k-1].Eval
				d.Why = fmt.Sprintf("netstart adds the address to the command of line %d, which is not an inet or inet6 line: dest must come right after the inet6 line", cmds[k-1].Line)
			}
		case c.Line == 0:
		case c.Ifconfig == nil && strings.Contains(l.text, "$if"):
			d.Why = "$if is replaced only in lines starting with !: here the shell expands it to nothing"
		case c.Ifconfig == nil:
			d.Why = "shell syntax ($ ` ; & | < > ( ) * ? [ { } ~ or an unclosed quote): netstart evals the line as root, so it is more than ifconfig's words"
		case len(c.Ifconfig) == 0 || c.Ifconfig[0] != w[0]:
			d.Why = "a quoted or escaped first word: netstart runs it, but gifctl reads keywords only as plain words"
		case w[0] == "tunnel" && bytes.ContainsAny(f.data[l.start:l.end], "\\\x00"):
			d.Why = whyEscape
		case w[0] == "tunnel" && !slices.Equal(plain, args(w)):
			d.Why = "quotes or backslashes in a tunnel line: netstart passes ifconfig other words than the line shows, and gifctl edits the words as they stand"
		case w[0] == "inet6" && badPrefixLen(c.Ifconfig):
			d.Why = "netstart takes the word after the address for the prefix length, and ifconfig refuses the result: write `inet6 [alias] ADDR PREFIXLEN` and, on the next line, `dest PEER`"
		}
		if d.Why != "" {
			out = append(out, d)
		}
	}
	return out
}

// badPrefixLen reports whether ifconfig refuses a word after "prefixlen" in a.
func badPrefixLen(a []string) bool {
	for i := 1; i < len(a); i++ {
		if a[i-1] == "prefixlen" && !isPrefixLen(a[i]) {
			return true
		}
	}
	return false
}
