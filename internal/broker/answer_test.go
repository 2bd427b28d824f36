package broker

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// addrComparer compares addresses, and States without the path they were
// read from.
var addrComparer = cmp.Options{cmp.Comparer(func(a, b netip.Addr) bool { return a == b }), cmpopts.IgnoreUnexported(State{})}

func TestParseAnswer(t *testing.T) {
	ip := netip.MustParseAddr("198.51.100.7")
	for _, tc := range []struct {
		body    string
		want    Answer
		wantErr string // "" for success
	}{
		{"good 198.51.100.7", Answer{Code: "good", Addr: ip, Text: "198.51.100.7"}, ""},
		{"good 198.51.100.7\n", Answer{Code: "good", Addr: ip, Text: "198.51.100.7"}, ""},
		{"\r\n  nochg 198.51.100.7\r\n", Answer{Code: "nochg", Addr: ip, Text: "198.51.100.7"}, ""},
		{"nochg ::ffff:198.51.100.7", Answer{Code: "nochg", Addr: ip, Text: "::ffff:198.51.100.7"}, ""},
		{"good", Answer{Code: "good"}, ""},
		{"good 198.51.100.7\nbadauth", Answer{Code: "good", Addr: ip, Text: "198.51.100.7"}, ""},
		{"+OK: Tunnel endpoint updated to: 198.51.100.7",
			Answer{Code: "+OK", Addr: ip, Text: "Tunnel endpoint updated to: 198.51.100.7"}, ""},
		{"-ERROR: This tunnel is already associated with this IP address. Please try and limit your updates to IP changes.",
			Answer{Code: "-ERROR", Text: "This tunnel is already associated with this IP address. Please try and limit you..."}, ""},

		{"abuse", Answer{Code: "abuse"}, `broker answered "abuse": blocked for sending too many updates`},
		{"badauth", Answer{Code: "badauth"}, `broker answered "badauth": wrong user name or update key`},
		{"badauth\n", Answer{Code: "badauth"}, `broker answered "badauth": wrong user name or update key`},
		{"nohost", Answer{Code: "nohost"}, `broker answered "nohost": no such tunnel id (hostname=) in this account`},
		{"badip 10.0.0.1", Answer{Code: "badip", Text: "10.0.0.1"}, `broker answered "badip 10.0.0.1": the broker refused the address`},
		{"!yours", Answer{Code: "!yours"}, `broker answered "!yours": the tunnel id (hostname=) belongs to another account`},
		{"notfqdn", Answer{Code: "notfqdn"}, `broker answered "notfqdn": hostname= is not valid; HE wants the tunnel id`},
		{"911", Answer{Code: "911"}, `broker answered "911": trouble at the broker; try again later`},
		{"dnserr", Answer{Code: "dnserr"}, `broker answered "dnserr": trouble at the broker (dnserr); try again later`},
		{"-ERROR: IP is not ICMP pingable. Please make sure ICMP is not blocked.",
			Answer{Code: "-ERROR", Text: "IP is not ICMP pingable. Please make sure ICMP is not blocked."},
			`broker answered "-ERROR: IP is not ICMP pingable. Please make sure ICMP is not blocked.": ` +
				`the broker pings the new endpoint first; let pf pass ICMP echo from 66.220.2.74`},
		{"-ERROR: Invalid API key or password", Answer{Code: "-ERROR", Text: "Invalid API key or password"},
			`broker answered "-ERROR: Invalid API key or password": wrong user name or update key`},
		{"-ERROR: Missing parameter(s).", Answer{Code: "-ERROR", Text: "Missing parameter(s)."},
			`broker answered "-ERROR: Missing parameter(s)."`},
		{"-ERRORS everywhere", Answer{Text: "-ERRORS everywhere"}, `broker answered "-ERRORS everywhere": not a dyndns2 answer`},

		{"", Answer{}, "broker answered with an empty body"},
		{" \r\n\t\n", Answer{}, "broker answered with an empty body"},
		{"good banana", Answer{Text: "good banana"}, `broker answered "good banana": not a dyndns2 answer`},
		{"GOOD 198.51.100.7", Answer{Text: "GOOD 198.51.100.7"}, `broker answered "GOOD 198.51.100.7": not a dyndns2 answer`},
		{"<html><body>Service Unavailable</body></html>", Answer{Text: "<html><body>Service Unavailable</body></html>"},
			`broker answered "<html><body>Service Unavailable</body></html>": not a dyndns2 answer`},
		{"bad\x00\x1b[31mauth\"x", Answer{Text: "bad??[31mauth\"x"}, `broker answered "bad??[31mauth\"x": not a dyndns2 answer`},
		{"abuse\rFAKE LOG LINE", Answer{Code: "abuse\rFAKE"}, ""}, // checked below: no raw CR escapes
		{strings.Repeat("x", 5000), Answer{Text: strings.Repeat("x", 80) + "..."},
			`broker answered with more than 4096 bytes, not a dyndns2 answer: "` + strings.Repeat("x", 80) + `..."`},
		{strings.Repeat("y", 200), Answer{Text: strings.Repeat("y", 80) + "..."},
			`broker answered "` + strings.Repeat("y", 80) + `...": not a dyndns2 answer`},
	} {
		got, err := parseAnswer([]byte(tc.body))
		if tc.body == "abuse\rFAKE LOG LINE" {
			// A code with a control character is no known code.
			if err == nil || strings.ContainsAny(err.Error(), "\r\n") || got.OK() {
				t.Errorf("%q: %+v, %v", tc.body, got, err)
			}
			continue
		}
		if diff := cmp.Diff(tc.want, got, addrComparer); diff != "" {
			t.Errorf("parseAnswer(%q) (-want +got):\n%s", tc.body, diff)
		}
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if gotErr != tc.wantErr {
			t.Errorf("parseAnswer(%q) error:\n got %s\nwant %s", tc.body, gotErr, tc.wantErr)
		}
		if (err == nil) != got.OK() {
			t.Errorf("parseAnswer(%q): OK() = %v with error %v", tc.body, got.OK(), err)
		}
	}
}

