package heartbeat

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// received is one datagram a test PoP got, and what Verify made of it.
type received struct {
	datagram string
	beat     Beat
	err      error
}

// pop listens on loopback like sixxsd's heartbeat thread and verifies
// every datagram with password against its own clock.
func pop(t *testing.T, password string) (netip.AddrPort, <-chan received) {
	t.Helper()
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := make(chan received, 16)
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := conn.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			b, err := Verify(buf[:n], from.Addr(), time.Now(), password)
			c <- received{string(buf[:n]), b, err}
		}
	}()
	return conn.LocalAddr().(*net.UDPAddr).AddrPort(), c
}

func next(t *testing.T, c <-chan received) received {
	t.Helper()
	select {
	case r := <-c:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("the PoP received nothing")
	}
	return received{}
}

func TestSendToPoP(t *testing.T) {
	inner := netip.MustParseAddr("2001:db8:1::2")
	lo1, lo2 := netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("127.0.0.2")
	tests := []struct {
		name     string
		local    netip.Addr // invalid: the kernel's choice
		sender   string
		password string // the PoP's
		want     string // the PoP's error; "" accepted
		endpoint netip.Addr
	}{
		{"sender from the kernel's address", netip.Addr{}, Sender, secret, "", lo1},
		{"sender from a bound address", lo2, Sender, secret, "", lo2},
		{"explicit IPv4 of the bound address", lo2, "127.0.0.2", secret, "", lo2},
		{"explicit IPv4 of another address", lo2, "127.0.0.3", secret,
			`heartbeat from 127.0.0.2: says it comes from "127.0.0.3"`, netip.Addr{}},
		{"PoP has another password", netip.Addr{}, Sender, "other",
			"heartbeat from 127.0.0.1: hash does not match", netip.Addr{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			remote, beats := pop(t, tt.password)
			conn, err := Open(tt.local)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			msg := Message(inner, tt.sender, time.Now(), secret)
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			if err := Send(ctx, conn, remote, msg); err != nil {
				t.Fatal(err)
			}
			r := next(t, beats)
			if diff := cmp.Diff(msg, r.datagram); diff != "" {
				t.Errorf("datagram is not exactly the message (-want +got):\n%s", diff)
			}
			got := ""
			if r.err != nil {
				got = r.err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("PoP's verdict (-want +got):\n%s", diff)
			}
			if r.err == nil && (r.beat.Inner != inner || r.beat.Endpoint != tt.endpoint) {
				t.Errorf("beat %+v, want inner %v endpoint %v", r.beat, inner, tt.endpoint)
			}
		})
	}
}

func TestSendRefuses(t *testing.T) {
	conn, err := Open(netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	msg := Message(netip.MustParseAddr("2001:db8::2"), Sender, time.Now(), secret)
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		remote netip.AddrPort
		want   string
	}{
		{"IPv6 PoP", t.Context(), netip.MustParseAddrPort("[2001:db8::1]:3740"),
			"heartbeat: remote 2001:db8::1 is not an IPv4 address"},
		{"context over", cancelled, netip.MustParseAddrPort("127.0.0.1:3740"),
			"heartbeat to 127.0.0.1:3740: context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if err := Send(tt.ctx, conn, tt.remote, msg); err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestOpenRefuses(t *testing.T) {
	if _, err := Open(netip.MustParseAddr("2001:db8::2")); err == nil ||
		err.Error() != "heartbeat: source 2001:db8::2 is not an IPv4 address" {
		t.Errorf("Open(IPv6) = %v", err)
	}
	// 198.18.0.0/15 is for benchmarking: no test machine has it.
	_, err := Open(netip.MustParseAddr("198.18.9.9"))
	if err == nil || !strings.Contains(err.Error(), "198.18.9.9") {
		t.Errorf("Open(address not configured) = %v, want an error naming it", err)
	}
}
