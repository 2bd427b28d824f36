package heartbeat

import (
	"cmp"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/gifctl/gifctl/bsd"
)

const (
	Port    = 3740              // the UDP port a SixXS PoP listens on
	Sender  = "sender"          // in place of the IPv4 address: take the source's
	MaxSkew = 120 * time.Second // how far a beat's time may be off the PoP's clock
	prefix  = "HEARTBEAT TUNNEL "
)

// Message returns the heartbeat of the tunnel whose inner IPv6 address is
// inner, at t; sender is Sender or the IPv4 address it will leave from.
func Message(inner netip.Addr, sender string, t time.Time, password string) string {
	head := prefix + inner.WithZone("").String() + " " + sender + " " + strconv.FormatInt(t.Unix(), 10) + " "
	sum := md5.Sum([]byte(head + password))
	return head + hex.EncodeToString(sum[:])
}

// Open opens the UDP socket for beats, before pledge, bound to local if valid.
func Open(local netip.Addr) (*net.UDPConn, error) {
	local = cmp.Or(local.Unmap(), netip.IPv4Unspecified())
	if !local.Is4() {
		return nil, fmt.Errorf("heartbeat: source %v is not an IPv4 address", local)
	}
	conn, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(local, 0)))
	if err != nil {
		return nil, fmt.Errorf("heartbeat: %w", err)
	}
	return conn, nil
}

// Send sends msg to remote (the PoP's IPv4 address, port Port) in one
// datagram, bounded by ctx. Errors name the remote, never the message.
func Send(ctx context.Context, conn *net.UDPConn, remote netip.AddrPort, msg string) error {
	remote = netip.AddrPortFrom(remote.Addr().Unmap(), remote.Port())
	if !remote.Addr().Is4() {
		return fmt.Errorf("heartbeat: remote %v is not an IPv4 address", remote.Addr())
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("heartbeat to %v: %w", remote, err)
	}
	stop := bsd.Bound(ctx, conn)
	defer stop()
	if _, err := conn.WriteToUDPAddrPort([]byte(msg), remote); err != nil {
		return fmt.Errorf("heartbeat to %v: %w", remote, bsd.UnwrapOp(err))
	}
	return nil
}

// CheckClock refuses a clock before buildTime (gifctl's build date; zero
// skips it): a router that booted without the time would beat in vain.
func CheckClock(now, buildTime time.Time) error {
	if buildTime.IsZero() || !now.Before(buildTime) {
		return nil
	}
	return fmt.Errorf("clock says %s, before gifctl was built (%s): the PoP drops heartbeats more than %v off its clock; set the time first (rdate, ntpd)",
		now.UTC().Format(time.RFC3339), buildTime.UTC().Format(time.DateOnly), MaxSkew)
}
