package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the grammar.
const (
	MaxTargets      = 16   // per check block
	MinCheckTimeout = 1    // seconds
	MaxCheckTimeout = 30   // seconds
	MinMTU          = 1280 // gif(4)
	MaxMTU          = 8192 // gif(4)
	MaxHeartbeatLen = 128
	ifNameSize      = 16 // IFNAMSIZ, the terminating NUL included
)

// badEverywhere are characters no value may hold, whatever its keyword:
// each ends, chains or expands a command in sh(1) and in a hostname.if(5)
// "!" line, which netstart evals as root.
const badEverywhere = ";!$`"

// checkSafe is the first check of every value: valid UTF-8, printable, no
// white space, none of badEverywhere. The message names only the offending
// character, so it is safe for secrets too.
func checkSafe(kw, s string) error {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return fmt.Errorf("%s: contains invalid UTF-8", kw)
			}
		}
		if !unicode.IsPrint(r) || unicode.IsSpace(r) || strings.ContainsRune(badEverywhere, r) {
			return fmt.Errorf("%s: contains %q", kw, string(r))
		}
	}
	return nil
}

// pathPunct is the punctuation a path may hold besides letters and digits.
// A whitelist, because a path is run (netstart, pfctl) or handed to a
// shell by someone one day: no quote, glob, redirection, brace or
// backslash gets through.
const pathPunct = "/._-+,:@%=~"

// parsePath checks a set option's path and returns it cleaned.
func parsePath(kw, s string) (string, error) {
	if err := checkSafe(kw, s); err != nil {
		return "", err
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(pathPunct, r) {
			return "", fmt.Errorf("%s: contains %q", kw, string(r))
		}
	}
	if !strings.HasPrefix(s, "/") {
		return "", fmt.Errorf("%s: %s is not an absolute path", kw, quoteShort(s))
	}
	return filepath.Clean(s), nil
}

// IsIfName reports whether s looks like an interface name gifctl.conf
// accepts: lowercase letters, then the unit number (em0, gif0, pppoe1).
// Other packages use it to keep a name inside a directory or a shell line.
// It is a loop, not a regexp, because every gifctl process checks names
// on its way to a 5-second check and a regexp compiles at start-up.
func IsIfName(s string) bool {
	letters := 0
	for letters < len(s) && 'a' <= s[letters] && s[letters] <= 'z' {
		letters++
	}
	if letters == 0 || letters == len(s) {
		return false
	}
	for _, c := range []byte(s[letters:]) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseIfName checks an interface name: letters, then the unit number.
func parseIfName(kw, s string) (string, error) {
	if err := checkSafe(kw, s); err != nil {
		return "", err
	}
	if !IsIfName(s) {
		return "", fmt.Errorf("%s: %s is not an interface name (letters, then a unit number, like em0)", kw, quoteShort(s))
	}
	if len(s) >= ifNameSize {
		return "", fmt.Errorf("%s: %s is longer than %d bytes", kw, quoteShort(s), ifNameSize-1)
	}
	return s, nil
}

// ParseAddr checks an address of one family, from gifctl.conf or the
// command line. Zones, IPv4-mapped IPv6 and whatever is not global unicast
// (unspecified, loopback, 0.0.0.0/8, link-local, multicast, broadcast) are
// refused: none of them can be a tunnel end or a probe target that says
// anything about the tunnel.
func ParseAddr(kw, s string, want4 bool) (netip.Addr, error) {
	if err := checkSafe(kw, s); err != nil {
		return netip.Addr{}, err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%s: %s is not an IP address", kw, quoteShort(s))
	}
	switch {
	case a.Zone() != "":
		return netip.Addr{}, fmt.Errorf("%s: %s: zones are not allowed", kw, a)
	case a.Is4In6():
		return netip.Addr{}, fmt.Errorf("%s: %s is IPv4-mapped; write it as IPv4", kw, a)
	case want4 && !a.Is4():
		return netip.Addr{}, fmt.Errorf("%s: %s is not an IPv4 address", kw, a)
	case !want4 && !a.Is6():
		return netip.Addr{}, fmt.Errorf("%s: %s is not an IPv6 address", kw, a)
	case !a.IsGlobalUnicast(), a.Is4() && a.As4()[0] == 0:
		return netip.Addr{}, fmt.Errorf("%s: %s is not a global unicast address", kw, a)
	}
	return a, nil
}

// parseInner reads an inner address, with or without "/LENGTH".
func parseInner(kw, s string) (netip.Addr, int, error) {
	addr, length, hasLen := strings.Cut(s, "/")
	a, err := ParseAddr(kw, addr, false)
	if err != nil || !hasLen {
		return a, 0, err
	}
	n, err := parseInt(kw+" prefix length", length, 1, 128, "")
	return a, n, err
}

// parseInt checks a decimal number in [min, max]: digits only, no sign.
func parseInt(kw, s string, min, max int, unit string) (int, error) {
	if err := checkSafe(kw, s); err != nil {
		return 0, err
	}
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%s: %s is not a whole number%s", kw, quoteShort(s), unit)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		if len(s) > 20 {
			s = s[:20] + "..."
		}
		return 0, fmt.Errorf("%s: %s is out of range %d-%d", kw, s, min, max)
	}
	return n, nil
}

