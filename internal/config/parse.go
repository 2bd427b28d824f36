package config

import (
	"bytes"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gifctl/gifctl/hostnameif"
)

// parseError is "NAME:LINE: message", as OpenBSD's parsers print it; its
// message quotes no secret, and through %q: no control character.
type parseError struct {
	File string // the name given to Parse
	Line int    // 1-based
	Msg  string
}

func (e *parseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Parse reads gifctl.conf(5) file name. Its error is a *parseError, the
// first mistake, where the parser panics as text/template's does.
func Parse(name string, data []byte) (c *Config, err error) {
	defer func() {
		switch e := recover().(type) {
		case nil:
		case *parseError:
			c, err = nil, e
		default:
			panic(e)
		}
	}()
	cfg := defaultConfig
	cfg.File = name
	p := &parser{cfg: &cfg, seen: make(map[string]int)}
	p.lex(data)
	p.file()
	return p.cfg, nil
}

type parser struct {
	toks []token
	pos  int
	cfg  *Config
	seen map[string]int // set option, "check FAMILY", "tunnel IF" -> its line
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF { // EOF stays put, so reading past it is harmless
		p.pos++
	}
	return t
}

func (p *parser) fail(line int, format string, args ...any) {
	panic(&parseError{p.cfg.File, line, fmt.Sprintf(format, args...)})
}

func (p *parser) must(line int, err error) {
	if err != nil {
		p.fail(line, "%s", err)
	}
}

type tokKind int

const (
	tokEOF    tokKind = iota
	tokEOS            // end of a statement: a newline or ';'
	tokWord           // a bare word
	tokString         // a double-quoted string, quotes removed
	tokOpen           // {
	tokClose          // }
)

type token struct {
	kind tokKind
	text string // the word, the string's contents, or the character
	line int
}

var punct = map[byte]tokKind{'\n': tokEOS, ';': tokEOS, '{': tokOpen, '}': tokClose}

// maxValue bounds a word or string, as pf's and ifstated's lexers do.
const maxValue = 1024 // PATH_MAX; ten times an HE update URL

// lex tokenizes as pf's lexer does, less macros, escapes and quoted newlines.
func (p *parser) lex(data []byte) {
	p.toks = make([]token, 0, len(data)/6+1) // most statements have two or three
	line := 1
	for i := 0; i < len(data); {
		c, n := data[i], 1                    // n: the bytes that c starts
		t := token{punct[c], string(c), line} // tokEOF: nothing to keep
		switch {
		case c == ' ' || c == '\t' || bytes.HasPrefix(data[i:], []byte("\r\n")):
		case c == '\n':
			line++
		case t.kind != tokEOF:
		case c == '#':
			if n = bytes.IndexByte(data[i:], '\n'); n < 0 {
				n = len(data) - i
			}
		case c == '"':
			n = bytes.IndexAny(data[i+1:], "\"\n") + 2
			if n < 2 || data[i+n-1] == '\n' {
				p.fail(line, "unterminated quoted string")
			}
			t = token{tokString, string(data[i+1 : i+n-1]), line}
		default:
			for n = 0; i+n < len(data) && !endsWord(data[i+n:]); n++ {
				if data[i+n] == '\'' {
					// they quote in pf.conf; here, a password would keep them
					p.fail(line, `single quote outside double quotes; quote with "`)
				}
			}
			t = token{tokWord, string(data[i : i+n]), line}
		}
		if len(t.text) > maxValue {
			p.fail(line, "value longer than %d bytes", maxValue)
		}
		if t.kind != tokEOF {
			p.toks = append(p.toks, t)
		}
		i += n
	}
	if line > 1 && data[len(data)-1] == '\n' {
		line--
	}
	p.toks = append(p.toks, token{tokEOF, "", line}) // on the last line
}

func endsWord(data []byte) bool {
	return bytes.ContainsAny(data[:1], " \t\n;#{}\"") || bytes.HasPrefix(data, []byte("\r\n"))
}

// file is the top level: set statements and check and tunnel blocks.
func (p *parser) file() {
	for {
		switch t := p.next(); {
		case t.kind == tokEOF && len(p.cfg.Tunnels) == 0:
			p.fail(t.line, "no tunnel block; see gifctl.conf(5)")
		case t.kind == tokEOF:
			return
		case t.kind == tokEOS:
		case t.kind == tokClose:
			p.fail(t.line, `unexpected "}" outside a block`)
		case t.kind != tokWord:
			p.fail(t.line, "expected a keyword, found %s", describe(t))
		case t.text == "set":
			p.set(t)
		case t.text == "check":
			p.check(t)
		case t.text == "tunnel":
			p.tunnel(t)
		default:
			p.unknown(t, topKeywords, "")
		}
	}
}

// values takes the words and strings that follow a keyword.
func (p *parser) values() []token {
	start := p.pos
	for k := p.peek().kind; k == tokWord || k == tokString; k = p.peek().kind {
		p.pos++
	}
	return p.toks[start:p.pos]
}

// once refuses a second "pfctl", "check ipv4", "timeout" in a block, ...
func (p *parser) once(seen map[string]int, name string, line int, verb string) {
	if first, ok := seen[name]; ok {
		p.fail(line, "%s: already %s on line %d", name, verb, first)
	}
	seen[name] = line
}

// one returns the one value of kw, called what in messages.
func (p *parser) one(kw token, vs []token, what string) string {
	switch {
	case len(vs) == 0:
		p.fail(kw.line, "%s: missing %s", kw.text, what)
	case len(vs) > 1:
		p.fail(kw.line, "%s: one %s only", kw.text, what)
	}
	return vs[0].text
}

func (p *parser) set(kw token) {
	vs := p.values()
	if t := p.next(); t.kind != tokEOS && t.kind != tokEOF {
		p.fail(t.line, "set: unexpected %s", describe(t))
	}
	if len(vs) == 0 {
		p.fail(kw.line, "set: missing option")
	}
	c, opt := p.cfg, vs[0]
	field := map[string]*string{
		"hostname-dir": &c.HostnameDir, "state-dir": &c.StateDir, "netstart": &c.Netstart,
		"pfctl": &c.Pfctl, "ifconfig": &c.Ifconfig, "pf-conf": &c.PfConf, "ca-file": &c.CAFile,
	}[opt.text]
	switch {
	case opt.kind != tokWord:
		p.fail(opt.line, "set: expected an option, found %s", describe(opt))
	case field == nil:
		p.fail(opt.line, "set: unknown option %s%s", quoteShort(opt.text), suggest(opt.text, setOptions))
	}
	s := p.one(opt, vs[1:], "value")
	p.once(p.seen, opt.text, kw.line, "set")
	*field = p.path(opt, s)
}

// header reads a block's name, unchecked, up to "{" (maybe on the next line),
// once per name.
func (p *parser) header(kw token, what, verb string) string {
	vs := p.values()
	if len(vs) > 1 {
		p.fail(vs[1].line, "%s %s: expected \"{\", found %s", kw.text, quoteIfOdd(vs[0].text), describe(vs[1]))
	}
	name := p.one(kw, vs, what)
	for p.peek().kind == tokEOS {
		p.next()
	}
	if p.next().kind != tokOpen {
		p.fail(kw.line, "%s %s: missing \"{\"", kw.text, quoteIfOdd(name))
	}
	p.once(p.seen, kw.text+" "+name, kw.line, verb)
	return name
}

// block hands each statement up to "}" to stmt, all but target once.
func (p *parser) block(what string, open int, stmt func(kw token, vs []token)) {
	seen := make(map[string]int)
	for {
		switch t := p.next(); {
		case t.kind == tokEOS:
		case t.kind == tokClose:
			if n := p.peek(); n.kind != tokEOS && n.kind != tokEOF && n.kind != tokClose {
				p.fail(n.line, "unexpected %s after \"}\"", describe(n)) // on its line
			}
			return
		case t.kind == tokEOF:
			p.fail(t.line, "%s: missing \"}\" at end of file (block opened on line %d)", what, open)
		case t.kind != tokWord:
			p.fail(t.line, "expected a keyword, found %s", describe(t))
		case slices.Contains(topKeywords, t.text):
			p.fail(t.line, "%s: missing \"}\" before %q (block opened on line %d)", what, t.text, open)
		default:
			vs := p.values()
			if n := p.peek(); n.kind == tokOpen {
				p.fail(n.line, "%s: unexpected \"{\"", quoteIfOdd(t.text))
			}
			if t.text != "target" {
				p.once(seen, t.text, t.line, "given")
			}
			stmt(t, vs)
		}
	}
}

func (p *parser) check(kw token) {
	fam := p.header(kw, "family (ipv4 or ipv6)", "given")
	p.must(kw.line, checkSafe("check", fam))
	slot := map[string]**Check{"ipv4": &p.cfg.IPv4, "ipv6": &p.cfg.IPv6}[fam]
	if slot == nil {
		p.fail(kw.line, "check: unknown family %s; want ipv4 or ipv6", quoteShort(fam))
	}
	what, c := "check "+fam, &Check{Timeout: DefaultCheckTimeout}
	listed := make(map[netip.Addr]int) // target -> its line
	p.block(what, kw.line, func(k token, vs []token) {
		switch k.text {
		case "target":
			if len(vs) == 0 {
				p.fail(k.line, "target: missing address")
			}
			for _, v := range vs {
				a := p.addr(k, v.text, fam == "ipv4")
				if first, ok := listed[a]; ok {
					p.fail(k.line, "target: %s already listed on line %d", a, first)
				}
				if len(c.Targets) == MaxTargets {
					p.fail(k.line, "%s: more than %d targets", what, MaxTargets)
				}
				listed[a] = k.line
				c.Targets = append(c.Targets, a)
			}
		case "timeout":
			n := p.int(k, p.one(k, vs, "number of seconds"), MinCheckTimeout, MaxCheckTimeout, " of seconds")
			c.Timeout = time.Duration(n) * time.Second
		default:
			p.unknown(k, checkKeywords, "a check block")
		}
	})
	if len(c.Targets) == 0 {
		p.fail(kw.line, "%s: no target", what)
	}
	*slot = c
}

func (p *parser) tunnel(kw token) {
	name := p.ifName(kw, p.header(kw, "interface name", "defined"))
	t := &Tunnel{Name: name}
	p.block("tunnel "+name, kw.line, func(k token, vs []token) {
		noun, ok := tunnelValues[k.text]
		switch {
		case !ok:
			p.unknown(k, tunnelKeywords, "a tunnel block")
		case k.text == "inet6":
			p.inet6(t, k, vs)
			return
		}
		switch s := p.one(k, vs, noun); k.text {
		case "egress":
			if t.Egress = p.ifName(k, s); s == name {
				p.fail(k.line, "egress: %s is the tunnel itself", s)
			}
		case "remote":
			t.Remote = p.addr(k, s, true)
		case "mtu":
			t.MTU = p.int(k, s, hostnameif.MinMTU, hostnameif.MaxMTU, "")
		case "update-url":
			t.UpdateURL = p.updateURL(k, s)
		case "heartbeat":
			t.Heartbeat = p.heartbeat(k, s)
		}
	})
	if t.Egress == "" {
		p.fail(kw.line, "tunnel %s: egress is required", name)
	}
	p.cfg.Tunnels = append(p.cfg.Tunnels, t)
}

// inet6 is "inet6 ADDR peer ADDR"; either may carry a prefix length, as HE's
// tunnel page shows them ("2001:db8:1::2/64"), and both must lie in it.
func (p *parser) inet6(t *Tunnel, k token, vs []token) {
	if len(vs) != 3 || vs[1].text != "peer" || vs[1].kind != tokWord {
		p.fail(k.line, `inet6: want "inet6 ADDRESS peer ADDRESS"`)
	}
	a, alen := p.inner(k, vs[0].text)
	peer, plen := p.inner(vs[1], vs[2].text)
	if a == peer {
		p.fail(k.line, "inet6: address and peer are both %s", a)
	}
	for _, n := range []int{alen, plen} {
		if net := netip.PrefixFrom(a, n).Masked(); n > 0 && !net.Contains(peer) {
			p.fail(k.line, "inet6: %s and peer %s are not both in %s; copy both from the tunnel's page", a, peer, net)
		}
	}
	t.Inet6, t.Peer, t.Inet6Len = a, peer, max(alen, plen)
}

// IsIfName reports whether s is lowercase letters and a unit number (em0),
// safe in a path or a shell line.
func IsIfName(s string) bool { return hostnameif.ValidIfname(s) && s == strings.ToLower(s) }

// describe names a token without quoting a string, which may be a secret.
func describe(t token) string {
	if t.kind == tokString {
		return "a quoted string"
	}
	return quoteShort(t.text)
}

func quoteShort(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:40]) + "..."
	}
	return strconv.Quote(s)
}

