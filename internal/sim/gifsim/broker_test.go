package gifsim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/broker/brokertest"
	"github.com/gifctl/gifctl/internal/sim/ugif"
	"github.com/google/go-cmp/cmp"
)

func TestParseAccounts(t *testing.T) {
	got, err := parseAccounts("accounts", []byte("# user key tunnel endpoint\nalice k1 123456 198.18.1.2\nalice k1 222\n\nbob k2 9 # no endpoint yet\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []brokertest.Account{
		{User: "alice", Key: "k1", Tunnels: map[string]netip.Addr{"123456": netip.MustParseAddr("198.18.1.2"), "222": {}}},
		{User: "bob", Key: "k2", Tunnels: map[string]netip.Addr{"9": {}}},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
	for _, bad := range []struct{ text, err string }{
		{"", "accounts: no account"},
		{"alice k1\n", "accounts:1: want USER KEY TUNNELID [ENDPOINT]"},
		{"alice k1 1 2001:db8::1\n", `accounts:1: "2001:db8::1": not an IPv4 address`},
		{"alice k1 1\nalice k2 2\n", "accounts:2: alice: a second key"},
	} {
		if _, err := parseAccounts("accounts", []byte(bad.text)); err == nil || err.Error() != bad.err {
			t.Errorf("%q: error %v, want %q", bad.text, err, bad.err)
		}
	}
}

func TestParseLease(t *testing.T) {
	for _, tt := range []struct {
		text, want, err string
	}{
		{"", "none", ""},
		{"198.18.2.2/24 198.18.2.1\n", "198.18.2.2/24 via 198.18.2.1", ""},
		{"198.18.2.2/24\n", "", "lease: want ADDRESS/BITS GATEWAY"},
		{"2001:db8::2/64 2001:db8::1\n", "", `lease: "2001:db8::2/64 2001:db8::1": want ADDRESS/BITS GATEWAY, IPv4`},
	} {
		l, err := parseLease("lease", tt.text)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: error %v, want %q", tt.text, err, tt.err)
			}
			continue
		}
		if err != nil || l.String() != tt.want {
			t.Errorf("%q: %v, %v; want %s", tt.text, l, err, tt.want)
		}
	}
	dir := t.TempDir()
	if l, err := readLease(dir, "em0"); err != nil || l.valid() {
		t.Errorf("no file: %v, %v; want no lease", l, err)
	}
	if err := WriteLease(dir, "em0", netip.MustParsePrefix("198.18.2.2/24"), netip.MustParseAddr("198.18.2.1")); err != nil {
		t.Fatal(err)
	}
	if l, err := readLease(dir, "em0"); err != nil || l.String() != "198.18.2.2/24 via 198.18.2.1" {
		t.Errorf("written lease reads back as %v, %v", l, err)
	}
	if err := WriteLease(dir, "em0", netip.Prefix{}, netip.Addr{}); err != nil {
		t.Fatal(err)
	}
	if l, err := readLease(dir, "em0"); err != nil || l.valid() {
		t.Errorf("withdrawn lease reads back as %v, %v", l, err)
	}
}

// syncBuffer is a strings.Builder for several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestBroker runs the simulated broker on loopback with the network seams
// faked: HTTPS through the CA file it writes, HE's answers, the ping before
// accepting, the tunnel move after, the control socket, and no key in its
// log.
func TestBroker(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	unpingable := netip.MustParseAddr("192.0.2.66")
	var mu sync.Mutex
	var moved []netip.Addr
	cfg := brokerConfig{
		Listen:  "127.0.0.1:" + port,
		CAFile:  filepath.Join(dir, "ca.pem"),
		Control: filepath.Join(dir, "broker.sock"),
		Accounts: []brokertest.Account{{User: "alice", Key: "s3cr3tkey", Tunnels: map[string]netip.Addr{
			"123456": netip.MustParseAddr("198.18.1.2"),
		}}},
		Ping: func(ctx context.Context, addr netip.Addr) error {
			if addr == unpingable {
				return errors.New("no reply")
			}
			return nil
		},
		Move: func(ctx context.Context, remote netip.Addr) (ugif.Endpoints, error) {
			mu.Lock()
			defer mu.Unlock()
			moved = append(moved, remote)
			return ugif.Endpoints{Local: netip.MustParseAddr("198.19.0.2"), Remote: remote}, nil
		},
		GifName: "gif0",
	}
	var logBuf syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runBroker(ctx, cfg, &lineLog{w: &logBuf}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("runBroker: %v", err)
		}
		if _, err := os.Stat(cfg.Control); err == nil {
			t.Errorf("control socket %s left behind", cfg.Control)
		}
	})
	ctl := NewBrokerControl(cfg.Control)
	wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
	defer wcancel()
	if err := ctl.Wait(wctx); err != nil {
		t.Fatal(err)
	}

	pem, err := os.ReadFile(cfg.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("no certificate in the CA file")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	update := func(myip string) string {
		t.Helper()
		u := fmt.Sprintf("https://127.0.0.1:%s/nic/update?hostname=123456", port)
		if myip != "" {
			u += "&myip=" + myip
		}
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.SetBasicAuth("alice", "s3cr3tkey")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}

	got := []string{
		update("198.18.1.2"),        // what it has
		update(unpingable.String()), // HE's ping fails
		update("198.18.2.2"),        // accepted, and the PoP follows
	}
	if err := ctl.Force(ctx, http.StatusOK, "badauth"); err != nil {
		t.Fatal(err)
	}
	got = append(got, update("198.18.1.2"))
	if err := ctl.Normal(ctx); err != nil {
		t.Fatal(err)
	}
	got = append(got, update("")) // the fifth within a minute
	want := []string{"nochg 198.18.1.2", brokertest.PingError, "good 198.18.2.2", "badauth", "abuse"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	mu.Lock()
	if diff := cmp.Diff([]netip.Addr{netip.MustParseAddr("198.18.2.2")}, moved, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("tunnel moves (-want +got):\n%s", diff)
	}
	mu.Unlock()

	reqs, err := ctl.Requests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 5 {
		t.Fatalf("%d requests logged, want 5", len(reqs))
	}
	for _, r := range reqs {
		if !r.Auth || r.Authorization != "" {
			t.Errorf("request %s: auth %v, Authorization %q: want seen, not handed out", r.RequestURI, r.Auth, r.Authorization)
		}
	}
	log := logBuf.String()
	for _, line := range []string{
		"broker: ping 192.0.2.66: no reply",
		"broker: ping 198.18.2.2: reply",
		"broker: tunnel 123456: PoP gif0 now tunnel inet 198.19.0.2 --> 198.18.2.2",
		`broker: GET /nic/update?hostname=123456&myip=198.18.2.2 from 127.0.0.1: 200 "good 198.18.2.2"`,
	} {
		if !strings.Contains(log, line+"\n") {
			t.Errorf("log lacks %q:\n%s", line, log)
		}
	}
	if strings.Contains(log, "s3cr3tkey") {
		t.Errorf("the key is in the log:\n%s", log)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}
