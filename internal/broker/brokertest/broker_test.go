package brokertest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// clock is a settable clock for the abuse limit.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newTestBroker(opts Options) (*Broker, *clock) {
	c := &clock{now: time.Date(2026, 11, 23, 21, 0, 0, 0, time.UTC)}
	opts.Now = c.Now
	opts.Accounts = []Account{
		{User: "alice", Key: "0123abcd", Tunnels: map[string]netip.Addr{
			"123456": netip.MustParseAddr("198.51.100.7"),
			"222222": {},
		}},
		{User: "bob", Key: "feedface", Tunnels: map[string]netip.Addr{"999": {}}},
	}
	return New(opts), c
}

// get sends target to b from remote with Basic auth user:key (none when
// user is "") and returns the answer.
func get(b *Broker, target, remote, user, key string) string {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.RemoteAddr = remote
	if user != "" {
		r.SetBasicAuth(user, key)
	}
	w := httptest.NewRecorder()
	b.ServeHTTP(w, r)
	return w.Body.String()
}

func TestAnswers(t *testing.T) {
	const remote = "203.0.113.9:40000"
	for _, tc := range []struct {
		name, target, user, key, want string
	}{
		{"good with myip", "/nic/update?hostname=123456&myip=192.0.2.1", "alice", "0123abcd", "good 192.0.2.1"},
		{"good from source", "/nic/update?hostname=123456", "alice", "0123abcd", "good 203.0.113.9"},
		{"nochg", "/nic/update?hostname=123456&myip=198.51.100.7", "alice", "0123abcd", "nochg 198.51.100.7"},
		{"auth in query", "/nic/update?hostname=123456&username=alice&password=0123abcd&myip=192.0.2.1", "", "", "good 192.0.2.1"},
		{"wrong key", "/nic/update?hostname=123456", "alice", "wrong", "badauth"},
		{"no credentials", "/nic/update?hostname=123456", "", "", "badauth"},
		{"wrong query key", "/nic/update?hostname=123456&username=alice&password=x", "", "", "badauth"},
		{"unknown tunnel", "/nic/update?hostname=7", "alice", "0123abcd", "nohost"},
		{"tunnel of another account", "/nic/update?hostname=999", "alice", "0123abcd", "nohost"},
		{"no hostname", "/nic/update", "alice", "0123abcd", "nohost"},
		{"bad myip", "/nic/update?hostname=123456&myip=300.1.1.1", "alice", "0123abcd", "badip"},
		{"IPv6 myip", "/nic/update?hostname=123456&myip=2001:db8::1", "alice", "0123abcd", "badip"},
		{"other path", "/ipv4_end.php", "alice", "0123abcd", "not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := newTestBroker(Options{})
			if diff := cmp.Diff(tc.want, get(b, tc.target, remote, tc.user, tc.key)); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGoodMovesEndpoint(t *testing.T) {
	type accepted struct {
		id   string
		addr netip.Addr
	}
	var got []accepted
	b, _ := newTestBroker(Options{OnAccept: func(id string, addr netip.Addr) {
		got = append(got, accepted{id, addr})
	}})
	get(b, "/nic/update?hostname=222222&myip=192.0.2.1", "[::ffff:203.0.113.9]:1", "alice", "0123abcd")
	get(b, "/nic/update?hostname=222222&myip=192.0.2.1", "[::ffff:203.0.113.9]:1", "alice", "0123abcd")
	get(b, "/nic/update?hostname=222222", "[::ffff:203.0.113.9]:1", "alice", "0123abcd")
	want := []accepted{
		{"222222", netip.MustParseAddr("192.0.2.1")},
		{"222222", netip.MustParseAddr("203.0.113.9")}, // the mapped source, unmapped
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(accepted{}), cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("OnAccept calls (-want +got):\n%s", diff)
	}
	if addr, _ := b.Endpoint("222222"); addr != netip.MustParseAddr("203.0.113.9") {
		t.Errorf("Endpoint = %v, want 203.0.113.9", addr)
	}
	if _, ok := b.Endpoint("nope"); ok {
		t.Errorf("Endpoint of an unknown tunnel: ok")
	}
}

func TestAbuse(t *testing.T) {
	b, c := newTestBroker(Options{})
	update := func() string {
		return get(b, "/nic/update?hostname=123456&myip=198.51.100.7", "192.0.2.9:1", "alice", "0123abcd")
	}
	var got []string
	for range 4 {
		got = append(got, update())
		c.Add(10 * time.Second)
	}
	// Another tunnel is not affected.
	got = append(got, get(b, "/nic/update?hostname=222222&myip=192.0.2.1", "192.0.2.9:1", "alice", "0123abcd"))
	// Blocked while updates keep coming within the window ...
	c.Add(10 * time.Second)
	got = append(got, update())
	// ... and free again once the window holds fewer than 3.
	c.Add(61 * time.Second)
	got = append(got, update())
	want := []string{
		"nochg 198.51.100.7", "nochg 198.51.100.7", "nochg 198.51.100.7", "abuse",
		"good 192.0.2.1",
		"abuse",
		"nochg 198.51.100.7",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
}

func TestPing(t *testing.T) {
	var pinged []netip.Addr
	b, _ := newTestBroker(Options{Ping: func(ctx context.Context, addr netip.Addr) error {
		pinged = append(pinged, addr)
		if addr == netip.MustParseAddr("192.0.2.66") {
			return errors.New("no reply")
		}
		return nil
	}})
	got := []string{
		get(b, "/nic/update?hostname=123456&myip=192.0.2.66", "192.0.2.9:1", "alice", "0123abcd"),
		get(b, "/nic/update?hostname=123456&myip=192.0.2.1", "192.0.2.9:1", "alice", "0123abcd"),
	}
	if diff := cmp.Diff([]string{PingError, "good 192.0.2.1"}, got); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	if len(pinged) != 2 {
		t.Errorf("pinged %v, want both addresses", pinged)
	}
	if addr, _ := b.Endpoint("123456"); addr != netip.MustParseAddr("192.0.2.1") {
		t.Errorf("endpoint %v after a failed ping and a good one, want 192.0.2.1", addr)
	}
}

func TestForcedAndLog(t *testing.T) {
	b, _ := newTestBroker(Options{})
	b.Force(http.StatusServiceUnavailable, "911")
	r := httptest.NewRequest(http.MethodGet, "/nic/update?hostname=123456", nil)
	r.RemoteAddr = "192.0.2.9:5555"
	r.SetBasicAuth("alice", "0123abcd")
	r.Header.Set("User-Agent", "test/1")
	w := httptest.NewRecorder()
	b.ServeHTTP(w, r)
	if w.Code != http.StatusServiceUnavailable || w.Body.String() != "911" {
		t.Errorf("forced answer: %d %q, want 503 \"911\"", w.Code, w.Body.String())
	}
	got := b.Requests()
	want := []Request{{
		Method:        "GET",
		RequestURI:    "/nic/update?hostname=123456",
		Path:          "/nic/update",
		Query:         map[string][]string{"hostname": {"123456"}},
		Auth:          true,
		Authorization: "Basic YWxpY2U6MDEyM2FiY2Q=",
		UserAgent:     "test/1",
		Remote:        netip.MustParseAddrPort("192.0.2.9:5555"),
		Answer:        "911",
		Status:        503,
	}}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); diff != "" {
		t.Errorf("request log (-want +got):\n%s", diff)
	}
	b.SetMode(Normal)
	if got := get(b, "/nic/update?hostname=123456&myip=192.0.2.1", "192.0.2.9:1", "alice", "0123abcd"); got != "good 192.0.2.1" {
		t.Errorf("after SetMode(Normal): %q", got)
	}
}

// TestServeTLS runs the broker as the tests of package broker do: over
// HTTPS on loopback, trusted through the CA file only.
func TestServeTLS(t *testing.T) {
	b, _ := newTestBroker(Options{})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	srv, err := Start(b, caFile)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s: no certificate", caFile)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	u := srv.URL("alice", "0123abcd", "222222")
	resp, err := client.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "good 127.0.0.1" {
		t.Errorf("answer %q, want good 127.0.0.1 (the source address)", body)
	}

	// Without the CA the certificate does not verify.
	if _, err := http.Get(u.String()); err == nil {
		t.Errorf("GET without the test CA succeeded")
	}
}

func TestCloseEndsHang(t *testing.T) {
	b, _ := newTestBroker(Options{})
	b.SetMode(Hang)
	done := make(chan struct{})
	go func() {
		get(b, "/nic/update?hostname=123456", "192.0.2.9:1", "alice", "0123abcd")
		close(done)
	}()
	b.Close()
	<-done
}

func TestIssueNames(t *testing.T) {
	ca, err := NewCA()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue("192.0.2.1", "broker.example")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.PEM())
	for _, name := range []string{"127.0.0.1", "::1", "localhost", "192.0.2.1", "broker.example"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: pool}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "192.0.2.2", Roots: pool}); err == nil {
		t.Errorf("192.0.2.2 verified; the leaf should not name it")
	}
}