// parseUpdateURL checks a broker's update URL. The URL is a secret: no
// message quotes any part of it.
func parseUpdateURL(s string) (*url.URL, error) {
	const kw = "update-url"
	if err := checkSafe(kw, s); err != nil {
		return nil, err
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%s: not a valid URL: %s", kw, urlErrReason(err))
	}
	switch {
	case u.Scheme != "https":
		// Plain HTTP would send user:key over the network in the clear.
		return nil, fmt.Errorf("%s: scheme must be https: the URL carries credentials", kw)
	case u.Opaque != "":
		return nil, fmt.Errorf("%s: not a valid URL: want https://HOST/PATH", kw)
	case u.Hostname() == "":
		return nil, fmt.Errorf("%s: no host", kw)
	case u.Fragment != "" || strings.Contains(s, "#"):
		return nil, fmt.Errorf("%s: a fragment (#...) is never sent; remove it", kw)
	}
	if !validHost(u.Hostname()) {
		return nil, fmt.Errorf("%s: host is neither a DNS name nor an IP address", kw)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%s: bad port", kw)
		}
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("%s: bad query: %s", kw, urlErrReason(err))
	}
	// Percent-escapes can hide what checkSafe refused in the raw text. The
	// decoded parts go into an Authorization header and a query, never a
	// shell, so punctuation may stay; control characters may not.
	parts := []string{u.Path}
	if u.User != nil {
		pw, _ := u.User.Password()
		parts = append(parts, u.User.Username(), pw)
	}
	for k, vs := range q {
		parts = append(parts, k)
		parts = append(parts, vs...)
	}
	for _, p := range parts {
		if hasControl(p) {
			return nil, fmt.Errorf("%s: contains an escaped control character or invalid UTF-8", kw)
		}
	}
	return u, nil
}

// validHost accepts an IP address or a DNS name: dot-separated labels of
// letters, digits, '-' and '_', each 1 to 63 long. net/url lets through
// much more ('<', '"', '{' ...), which has no business in a host name.
func validHost(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return !strings.Contains(h, "%") // no zone
	}
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, r := range label {
			if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

func hasControl(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

// withoutQuoted returns s without its "..." parts, the quotes included.
// An unpaired quote is kept with what follows it.
func withoutQuoted(s string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(s, '"')
		if open < 0 {
			break
		}
		end := strings.IndexByte(s[open+1:], '"')
		if end < 0 {
			break
		}
		b.WriteString(s[:open])
		s = s[open+1+end+1:]
	}
	b.WriteString(s)
	return b.String()
}

// urlErrReason is why net/url refused a URL, without the URL: its errors
// quote the URL, or a piece of it, which may be the password.
func urlErrReason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	r := withoutQuoted(err.Error())
	r = strings.TrimPrefix(strings.Join(strings.Fields(r), " "), "net/url: ")
	if r == "" {
		return "malformed"
	}
	return r
}

// parseHeartbeat checks a SixXS heartbeat password. It is a secret: a
// message names at most the one character that is wrong.
func parseHeartbeat(s string) (string, error) {
	const kw = "heartbeat"
	if err := checkSafe(kw, s); err != nil {
		return "", err
	}
	for _, r := range s {
		if r < '!' || r > '~' {
			return "", fmt.Errorf("%s: contains %q; the password is printable ASCII", kw, string(r))
		}
	}
	switch {
	case s == "":
		return "", fmt.Errorf("%s: empty password", kw)
	case len(s) > MaxHeartbeatLen:
		return "", fmt.Errorf("%s: password longer than %d characters", kw, MaxHeartbeatLen)
	}
	return s, nil
}
