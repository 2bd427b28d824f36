package broker

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

const (
	maxAnswer = 4096 // a dyndns2 answer is one short line; more is an error page
	maxShown  = 80   // bytes of an answer a message or the state file shows
)

// Answer is a broker's answer to an update.
type Answer struct {
	Code string     // "good", "abuse", ..., ipv4_end.php's "+OK", "-ERROR"; "" if none
	Addr netip.Addr // the address the broker says it has, if it named one
	Text string     // the rest of the line (for an unknown body, the line), sanitized
	MyIP netip.Addr // the myip sent; invalid when it was left out (not public)
}

// OK says whether the broker has the address: it said so, naming only the myip
// sent.
func (a Answer) OK() bool {
	switch a.Code {
	case "good", "nochg", "+OK":
		return !a.MyIP.IsValid() || !a.Addr.IsValid() || a.Addr == a.MyIP
	case "-ERROR":
		// ipv4_end.php's nochg.
		return strings.Contains(a.Text, "already associated with this IP address")
	}
	return false
}

// String is the answer as one safe line.
func (a Answer) String() string {
	switch {
	case a.Code == "":
		return a.Text
	case a.Text == "":
		return a.Code
	case a.Code == "-ERROR" || a.Code == "+OK":
		return a.Code + ": " + a.Text
	}
	return a.Code + " " + a.Text
}

// explain gives a short human reason for each failure code.
var explain = map[string]string{
	"abuse":    "blocked for sending too many updates",
	"badauth":  "wrong user name or update key",
	"nohost":   "no such tunnel id (hostname=) in this account",
	"!yours":   "the tunnel id (hostname=) belongs to another account",
	"notfqdn":  "hostname= is not valid; HE wants the tunnel id",
	"badip":    "the broker refused the address",
	"numhost":  "too many hosts in one update",
	"badagent": "the broker refused this client",
	"!donator": "the update asks for a paid feature",
	"911":      "trouble at the broker; try again later",
	"dnserr":   "trouble at the broker (dnserr); try again later",
}

// legacyHints explain the -ERROR texts of ipv4_end.php the admin can act on.
var legacyHints = []struct{ substr, hint string }{
	{"not ICMP pingable", "the broker pings the new endpoint first; let pf pass ICMP echo from 66.220.2.74"},
	{"Invalid API key or password", "wrong user name or update key"},
	{"Tunnel not found", "no such tunnel id"},
	{"RFC1918", "the broker refuses private addresses"},
}

// parseAnswer reads an answer's first line (one update, one tunnel); it
// fails but for good, nochg and ipv4_end.php's successes.
func parseAnswer(body []byte) (Answer, error) {
	if len(body) > maxAnswer {
		a := Answer{Text: sanitize(body, maxShown)}
		return a, fmt.Errorf("broker answered with more than %d bytes, not a dyndns2 answer: %q", maxAnswer, a.Text)
	}
	line, _, _ := bytes.Cut(bytes.TrimLeft(body, " \t\r\n"), []byte("\n"))
	line = bytes.TrimRight(line, " \t\r")
	if len(line) == 0 {
		return Answer{}, errors.New("broker answered with an empty body")
	}
	code, rest, _ := bytes.Cut(line, []byte(" "))
	if c, r, ok := bytes.Cut(line, []byte(":")); ok && (string(c) == "+OK" || string(c) == "-ERROR") {
		code, rest = c, r
	}
	rest = bytes.TrimSpace(rest)
	a := Answer{Code: string(code), Text: sanitize(rest, maxShown)}
	var err error
	switch a.Code {
	case "+OK": // "+OK: Tunnel endpoint updated to: IP"
		a.Addr, _ = netip.ParseAddr(string(rest[bytes.LastIndexByte(rest, ' ')+1:]))
	case "good", "nochg":
		if len(rest) > 0 {
			a.Addr, err = netip.ParseAddr(string(rest))
		}
	case "-ERROR":
	default:
		if explain[a.Code] == "" {
			err = errors.ErrUnsupported
		}
	}
	if err != nil {
		a = Answer{Text: sanitize(line, maxShown)}
		return a, fmt.Errorf("broker answered %q: not a dyndns2 answer", a.Text)
	}
	a.Addr = a.Addr.Unmap()
	return a, a.err()
}

// err is the failure a parsed answer means, nil for a success.
func (a Answer) err() error {
	if a.OK() {
		return nil
	}
	why := explain[a.Code]
	for _, h := range legacyHints {
		if a.Code == "-ERROR" && strings.Contains(a.Text, h.substr) {
			why = h.hint
			break
		}
	}
	if why == "" {
		return fmt.Errorf("broker answered %q", a.String())
	}
	return fmt.Errorf("broker answered %q: %s", a.String(), why)
}

// sanitize makes a broker's words one printable line (blanks as spaces,
// other bytes '?'), cut after n bytes with "...".
func sanitize(b []byte, n int) string {
	var sb strings.Builder
	for i, c := range b {
		switch {
		case i == n:
			return sb.String() + "..."
		case c == '\t' || c == '\r' || c == '\n':
			sb.WriteByte(' ')
		case c < 0x20 || c > 0x7e:
			sb.WriteByte('?')
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}
