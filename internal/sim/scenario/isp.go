package scenario

import (
	"context"
	"net/netip"
	"time"

	"github.com/gifctl/gifctl/internal/sim/gifsim"
	"github.com/gifctl/gifctl/internal/sim/netns"
)

// LoseLease has the router's lease end with no new one offered: em0 loses
// its IPv4 address and default route.
func (w *World) LoseLease() error {
	w.ev.Addf("isp", "the lease of em0 (%s) ends; no new one is offered", w.Lab.RouterIPv4())
	if err := gifsim.WriteLease(w.RouterCtl, netns.RouterIf, netip.Prefix{}, netip.Addr{}); err != nil {
		return err
	}
	return w.Lab.LoseLease()
}

// OfferLease has the ISP offer p to the router's DHCP client
// (gifsim dhcpleased, started by netstart em0).
func (w *World) OfferLease(p netip.Prefix) error {
	gw, err := w.Lab.Offer(p)
	if err != nil {
		return err
	}
	w.ev.Addf("isp", "offers em0 a lease: %s via %s", p, gw)
	return gifsim.WriteLease(w.RouterCtl, netns.RouterIf, p, gw)
}

// AddressChange is the demo's story: the ISP renumbers the router to
// netns.RenumberedPrefix, and ifstated, running gifctl, has to bring IPv6
// through the tunnel back. It returns the time from the change to the
// first echo reply from the PoP's IPv6 host.
func AddressChange(ctx context.Context, w *World, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	if err := w.Renumber(netns.RenumberedPrefix); err != nil {
		return 0, err
	}
	return w.WaitIPv6(ctx, start, timeout)
}
