package probe

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"syscall"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv6"
)

// Family is the IP version a Prober speaks.
type Family int

// The families, numbered after their IP version.
const (
	IPv4 Family = 4
	IPv6 Family = 6
)

func (f Family) String() string { return fmt.Sprintf("ipv%d", int(f)) }

// defaultInterval is between Any's rounds: what a lost packet costs.
const defaultInterval = 200 * time.Millisecond

// ErrNoSource matches Open's error for a source on no interface (IPv6: tunnel
// down).
var ErrNoSource = errors.New("no such local address")

// Prober sends ICMP echo requests from one raw socket, one goroutine at a time.
type Prober struct {
	family Family
	conn   *icmp.PacketConn
	id     uint16
	seq    uint16 // last sequence number sent, carried across Any calls

	interval time.Duration // between rounds
}

// Open opens a raw ICMP socket for family, before pledge, bound to source if
// valid.
func Open(family Family, source netip.Addr) (*Prober, error) {
	network, laddr := "ip6:ipv6-icmp", "::"
	if family == IPv4 {
		network, laddr = "ip4:icmp", "0.0.0.0"
	}
	if fitted, ok := family.fit(source); ok {
		source, laddr = fitted, fitted.String()
	} else if source.IsValid() {
		return nil, fmt.Errorf("%v: source %v is not an %v address", family, source, family)
	}
	conn, err := icmp.ListenPacket(network, laddr)
	if err != nil {
		if source.IsValid() && errors.Is(err, syscall.EADDRNOTAVAIL) {
			return nil, fmt.Errorf("%v: source %v: %w", family, source, ErrNoSource)
		}
		return nil, fmt.Errorf("%v: icmp socket: %w", family, err)
	}
	if family == IPv6 { // less to read on a busy router; Any checks the type anyway
		var f ipv6.ICMPFilter
		f.SetAll(true)
		f.Accept(ipv6.ICMPTypeEchoReply)
		_ = conn.IPv6PacketConn().SetICMPFilter(&f)
	}
	// A random id: a raw socket sees the replies of every check and ping(8).
	return &Prober{family: family, conn: conn, id: uint16(rand.N(1 << 16)), interval: defaultInterval}, nil
}

// Close closes the socket.
func (p *Prober) Close() error { return p.conn.Close() }

// fit returns a as family's sockets take it (IPv4 unmapped) and whether it
// fits.
func (f Family) fit(a netip.Addr) (netip.Addr, bool) {
	if f == IPv4 {
		a = a.Unmap()
		return a, a.Is4()
	}
	return a, a.Is6() && !a.Is4In6()
}
