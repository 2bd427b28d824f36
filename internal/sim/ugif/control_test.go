package ugif

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeGif records endpoints like a gif, without TUN or sockets.
type fakeGif struct {
	mu sync.Mutex
	ep Endpoints
}

func (f *fakeGif) Status() Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return Status{Name: "gif0", Endpoints: f.ep, Stats: Stats{Sent: 3}}
}

func (f *fakeGif) SetEndpoints(e Endpoints) error {
	if err := e.Validate(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ep = e
	return nil
}

// addrEqual lets cmp compare netip.Addr, whose fields are unexported.
var addrEqual = cmp.Comparer(func(a, b netip.Addr) bool { return a == b })

func serveFake(t *testing.T) (dir string, f *fakeGif) {
	t.Helper()
	dir = t.TempDir()
	f = &fakeGif{}
	ln, err := Listen(dir, "gif0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, f) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		if _, err := os.Stat(SocketPath(dir, "gif0")); !os.IsNotExist(err) {
			t.Errorf("control socket left behind: %v", err)
		}
	})
	return dir, f
}

func TestControlRoundTrip(t *testing.T) {
	dir, _ := serveFake(t)
	ctx := context.Background()
	ep := Endpoints{Local: netip.MustParseAddr("198.18.1.2"), Remote: netip.MustParseAddr("198.19.0.2")}

	st, err := Get(ctx, dir, "gif0")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Status{Name: "gif0", Stats: Stats{Sent: 3}}, st, addrEqual); diff != "" {
		t.Errorf("Get before set (-want +got):\n%s", diff)
	}
	if st, err = SetTunnel(ctx, dir, "gif0", ep); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ep, st.Endpoints, addrEqual); diff != "" {
		t.Errorf("SetTunnel (-want +got):\n%s", diff)
	}
	if st, _ = Get(ctx, dir, "gif0"); st.Endpoints != ep {
		t.Errorf("Get after set = %v, want %v", st.Endpoints, ep)
	}
	if st, err = DeleteTunnel(ctx, dir, "gif0"); err != nil || st.Endpoints.IsSet() {
		t.Errorf("DeleteTunnel = %v, %v; want unset", st.Endpoints, err)
	}
}

func TestControlErrors(t *testing.T) {
	dir, _ := serveFake(t)
	ctx := context.Background()
	v6 := Endpoints{Local: netip.MustParseAddr("2001:db8::1"), Remote: netip.MustParseAddr("2001:db8::2")}
	if _, err := SetTunnel(ctx, dir, "gif0", v6); err == nil {
		t.Error("SetTunnel with IPv6 endpoints: no error")
	}
	// The server validates too: bypass the client's check.
	if _, err := call(ctx, dir, "gif0", request{Op: opSet, Endpoints: v6}); err == nil {
		t.Error("server accepted IPv6 endpoints")
	}
	if _, err := call(ctx, dir, "gif0", request{Op: "frob"}); err == nil {
		t.Error("server accepted an unknown operation")
	}
	_, err := Get(ctx, dir, "gif1")
	if !errors.Is(err, ErrNotRunning) {
		t.Errorf("Get of a gif that is not running = %v, want ErrNotRunning", err)
	}
}

func TestListenRefusesLiveAndReplacesStale(t *testing.T) {
	dir, _ := serveFake(t)
	if _, err := Listen(dir, "gif0"); err == nil {
		t.Error("second Listen on a live socket succeeded")
	}
	// A stale socket file: a plain file stands in for a dead daemon's.
	stale := SocketPath(dir, "gif1")
	if err := os.WriteFile(stale, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := Listen(dir, "gif1")
	if err != nil {
		t.Fatalf("Listen over a stale socket file: %v", err)
	}
	ln.Close()
}

func TestParseEndpoints(t *testing.T) {
	tests := []struct {
		src, dst string
		want     string // String() or the error
	}{
		{"198.18.1.2", "198.19.0.2", "inet 198.18.1.2 --> 198.19.0.2"},
		{"::ffff:198.18.1.2", "198.19.0.2", "inet 198.18.1.2 --> 198.19.0.2"},
		{"2001:db8::1", "198.19.0.2", "tunnel 2001:db8::1 198.19.0.2: only IPv4 endpoints are supported"},
		{"198.18.1.2", "0.0.0.0", "tunnel destination 0.0.0.0: unspecified address"},
		{"em0", "198.19.0.2", `tunnel source "em0": not an IP address`},
	}
	for _, tt := range tests {
		e, err := ParseEndpoints(tt.src, tt.dst)
		got := e.String()
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("ParseEndpoints(%q, %q) = %q, want %q", tt.src, tt.dst, got, tt.want)
		}
	}
}

func TestPacketChecks(t *testing.T) {
	v6 := make([]byte, 40)
	v6[0], v6[1] = 0x60|0x0, 0x30 // traffic class 0x03: ECN CE
	v4 := make([]byte, 40)
	v4[0] = 0x45
	tests := []struct {
		name string
		pkt  []byte
		ipv6 bool
	}{
		{"ipv6", v6, true},
		{"ipv4", v4, false},
		{"short", v6[:39], false},
	}
	for _, tt := range tests {
		if got := isIPv6(tt.pkt); got != tt.ipv6 {
			t.Errorf("isIPv6(%s) = %v, want %v", tt.name, got, tt.ipv6)
		}
	}
	if got := ecnBits(v6); got != 3 {
		t.Errorf("ecnBits = %d, want 3", got)
	}
}
