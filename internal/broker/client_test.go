package broker

import (
	"context"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/broker/brokertest"
	"github.com/google/go-cmp/cmp"
)

const (
	testUser   = "alice"
	testKey    = "0123abcd"
	testTunnel = "123456"
)

// testBroker is a brokertest broker on loopback and a client trusting it.
type testBroker struct {
	*brokertest.Broker
	srv    *brokertest.Server
	caFile string
	client *client

	mu  sync.Mutex // the broker's handlers read the clock
	now time.Time
}

// Now is the broker's clock.
func (tb *testBroker) Now() time.Time {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.now
}

// Sleep moves the broker's clock on.
func (tb *testBroker) Sleep(d time.Duration) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.now = tb.now.Add(d)
}

// startBroker runs an HE-like broker over HTTPS on loopback, with one
// account holding tunnel 123456 (no endpoint yet).
func startBroker(t *testing.T, opts brokertest.Options) *testBroker {
	t.Helper()
	tb := &testBroker{now: time.Date(2026, 11, 23, 21, 5, 0, 0, time.UTC)}
	opts.Accounts = []brokertest.Account{{User: testUser, Key: testKey, Tunnels: map[string]netip.Addr{testTunnel: {}}}}
	if opts.Now == nil {
		opts.Now = tb.Now
	}
	tb.Broker = brokertest.New(opts)
	tb.caFile = filepath.Join(t.TempDir(), "ca.pem")
	srv, err := brokertest.Start(tb.Broker, tb.caFile)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	tb.srv = srv
	tb.client = &client{caFile: tb.caFile}
	return tb
}

// updater is tunnel gif0's updater on the test broker, its state in dir.
func (tb *testBroker) updater(dir string, force bool) *Updater {
	return &Updater{tunnel: "gif0", url: tb.url(), stateDir: dir, client: tb.client, Force: force, now: tb.Now, log: &bsd.Logger{}}
}

// url is the update URL an HE user would paste.
func (tb *testBroker) url() *url.URL {
	return tb.srv.URL(testUser, testKey, testTunnel)
}

func (tb *testBroker) lastRequest(t *testing.T) brokertest.Request {
	t.Helper()
	reqs := tb.Requests()
	if len(reqs) == 0 {
		t.Fatal("the broker saw no request")
	}
	return reqs[len(reqs)-1]
}

func TestUpdateAnswers(t *testing.T) {
	tb := startBroker(t, brokertest.Options{})
	addr := netip.MustParseAddr("198.51.100.7")
	for _, tc := range []struct {
		status  int
		body    string
		ok      bool
		wantErr string
	}{
		{200, "good 198.51.100.7", true, ""},
		{200, "nochg 198.51.100.7", true, ""},
		{200, "+OK: Tunnel endpoint updated to: 198.51.100.7", true, ""},
		{200, "abuse", false, `broker answered "abuse": blocked for sending too many updates`},
		{200, "badauth", false, `broker answered "badauth": wrong user name or update key`},
		{401, "badauth", false, `broker answered "badauth": wrong user name or update key`},
		{200, "nohost", false, `broker answered "nohost": `},
		{200, "badip", false, `broker answered "badip": `},
		{200, "!yours", false, `broker answered "!yours": `},
		{200, "notfqdn", false, `broker answered "notfqdn": `},
		{200, "911", false, `broker answered "911": `},
		{200, "dnserr", false, `broker answered "dnserr": `},
		{200, brokertest.PingError, false, `broker answered "-ERROR: IP is not ICMP pingable.`},
		{200, "<html>oops</html>", false, `broker answered "<html>oops</html>": not a dyndns2 answer`},
		{200, "", false, "broker answered with an empty body"},
		{200, strings.Repeat("good ", 1000), false, "broker answered with more than 4096 bytes"},
		{503, "<h1>Service Unavailable</h1>", false,
			"https://alice:*****@" + tb.srv.Addr.String() + `/nic/update?hostname=123456: HTTP 503 Service Unavailable: broker answered "<h1>Service Unavailable</h1>": not a dyndns2 answer`},
		{500, "good 198.51.100.7", false, "https://alice:*****@" + tb.srv.Addr.String() + `/nic/update?hostname=123456: HTTP 500 Internal Server Error: broker answered "good 198.51.100.7"`},
		{200, "good 203.0.113.9", false, `broker answered "good 203.0.113.9", but gifctl sent myip=198.51.100.7`},
		{200, "nochg 203.0.113.9", false, `broker answered "nochg 203.0.113.9", but gifctl sent myip=198.51.100.7`},
		{302, "", false, "https://alice:*****@" + tb.srv.Addr.String() + "/nic/update?hostname=123456: HTTP 302 Found: broker answered with an empty body"},
	} {
		tb.Force(tc.status, tc.body)
		a, err := tb.client.Update(context.Background(), tb.url(), addr)
		if a.OK() != tc.ok || (err == nil) != tc.ok {
			t.Errorf("%d %q: OK() = %v, error %v; want OK %v", tc.status, tc.body, a.OK(), err, tc.ok)
			continue
		}
		if err != nil && !strings.HasPrefix(err.Error(), tc.wantErr) {
			t.Errorf("%d %q: error\n %v\nwant it to start\n %s", tc.status, tc.body, err, tc.wantErr)
		}
		if a.MyIP != addr {
			t.Errorf("%d %q: MyIP = %v, want %v", tc.status, tc.body, a.MyIP, addr)
		}
	}
}

