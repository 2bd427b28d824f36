package main

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/config"
)

// tunnelCheckTimeout bounds check tunnel: off OpenBSD it runs ifconfig.
const tunnelCheckTimeout = 3 * time.Second

// checkTunnelCmd is `gifctl check tunnel [IF]`.
type checkTunnelCmd struct {
	Tunnel string `arg:"" optional:"" name:"IF" help:"The tunnel to check; needed only when there are several."`

	t        *config.Tunnel
	src, dst netip.Addr // the kernel's tunnel
	why      error      // what is wrong, nil when the tunnel is consistent
}

func (c *checkTunnelCmd) needs() needs {
	return needs{timeout: tunnelCheckTimeout, plan: "check-tunnel"}
}

// prepare reads the egress addresses and the kernel's tunnel (no packets,
// and on OpenBSD no child process: an ioctl) and judges them.
func (c *checkTunnelCmd) prepare(ctx context.Context, a *app) (err error) {
	if c.t, err = a.tunnel(c.Tunnel); err != nil {
		return err
	}
	remote := c.t.Remote
	if !remote.IsValid() {
		addrs, err := readTunnelAddrs(a.conf, c.t)
		if err != nil {
			return err
		}
		remote = addrs.remote
	}
	addrs, err := bsd.IPv4Addrs(c.t.Egress)
	if err == nil && len(addrs) > 0 {
		c.src, c.dst, err = bsd.TunnelEndpoints(ctx, c.t.Name, a.conf.Ifconfig)
	}
	c.why = cmp.Or(err, bsd.Consistent(c.t.Name, c.t.Egress, addrs, c.src, c.dst, remote))
	return nil
}

func (c *checkTunnelCmd) work(ctx context.Context, a *app) error {
	if c.why != nil {
		return a.answer("tunnel "+c.t.Name, false, c.why.Error(), c.why.Error())
	}
	detail := fmt.Sprintf("%s --> %s", c.src, c.dst)
	return a.answer("tunnel "+c.t.Name, true, detail, c.t.Name+": "+detail)
}
