package broker

import (
	"bytes"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// maxAnswer is the longest body accepted as an answer. A dyndns2 answer is
// one short line; anything longer is an error page or worse.
const maxAnswer = 4096

// maxShown bounds how much of a broker's answer reaches a message or the
// state file.
const maxShown = 80

// Answer is a broker's answer to an update.
type Answer struct {
	// Code is the answer's first word: "good", "nochg", "abuse",
	// "badauth", ..., or "+OK" and "-ERROR" for HE's legacy endpoint. It
	// is "" when the body is not a dyndns2 answer.
	Code string
	// Addr is the address the broker says it has, from "good IP",
	// "nochg IP" or "+OK: ... to: IP"; invalid when it named none.
	Addr netip.Addr
	// Text is the rest of the answer after the code (for an unknown body,
	// the body), sanitized: printable ASCII, one line, at most about 80
	// characters.
	Text string
	// MyIP is the myip value client.Update sent; invalid when it left
	// myip out (a private or CGNAT address: the broker takes the
	// request's source address instead).
	MyIP netip.Addr
}

// OK says whether the broker has the address now: it said so, and named
// the myip sent, if it named one.
func (a Answer) OK() bool {
	switch a.Code {
	case "good", "nochg", "+OK":
		return !a.MyIP.IsValid() || !a.Addr.IsValid() || a.Addr == a.MyIP
	case "-ERROR":
		// The legacy ipv4_end.php says so when the address is already
		// set: that is its nochg.
		return strings.Contains(a.Text, "already associated with this IP address")
	}
	return false
}

// String is the answer as one safe line, code and text, as it is logged and
// stored.
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

// legacyHints explains the legacy endpoint's -ERROR texts that need the
// admin to act.
var legacyHints = []struct{ substr, hint string }{
	{"not ICMP pingable", "the broker pings the new endpoint first; let pf pass ICMP echo from 66.220.2.74"},
	{"Invalid API key or password", "wrong user name or update key"},
	{"Tunnel not found", "no such tunnel id"},
	{"RFC1918", "the broker refuses private addresses"},
}

// parseAnswer reads a broker's answer body. It fails for every answer but
// "good IP", "nochg IP" and the legacy "+OK: ..." (and its "already
// associated" -ERROR); the Answer is filled in either way, so the caller can
// record what the broker said. Only the first line counts: one update names
// one tunnel.
func parseAnswer(body []byte) (Answer, error) {
	if len(body) > maxAnswer {
		return Answer{Text: sanitize(body)},
			fmt.Errorf("broker answered with more than %d bytes, not a dyndns2 answer: %s", maxAnswer, quote(sanitize(body)))
	}
	line, _, _ := bytes.Cut(bytes.TrimLeft(body, " \t\r\n"), []byte("\n"))
	line = bytes.TrimRight(line, " \t\r")
	if len(line) == 0 {
		return Answer{}, fmt.Errorf("broker answered with an empty body")
	}
	if a, ok := parseLegacy(line); ok {
		return a, a.err()
	}
	code, rest, _ := bytes.Cut(line, []byte(" "))
	a := Answer{Code: string(code), Text: sanitize(bytes.TrimSpace(rest))}
	switch a.Code {
	case "good", "nochg":
		if len(rest) == 0 {
			return a, nil
		}
		addr, err := netip.ParseAddr(string(bytes.TrimSpace(rest)))
		if err != nil {
			return Answer{Text: sanitize(line)},
				fmt.Errorf("broker answered %s: not a dyndns2 answer", quote(sanitize(line)))
		}
		a.Addr = addr.Unmap()
		return a, nil
	}
	if _, known := explain[a.Code]; !known {
		return Answer{Text: sanitize(line)},
			fmt.Errorf("broker answered %s: not a dyndns2 answer", quote(sanitize(line)))
	}
	return a, a.err()
}

// parseLegacy reads the answers of HE's legacy ipv4_end.php:
// "+OK: Tunnel endpoint updated to: IP" and "-ERROR: message".
func parseLegacy(line []byte) (Answer, bool) {
	for _, code := range []string{"+OK", "-ERROR"} {
		rest, ok := bytes.CutPrefix(line, []byte(code))
		if !ok || len(rest) > 0 && rest[0] != ':' && rest[0] != ' ' {
			continue
		}
		rest = bytes.TrimSpace(bytes.TrimPrefix(rest, []byte(":")))
		a := Answer{Code: code, Text: sanitize(rest)}
		if code == "+OK" {
			if i := bytes.LastIndexByte(rest, ' '); i >= 0 {
				if addr, err := netip.ParseAddr(string(rest[i+1:])); err == nil {
					a.Addr = addr.Unmap()
				}
			}
		}
		return a, true
	}
	return Answer{}, false
}

// err is the failure a parsed answer means, nil when it is a success.
func (a Answer) err() error {
	if a.OK() {
		return nil
	}
	why := explain[a.Code]
	if a.Code == "-ERROR" {
		for _, h := range legacyHints {
			if strings.Contains(a.Text, h.substr) {
				why = h.hint
				break
			}
		}
	}
	if why == "" {
		return fmt.Errorf("broker answered %s", quote(a.String()))
	}
	return fmt.Errorf("broker answered %s: %s", quote(a.String()), why)
}

// sanitize makes a broker's words safe for a log line or the state file:
// printable ASCII only (tabs and line ends become spaces, other bytes '?'),
// cut to about 80 characters with "..." when longer.
func sanitize(b []byte) string {
	return sanitizeN(b, maxShown)
}

// sanitizeN is sanitize keeping n bytes.
func sanitizeN(b []byte, n int) string {
	var sb strings.Builder
	for i, c := range b {
		if i == n {
			sb.WriteString("...")
			break
		}
		switch {
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

// quote quotes a sanitized string for a message.
func quote(s string) string {
	return strconv.Quote(s)
}
