package netns

import (
	"context"
	"net"
	"net/netip"
	"testing"
)

// TestMasquerade makes the ISP a NAT for a private subnet while the router
// still has its public address, which must pass untranslated; then puts the
// router on the private subnet: a connection to the PoP arrives from the
// ISP's public address, and pings still get their replies.
func TestMasquerade(t *testing.T) {
	l := NewForTest(t)
	private := netip.MustParsePrefix("192.168.1.2/24")
	if err := l.ISP.Masquerade(ISPPoPIf, private); err != nil {
		t.Fatal(err)
	}
	if got, want := connectionFrom(t, l), RouterPrefix.Addr(); got != want {
		t.Errorf("before the renumbering, the PoP saw the connection come from %v, want the router's own %v", got, want)
	}
	if err := l.Renumber(private); err != nil {
		t.Fatal(err)
	}
	if got, want := connectionFrom(t, l), gateway(PoPPrefix).Addr(); got != want {
		t.Errorf("the PoP saw the connection come from %v, want the NAT's %v", got, want)
	}
	if err := l.Router.Ping(context.Background(), PoPPrefix.Addr()); err != nil {
		t.Errorf("ping through the NAT: %v", err)
	}
}

// connectionFrom connects from the router to the PoP and returns the
// source address the PoP saw.
func connectionFrom(t *testing.T, l *Lab) netip.Addr {
	t.Helper()
	var ln net.Listener
	if err := l.PoP.Do(func() (err error) {
		ln, err = net.Listen("tcp4", PoPPrefix.Addr().String()+":0")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	seen := make(chan netip.Addr, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			seen <- netip.Addr{}
			return
		}
		c.Close()
		ap, _ := netip.ParseAddrPort(c.RemoteAddr().String())
		seen <- ap.Addr().Unmap()
	}()
	if err := l.Router.Do(func() error {
		c, err := net.Dial("tcp4", ln.Addr().String())
		if err == nil {
			c.Close()
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return <-seen
}
