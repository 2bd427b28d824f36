package heartbeat

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/gifctl/gifctl/bsd"
)

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
