package config

import (
	"cmp"
	"fmt"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the grammar.
const (
	MaxTargets      = 16 // per check block
	MinCheckTimeout = 1  // seconds
	MaxCheckTimeout = 30 // seconds
	MaxHeartbeatLen = 128
	ifNameSize      = 16 // IFNAMSIZ, the terminating NUL included
)

// badEverywhere ends, chains or expands a command in sh(1) or a "!" line.
const badEverywhere = ";!$`"

// checkSafe, first in each value checker, wants printable UTF-8 without
// blanks or badEverywhere. Of a secret, errors name one character at most.
func checkSafe(kw, s string) error {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return fmt.Errorf("%s: contains invalid UTF-8", kw)
		case !unicode.IsPrint(r) || unicode.IsSpace(r) || strings.ContainsRune(badEverywhere, r):
			return fmt.Errorf("%s: contains %q", kw, string(r))
		}
	}
	return nil
}

// pathPunct is what a path may hold besides letters and digits: it is run
// (netstart, pfctl), maybe by a shell, so no quote, glob, brace, redirection.
const pathPunct = "/._-+,:@%=~"

// path checks a set option's path and returns it cleaned.
func (p *parser) path(k token, s string) string {
	p.must(k.line, checkSafe(k.text, s))
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(pathPunct, r) {
			p.fail(k.line, "%s: contains %q", k.text, string(r))
		}
	}
	if !strings.HasPrefix(s, "/") {
		p.fail(k.line, "%s: %s is not an absolute path", k.text, quoteShort(s))
	}
	return filepath.Clean(s)
}

func (p *parser) ifName(k token, s string) string {
	p.must(k.line, checkSafe(k.text, s))
	if !IsIfName(s) {
		p.fail(k.line, "%s: %s is not an interface name (letters, then a unit number, like em0)", k.text, quoteShort(s))
	}
	if len(s) >= ifNameSize {
		p.fail(k.line, "%s: %s is longer than %d bytes", k.text, quoteShort(s), ifNameSize-1)
	}
	return s
}

// ParseAddr checks an address of one family, from gifctl.conf or the command
// line: a global unicast one (not 0.0.0.0/8), unmapped, without a zone.
func ParseAddr(kw, s string, want4 bool) (netip.Addr, error) {
	if err := checkSafe(kw, s); err != nil {
		return netip.Addr{}, err
	}
	a, err := netip.ParseAddr(s)
	var why string
	switch {
	case err != nil:
		return netip.Addr{}, fmt.Errorf("%s: %s is not an IP address", kw, quoteShort(s))
	case a.Zone() != "":
		why = ": zones are not allowed"
	case a.Is4In6():
		why = " is IPv4-mapped; write it as IPv4"
	case want4 && !a.Is4():
		why = " is not an IPv4 address"
	case !want4 && !a.Is6():
		why = " is not an IPv6 address"
	case !a.IsGlobalUnicast(), a.Is4() && a.As4()[0] == 0:
		why = " is not a global unicast address"
	default:
		return a, nil
	}
	return netip.Addr{}, fmt.Errorf("%s: %s%s", kw, a, why)
}

func (p *parser) addr(k token, s string, want4 bool) netip.Addr {
	a, err := ParseAddr(k.text, s, want4)
	p.must(k.line, err)
	return a
}

// inner reads an inner address and its "/LENGTH", if any.
func (p *parser) inner(k token, s string) (netip.Addr, int) {
	addr, length, hasLen := strings.Cut(s, "/")
	a := p.addr(k, addr, false)
	if !hasLen {
		return a, 0
	}
	return a, p.int(token{text: k.text + " prefix length", line: k.line}, length, 1, 128, "")
}

// int checks a decimal number in [min, max]: digits only, no sign.
func (p *parser) int(k token, s string, min, max int, unit string) int {
	p.must(k.line, checkSafe(k.text, s))
	if s == "" || strings.Trim(s, "0123456789") != "" {
		p.fail(k.line, "%s: %s is not a whole number%s", k.text, quoteShort(s), unit)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		if len(s) > 20 {
			s = s[:20] + "..."
		}
		p.fail(k.line, "%s: %s is out of range %d-%d", k.text, s, min, max)
	}
	return n
}

// updateURL checks a broker's update URL, a secret quoted in no message.
func (p *parser) updateURL(k token, s string) *url.URL {
	p.must(k.line, checkSafe(k.text, s))
	u, err := url.Parse(s)
	if err != nil {
		p.fail(k.line, "update-url: not a valid URL: %s", urlErrReason(err))
	}
	_, qerr := url.ParseQuery(u.RawQuery)
	// decoded control characters would go into a header or a query
	decoded, _ := url.PathUnescape(s)
	var why string
	switch port, perr := strconv.Atoi(u.Port()); {
	case u.Scheme != "https":
		why = "scheme must be https: the URL carries credentials"
	case u.Opaque != "":
		why = "not a valid URL: want https://HOST/PATH"
	case u.Hostname() == "":
		why = "no host"
	case u.Fragment != "" || strings.Contains(s, "#"):
		why = "a fragment (#...) is never sent; remove it"
	case !validHost(u.Hostname()):
		why = "host is neither a DNS name nor an IP address"
	case u.Port() != "" && (perr != nil || port < 1 || port > 65535):
		why = "bad port"
	case qerr != nil:
		why = "bad query: " + urlErrReason(qerr)
	case !utf8.ValidString(decoded) || strings.ContainsFunc(decoded, unicode.IsControl):
		why = "contains an escaped control character or invalid UTF-8"
	default:
		return u
	}
	p.fail(k.line, "update-url: %s", why)
	return nil
}

// validHost accepts an IP address or DNS name; net/url lets '<', '"', '{' pass.
func validHost(h string) bool {
	if a, err := netip.ParseAddr(h); err == nil {
		return a.Zone() == ""
	}
	const label = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
	return len(h) <= 253 && !slices.ContainsFunc(strings.Split(strings.TrimSuffix(h, "."), "."), func(l string) bool {
		return l == "" || len(l) > 63 || strings.Trim(l, label) != ""
	})
}

// urlErrReason is net/url's error less its quotes of the URL (a password?).
func urlErrReason(err error) string {
	if ue, ok := err.(*url.Error); ok {
		err = ue.Err
	}
	r := regexp.MustCompile(`"[^"]*"`).ReplaceAllString(err.Error(), "")
	return cmp.Or(strings.TrimPrefix(strings.Join(strings.Fields(r), " "), "net/url: "), "malformed")
}

func (p *parser) heartbeat(k token, s string) string {
	p.must(k.line, checkSafe(k.text, s))
	if i := strings.IndexFunc(s, func(r rune) bool { return r > '~' }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		p.fail(k.line, "heartbeat: contains %q; the password is printable ASCII", string(r))
	}
	switch {
	case s == "":
		p.fail(k.line, "heartbeat: empty password")
	case len(s) > MaxHeartbeatLen:
		p.fail(k.line, "heartbeat: password longer than %d characters", MaxHeartbeatLen)
	}
	return s
}