func TestUpdateRequest(t *testing.T) {
	tb := startBroker(t, brokertest.Options{})
	port := tb.srv.Addr.Port()
	for _, tc := range []struct {
		name       string
		url        string // %d is the port
		addr       string
		wantURI    string
		wantAuth   string
		wantAnswer Answer
	}{
		{"public", "https://alice:0123abcd@127.0.0.1:%d/nic/update?hostname=123456", "198.51.100.7",
			"/nic/update?hostname=123456&myip=198.51.100.7",
			"Basic " + base64.StdEncoding.EncodeToString([]byte("alice:0123abcd")),
			Answer{Code: "good", Addr: netip.MustParseAddr("198.51.100.7"), Text: "198.51.100.7", MyIP: netip.MustParseAddr("198.51.100.7")}},
		{"private", "https://alice:0123abcd@127.0.0.1:%d/nic/update?hostname=123456", "10.0.0.2",
			"/nic/update?hostname=123456",
			"Basic " + base64.StdEncoding.EncodeToString([]byte("alice:0123abcd")),
			Answer{Code: "good", Addr: netip.MustParseAddr("127.0.0.1"), Text: "127.0.0.1"}},
		{"CGNAT", "https://alice:0123abcd@127.0.0.1:%d/nic/update?hostname=123456", "100.64.7.1",
			"/nic/update?hostname=123456",
			"Basic " + base64.StdEncoding.EncodeToString([]byte("alice:0123abcd")),
			Answer{Code: "nochg", Addr: netip.MustParseAddr("127.0.0.1"), Text: "127.0.0.1"}},
		{"stale pasted myip, private address", "https://alice:0123abcd@127.0.0.1:%d/nic/update?myip=1.1.1.1&hostname=123456", "192.168.1.2",
			"/nic/update?hostname=123456",
			"Basic " + base64.StdEncoding.EncodeToString([]byte("alice:0123abcd")),
			Answer{Code: "nochg", Addr: netip.MustParseAddr("127.0.0.1"), Text: "127.0.0.1"}},
		{"stale pasted myip, public address", "https://alice:0123abcd@127.0.0.1:%d/nic/update?myip=1.1.1.1&hostname=123456", "198.51.100.9",
			"/nic/update?hostname=123456&myip=198.51.100.9",
			"Basic " + base64.StdEncoding.EncodeToString([]byte("alice:0123abcd")),
			Answer{Code: "good", Addr: netip.MustParseAddr("198.51.100.9"), Text: "198.51.100.9", MyIP: netip.MustParseAddr("198.51.100.9")}},
		{"credentials in the query", "https://127.0.0.1:%d/nic/update?username=alice&password=0123abcd&hostname=123456", "198.51.100.9",
			"/nic/update?username=alice&password=0123abcd&hostname=123456&myip=198.51.100.9", "",
			Answer{Code: "nochg", Addr: netip.MustParseAddr("198.51.100.9"), Text: "198.51.100.9", MyIP: netip.MustParseAddr("198.51.100.9")}},
		{"key with special characters", "https://alice:p%40ss%3Aw@127.0.0.1:%d/nic/update?hostname=1", "198.51.100.9",
			"/nic/update?hostname=1&myip=198.51.100.9",
			"Basic " + base64.StdEncoding.EncodeToString([]byte("alice:p@ss:w")),
			Answer{Code: "badauth", MyIP: netip.MustParseAddr("198.51.100.9")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb.Sleep(time.Minute) // stay below the abuse limit
			u, err := url.Parse(strings.Replace(tc.url, "%d", strconv.Itoa(int(port)), 1))
			if err != nil {
				t.Fatal(err)
			}
			a, _ := tb.client.Update(context.Background(), u, netip.MustParseAddr(tc.addr))
			if diff := cmp.Diff(tc.wantAnswer, a, addrComparer); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
			r := tb.lastRequest(t)
			got := []string{r.Method, r.RequestURI, r.Authorization, r.UserAgent}
			want := []string{"GET", tc.wantURI, tc.wantAuth, "gifctl/" + Version}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("request: method, request line, Authorization, User-Agent (-want +got):\n%s", diff)
			}
			if strings.Contains(r.RequestURI, "@") || strings.Contains(r.RequestURI, "alice:") {
				t.Errorf("userinfo in the request line: %s", r.RequestURI)
			}
		})
	}
	// The caller's URL is left as it was.
	u := tb.url()
	before := u.String()
	tb.client.Update(context.Background(), u, netip.MustParseAddr("198.51.100.7"))
	if u.String() != before {
		t.Errorf("Update changed its URL: %s, was %s", u, before)
	}
}