func TestAnswerString(t *testing.T) {
	for _, tc := range []struct {
		a    Answer
		want string
	}{
		{Answer{Code: "good", Text: "192.0.2.1"}, "good 192.0.2.1"},
		{Answer{Code: "abuse"}, "abuse"},
		{Answer{Code: "-ERROR", Text: "Tunnel not found"}, "-ERROR: Tunnel not found"},
		{Answer{Text: "<html>"}, "<html>"},
	} {
		if got := tc.a.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.a, got, tc.want)
		}
	}
}

// maxErrLen bounds the text of any parseAnswer error.
const maxErrLen = 300

func FuzzParseAnswer(f *testing.F) {
	for _, s := range []string{"good 192.0.2.1", "nochg 192.0.2.1\n", "abuse", "-ERROR: x", "+OK: to: 1.2.3.4", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := parseAnswer(body)
		if (err == nil) != a.OK() {
			t.Fatalf("OK() = %v, error %v", a.OK(), err)
		}
		for _, s := range []string{a.Text, a.String()} {
			if !printable(s) || len(s) > maxShown+len("...")+len("-ERROR: ") {
				t.Fatalf("answer text %q: not one short printable line", s)
			}
		}
		if err != nil {
			msg := err.Error()
			if !printable(msg) || len(msg) > maxErrLen {
				t.Fatalf("error %q: not one printable line of at most %d bytes", msg, maxErrLen)
			}
		}
	})
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func BenchmarkParseAnswer(b *testing.B) {
	bodies := [][]byte{
		[]byte("good 198.51.100.7"),
		[]byte("nochg 198.51.100.7\n"),
		[]byte("-ERROR: IP is not ICMP pingable. Please make sure ICMP is not blocked."),
		[]byte("<html><body>Service Unavailable</body></html>"),
	}
	for b.Loop() {
		for _, body := range bodies {
			parseAnswer(body)
		}
	}
}
