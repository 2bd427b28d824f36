package broker

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/broker/brokertest"
)

// TestRun follows one tunnel through address changes, a block for abuse
// and --force, against the HE-like broker.
// saved is the state run saved in dir.
func saved(t *testing.T, dir string) State {
	t.Helper()
	s, err := LoadState(dir, "gif0")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRun(t *testing.T) {
	tb := startBroker(t, brokertest.Options{})
	dir := t.TempDir()
	ctx := context.Background()
	a1 := netip.MustParseAddr("198.51.100.7")
	a2 := netip.MustParseAddr("198.51.100.8")
	send := func(addr netip.Addr, force bool) (result, error) {
		return tb.updater(dir, force).run(ctx, addr)
	}
	requests := func() int { return len(tb.Requests()) }

	// First run: sent and accepted.
	r, err := send(a1, false)
	if err != nil || !r.Sent || r.Answer.Code != "good" || saved(t, dir).Address != a1 || len(r.Notes) != 0 {
		t.Fatalf("first run: %+v, %v", r, err)
	}
	// Same address: nothing sent, however often.
	for range 5 {
		tb.Sleep(time.Second)
		r, err = send(a1, false)
		if err != nil || r.Sent {
			t.Fatalf("same address: %+v, %v", r, err)
		}
	}
	if n := requests(); n != 1 {
		t.Errorf("the broker saw %d requests, want 1", n)
	}
	// New address: sent.
	tb.Sleep(time.Minute)
	if r, err = send(a2, false); err != nil || !r.Sent || r.Answer.Code != "good" {
		t.Fatalf("new address: %+v, %v", r, err)
	}
	if addr, _ := tb.Endpoint(testTunnel); addr != a2 {
		t.Errorf("broker endpoint %v, want %v", addr, a2)
	}
	// --force sends the same address; the broker says nochg.
	tb.Sleep(time.Minute)
	if r, err = send(a2, true); err != nil || !r.Sent || r.Answer.Code != "nochg" {
		t.Fatalf("forced: %+v, %v", r, err)
	}

	// The broker blocks the tunnel: back off 10 minutes, even against --force.
	tb.Force(200, "abuse")
	tb.Sleep(time.Minute)
	r, err = send(a1, false)
	want := `broker answered "abuse": blocked for sending too many updates; backing off until 2026-11-23 21:18:05 after "abuse"; gifctl update --force cannot override it: the broker refuses updates while it blocks the tunnel`
	if err == nil || err.Error() != want {
		t.Fatalf("abuse: %v\nwant %s", err, want)
	}
	n := requests()
	tb.Sleep(5 * time.Minute)
	r, err = send(a1, true)
	var backoff *backoffError
	if !errors.As(err, &backoff) || r.Sent || requests() != n {
		t.Fatalf("forced during abuse back-off: %+v, %v", r, err)
	}
	if !strings.Contains(r.Why, "--force cannot override it") {
		t.Errorf("why: %s", r.Why)
	}
	// After it, the update goes out.
	tb.SetMode(brokertest.Normal)
	tb.Sleep(5 * time.Minute)
	if r, err = send(a1, false); err != nil || !r.Sent || r.Answer.Code != "good" || saved(t, dir).Failures != 0 {
		t.Fatalf("after the back-off: %+v, %v", r, err)
	}

	// The state file has the answer and never the key.
	data, err := os.ReadFile(filepath.Join(dir, "gif0.broker.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), testKey) || !strings.Contains(string(data), `"answer": "good 198.51.100.7"`) {
		t.Errorf("state file:\n%s", data)
	}
}

func TestRunPrivateAddress(t *testing.T) {
	tb := startBroker(t, brokertest.Options{})
	dir := t.TempDir()
	local := netip.MustParseAddr("192.168.1.2")
	r, err := tb.updater(dir, false).run(context.Background(), local)
	if err != nil {
		t.Fatal(err)
	}
	wantNote := "myip left out: 192.168.1.2 is a private address; the broker takes the request's source address"
	if !slices.Equal(r.Notes, []string{wantNote}) {
		t.Errorf("notes %q\nwant %q", r.Notes, wantNote)
	}
	// The broker has the (NAT's) source address; the state remembers both,
	// and the local one keeps the next run from sending again.
	if s := saved(t, dir); s.Address != local || s.BrokerAddress != netip.MustParseAddr("127.0.0.1") {
		t.Errorf("state %+v", s)
	}
	tb.Sleep(time.Hour)
	if r, err = tb.updater(dir, false).run(context.Background(), local); err != nil || r.Sent {
		t.Errorf("second run: %+v, %v", r, err)
	}
	if send, why, err := tb.updater(dir, false).Pending(netip.MustParseAddr("100.64.1.1")); err != nil || !send {
		t.Errorf("Pending of a new address: %v %s %v", send, why, err)
	}
}

func TestRunFailures(t *testing.T) {
	tb := startBroker(t, brokertest.Options{})
	dir := t.TempDir()
	addr := netip.MustParseAddr("198.51.100.7")
	run := func() (result, error) {
		return tb.updater(dir, false).run(context.Background(), addr)
	}
	// A first failure is retried at the next run; a second backs off.
	tb.Force(200, "911")
	if _, err := run(); err == nil || strings.Contains(err.Error(), "backing off") {
		t.Fatalf("first 911: %v", err)
	}
	if _, err := run(); err == nil || !strings.HasSuffix(err.Error(), `backing off until 2026-11-23 21:10:00 after "911"; gifctl update --force gif0 overrides it`) {
		t.Fatalf("second 911: %v", err)
	}
	if r, err := run(); err == nil || r.Sent {
		t.Fatalf("during the back-off: %+v, %v", r, err)
	}
	// A corrupt state file stops the update and names itself.
	path := filepath.Join(dir, "gif0.broker.json")
	os.WriteFile(path, []byte("{"), 0o600)
	if _, err := run(); err == nil || !strings.HasPrefix(err.Error(), path+": corrupt state") {
		t.Errorf("corrupt state: %v", err)
	}
	// A public address is no "myip left out", even when the update fails
	// before a request (the CA bundle cannot be read).
	os.Remove(path)
	u := tb.updater(dir, true)
	u.client = &client{caFile: filepath.Join(dir, "missing.pem")}
	if r, err := u.run(context.Background(), addr); err == nil || len(r.Notes) != 0 {
		t.Errorf("unreadable CA: notes %q, err %v", r.Notes, err)
	}
	// No address: an error, nothing sent.
	os.Remove(path)
	if _, err := tb.updater(dir, true).run(context.Background(), netip.Addr{}); err == nil {
		t.Errorf("no address: no error")
	}
}

// TestRunWrongKeyCorrected: a wrong key backs off, and correcting the
// update URL ends the back-off at once; the state file never holds the URL.
func TestRunWrongKeyCorrected(t *testing.T) {
	tb := startBroker(t, brokertest.Options{})
	dir := t.TempDir()
	addr := netip.MustParseAddr("198.51.100.7")
	wrong := tb.updater(dir, false)
	wrong.url = tb.srv.URL(testUser, "wrongkey", testTunnel)

	_, err := wrong.run(context.Background(), addr)
	if err == nil || !strings.Contains(err.Error(), `after "badauth"; correct the update-url (a changed one ends the back-off) or override it with gifctl update --force gif0`) {
		t.Fatalf("wrong key: %v", err)
	}
	n := len(tb.Requests())
	tb.Sleep(time.Minute)
	if r, err := wrong.run(context.Background(), addr); err == nil || r.Sent || len(tb.Requests()) != n {
		t.Fatalf("same wrong key during the back-off: %+v, %v", r, err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "gif0.broker.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "wrongkey") || !strings.Contains(string(data), urlHash(wrong.url)) {
		t.Errorf("state file:\n%s", data)
	}

	// The admin pastes the right URL: sent at once, and said why.
	right := tb.updater(dir, false)
	if send, why, err := right.Pending(addr); err != nil || !send || !strings.HasPrefix(why, `the update-url changed since the broker answered "badauth"`) {
		t.Errorf("Pending with the corrected URL: %v %q %v", send, why, err)
	}
	r, err := right.run(context.Background(), addr)
	if err != nil || !r.Sent || r.Answer.Code != "good" {
		t.Fatalf("corrected key: %+v, %v", r, err)
	}
	if want := `the update-url changed since the broker answered "badauth": back-off ended`; !slices.Contains(r.Notes, want) {
		t.Errorf("notes %q, want %q", r.Notes, want)
	}
}