// quoteIfOdd leaves a plain name as it is and quotes anything else.
func quoteIfOdd(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == "" {
		return s
	}
	return quoteShort(s)
}

// The keywords of gifctl.conf(5), by where they may stand.
var (
	topKeywords    = []string{"check", "set", "tunnel"}
	setOptions     = []string{"ca-file", "hostname-dir", "ifconfig", "netstart", "pf-conf", "pfctl", "state-dir"}
	checkKeywords  = []string{"target", "timeout"}
	tunnelKeywords = slices.Sorted(maps.Keys(tunnelValues))
)

// tunnelValues names each tunnel keyword's value in messages.
var tunnelValues = map[string]string{
	"egress": "interface name", "heartbeat": "password", "inet6": "", "mtu": "number",
	"remote": "IPv4 address", "update-url": "URL",
}

// Keywords returns all keywords, set options, families and "peer", sorted.
func Keywords() []string {
	all := slices.Concat(topKeywords, setOptions, checkKeywords, tunnelKeywords, []string{"ipv4", "ipv6", "peer"})
	slices.Sort(all)
	return all
}

// unknown stops the parser at a keyword out of place: in a block of kind ("a
// tunnel block", "" at the top level) whose keywords are valid.
func (p *parser) unknown(kw token, valid []string, kind string) {
	k := kw.text
	switch {
	case k == "peer":
		p.fail(kw.line, `peer: only in "inet6 ADDRESS peer ADDRESS"`)
	case slices.Contains(setOptions, k):
		p.fail(kw.line, "unknown keyword %q; did you mean \"set %s\"?", k, k)
	case kind == "" && slices.Contains(tunnelKeywords, k):
		p.fail(kw.line, "%s: only inside a tunnel block", k)
	case kind == "" && slices.Contains(checkKeywords, k):
		p.fail(kw.line, "%s: only inside a check block", k)
	case kind != "" && slices.Contains(Keywords(), k):
		p.fail(kw.line, "%s: not allowed in %s", k, kind)
	}
	p.fail(kw.line, "unknown keyword %s%s", quoteShort(k), suggest(k, valid))
}

// suggest returns "; did you mean C?" if word looks like candidate C mistyped.
func suggest(word string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(word, c)
		if d <= max(1, len(c)/3) && (bestDist < 0 || d < bestDist) {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	row := make([]int, len(b)+1) // distances from a[:i] to each b[:j]
	for j := range row {
		row[j] = j
	}
	for i := range len(a) {
		diag := row[0]
		row[0] = i + 1
		for j := range len(b) {
			cost := 1
			if a[i] == b[j] {
				cost = 0
			}
			diag, row[j+1] = row[j+1], min(row[j+1]+1, row[j]+1, diag+cost)
		}
	}
	return row[len(b)]
}