func strconvItoa(n int) string {
	return netip.AddrPortFrom(netip.IPv4Unspecified(), uint16(n)).String()[len("0.0.0.0:"):]
}

func TestCAFile(t *testing.T) {
	tb := startBroker(t, brokertest.Options{})
	addr := netip.MustParseAddr("198.51.100.7")

	// The system roots do not know the test CA.
	system := &client{}
	_, err := system.Update(context.Background(), tb.url(), addr)
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("without the test CA: %v, want a certificate error", err)
	}
	if err != nil && strings.Contains(err.Error(), testKey) {
		t.Errorf("error shows the key: %v", err)
	}
	// With it, the update goes through (TestUpdateAnswers does the rest).
	if a, err := tb.client.Update(context.Background(), tb.url(), addr); err != nil || !a.OK() {
		t.Errorf("with the test CA: %v, %v", a, err)
	}
	// A certificate for another name does not do.
	u := tb.url()
	u.Host = "127.0.0.2:" + strconv.Itoa(int(tb.srv.Addr.Port()))
	if _, err := tb.client.Update(context.Background(), u, addr); err == nil {
		t.Errorf("a certificate not naming 127.0.0.2 was accepted (or 127.0.0.2 is not loopback here)")
	}

	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.pem")
	os.WriteFile(junk, []byte("not a certificate\n"), 0o644)
	for file, want := range map[string]string{
		filepath.Join(dir, "missing.pem"): filepath.Join(dir, "missing.pem") + ": no such file",
		junk:                              junk + ": no PEM certificates",
	} {
		// Read at the first update, not before.
		if _, err := (&client{caFile: file}).Update(context.Background(), tb.url(), addr); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("client of %s: Update: %v, want %q", file, err, want)
		}
	}
}

