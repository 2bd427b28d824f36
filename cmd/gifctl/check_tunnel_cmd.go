package main

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/config"
)

// tunnelCheckTimeout bounds check tunnel; on OpenBSD it does no I/O that
// could block, elsewhere it runs the configured ifconfig.
const tunnelCheckTimeout = 3 * time.Second

// checkTunnelCmd is `gifctl check tunnel [IF]`.
type checkTunnelCmd struct {
	Tunnel string `arg:"" optional:"" name:"IF" help:"The tunnel to check; needed only when there are several."`

	t        *config.Tunnel
	addrs    []netip.Addr // the egress interface's IPv4 addresses
	src, dst netip.Addr   // the kernel's tunnel
	remote   netip.Addr
	why      error // what is wrong, read before the sandbox
}

func (c *checkTunnelCmd) needs() needs {
	return needs{timeout: tunnelCheckTimeout, plan: "check-tunnel"}
}

// prepare reads the egress addresses and the kernel's tunnel: no packets,
// and on OpenBSD no child process (an ioctl).
func (c *checkTunnelCmd) prepare(ctx context.Context, a *app) (err error) {
	if c.t, err = a.tunnel(c.Tunnel); err != nil {
		return err
	}
	if c.remote = c.t.Remote; !c.remote.IsValid() {
		addrs, err := readTunnelAddrs(a.conf, c.t)
		if err != nil {
			return err
		}
		c.remote = addrs.remote
	}
	if c.addrs, c.why = bsd.IPv4Addrs(c.t.Egress); c.why == nil && len(c.addrs) > 0 {
		c.src, c.dst, c.why = bsd.TunnelEndpoints(ctx, c.t.Name, a.conf.Ifconfig)
	}
	return nil
}

// work answers whether the kernel's tunnel matches the egress address and
// the remote, and records the answer.
func (c *checkTunnelCmd) work(ctx context.Context, a *app) error {
	why := c.why
	if why == nil {
		why = bsd.Consistent(c.t.Name, c.t.Egress, c.addrs, c.src, c.dst, c.remote)
	}
	if why != nil {
		a.record("tunnel "+c.t.Name, false, why.Error())
		a.log.Debugf("%s", why)
		return errFalse
	}
	detail := fmt.Sprintf("%s --> %s", c.src, c.dst)
	a.record("tunnel "+c.t.Name, true, detail)
	a.log.Debugf("%s: %s", c.t.Name, detail)
	return nil
}
