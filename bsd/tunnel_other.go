//go:build !openbsd

package bsd

import (
	"context"
	"net/netip"
)

// TunnelEndpoints returns gif interface ifname's tunnel source and
// destination. Off OpenBSD there is no gif(4) and no SIOCGLIFPHYADDR: it
// runs `IFCONFIGPATH IFNAME` (the simulation's stand-in prints OpenBSD's
// format) and parses that. Errors wrap ErrNoTunnel as on OpenBSD.
func TunnelEndpoints(ctx context.Context, ifname, ifconfigPath string) (src, dst netip.Addr, err error) {
	return IfconfigEndpoints(ctx, ifname, ifconfigPath)
}
