package broker

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://alice:0123abcd@ipv4.tunnelbroker.net/nic/update?hostname=123456",
			"https://alice:*****@ipv4.tunnelbroker.net/nic/update?hostname=123456"},
		{"https://ipv4.tunnelbroker.net/nic/update?username=alice&password=0123abcd&hostname=1",
			"https://ipv4.tunnelbroker.net/nic/update?username=alice&password=*****&hostname=1"},
		{"https://ipv4.tunnelbroker.net/ipv4_end.php?ip=192.0.2.1&pass=5f4dcc3b&apikey=abc123&tid=9",
			"https://ipv4.tunnelbroker.net/ipv4_end.php?ip=192.0.2.1&pass=*****&apikey=*****&tid=9"},
		{"https://h/u?KEY=s3cret&token=t0ken&Pass%77ord=x1y2", "https://h/u?KEY=*****&token=*****&Pass%77ord=*****"},
		{"https://alice@h/nic/update", "https://alice@h/nic/update"},
		{"https://al%20ice:p%40ss@h:8443/nic/update", "https://al%20ice:*****@h:8443/nic/update"},
		{"https://h/nic/update", "https://h/nic/update"},
		{"https://h/nic/update?password", "https://h/nic/update?password"},
	} {
		u, err := url.Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := Redact(u); got != tc.want {
			t.Errorf("Redact(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
	if got := Redact(nil); got != "" {
		t.Errorf("Redact(nil) = %q", got)
	}
}

func TestScrub(t *testing.T) {
	u, _ := url.Parse("https://alice:p%40ss%2Fword@h/x?password=hunter%202&hostname=1")
	basic := base64.StdEncoding.EncodeToString([]byte("alice:p@ss/word"))
	msg := "p@ss/word p%40ss%2Fword hunter 2 hunter%202 hostname=1 Authorization: Basic " + basic
	got := scrub(msg, u)
	for _, secret := range []string{"p@ss/word", "p%40ss", "hunter 2", "hunter%202", basic} {
		if strings.Contains(got, secret) {
			t.Errorf("scrub left %q in %q", secret, got)
		}
	}
	if !strings.Contains(got, "hostname=1") {
		t.Errorf("scrub took more than secrets: %q", got)
	}
}