func TestUpdateEndsAtDeadline(t *testing.T) {
	addr := netip.MustParseAddr("198.51.100.7")
	t.Run("hang", func(t *testing.T) {
		tb := startBroker(t, brokertest.Options{})
		tb.SetMode(brokertest.Hang)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := tb.client.Update(ctx, tb.url(), addr)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("hanging broker: %v, want the deadline", err)
		}
	})
	t.Run("trickle", func(t *testing.T) {
		tb := startBroker(t, brokertest.Options{TrickleEvery: 50 * time.Millisecond})
		tb.SetMode(brokertest.Trickle)
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		_, err := tb.client.Update(ctx, tb.url(), addr)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("trickling broker: %v, want the deadline", err)
		}
		if err != nil && !strings.Contains(err.Error(), "reading the answer") {
			t.Errorf("trickling broker: %v, want it to fail reading the body", err)
		}
	})
	t.Run("no TLS handshake", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close() // held open, silent, until the test ends
			}
		}()
		c := &client{}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		u := &url.URL{Scheme: "https", Host: ln.Addr().String(), Path: "/nic/update", User: url.UserPassword(testUser, testKey)}
		_, err = c.Update(ctx, u, addr)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("silent listener: %v, want the deadline", err)
		}
	})
}

func TestUpdateErrorsHideSecrets(t *testing.T) {
	tb := startBroker(t, brokertest.Options{})
	// A port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()

	const secret = "s3cr3t-k3y"
	for _, tc := range []struct {
		name   string
		url    string
		answer string // forced answer of the running broker
	}{
		{"refused, key in userinfo", "https://alice:" + secret + "@" + closed + "/nic/update?hostname=1", ""},
		{"refused, key in query", "https://" + closed + "/nic/update?username=alice&password=" + secret + "&hostname=1", ""},
		{"plain http", "http://alice:" + secret + "@" + closed + "/nic/update?hostname=1", ""},
		{"no such host", "https://alice:" + secret + "@no-such-host.invalid/nic/update?hostname=1", ""},
		{"bad port", "https://alice:" + secret + "@127.0.0.1:99999/nic/update?hostname=1", ""},
		{"broker echoes the key", "https://alice:" + secret + "@" + tb.srv.Addr.String() + "/nic/update?hostname=1",
			"-ERROR: wrong key " + secret},
		{"broker echoes the query key", "https://" + tb.srv.Addr.String() + "/nic/update?password=" + secret,
			"<p>password " + secret + " is wrong</p>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.answer != "" {
				tb.Force(200, tc.answer)
			}
			u, err := url.Parse(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			a, err := tb.client.Update(context.Background(), u, netip.MustParseAddr("198.51.100.7"))
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(a.String(), secret) {
				t.Errorf("the key shows: error %q, answer %q", err, a)
			}
			if !strings.Contains(err.Error(), "*****") && tc.answer == "" {
				t.Errorf("error %q does not name the redacted URL", err)
			}
			var s State
			s.Tunnel = "gif0"
			s.Record(a, err, netip.MustParseAddr("198.51.100.7"), time.Now())
			if strings.Contains(s.Answer, secret) {
				t.Errorf("state answer shows the key: %q", s.Answer)
			}
		})
	}
}

func TestUpdateTimeoutsAreSet(t *testing.T) {
	c := &client{}
	if c.http != nil {
		t.Fatal("a new client read the CA bundle before the first update")
	}
	if err := c.connect(); err != nil {
		t.Fatal(err)
	}
	tr := c.http.Transport.(*http.Transport)
	if tr.Proxy != nil || tr.TLSHandshakeTimeout != handshakeTimeout || tr.ResponseHeaderTimeout != headerTimeout ||
		tr.TLSClientConfig.InsecureSkipVerify || tr.TLSClientConfig.RootCAs == nil {
		t.Errorf("transport: proxy %v, handshake %v, header %v, insecure %v, roots %v",
			tr.Proxy != nil, tr.TLSHandshakeTimeout, tr.ResponseHeaderTimeout,
			tr.TLSClientConfig.InsecureSkipVerify, tr.TLSClientConfig.RootCAs != nil)
	}
}
