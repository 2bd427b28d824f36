package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/probe"
)

// pingArgs are check ipv4's and ipv6's arguments, and what prepare leaves work.
type pingArgs struct {
	Timeout duration `placeholder:"DURATION" help:"Wait this long for a reply (default: the check block's timeout, or 1s)."`
	Targets []string `arg:"" optional:"" name:"TARGET" help:"Addresses to ping, all at once (default: the check block's targets)."`

	family  probe.Family
	targets []netip.Addr
	timeout time.Duration
	prober  *probe.Prober
	gone    error // the source address is gone: the answer is no
}

// checkIPv4Cmd is `gifctl check ipv4 [TARGET...]`.
type checkIPv4Cmd struct{ pingArgs }

// checkIPv6Cmd is `gifctl check ipv6 [--tunnel IF] [TARGET...]`.
type checkIPv6Cmd struct {
	Tunnel string `placeholder:"IF" help:"Send from this tunnel's inner address (default: the first tunnel's)."`
	pingArgs
}

func (c *checkIPv4Cmd) needs() needs { return needs{plan: "check-ipv4"} }
func (c *checkIPv6Cmd) needs() needs { return needs{plan: "check-ipv6"} }

func (c *checkIPv4Cmd) prepare(ctx context.Context, a *app) error {
	return c.open(a.conf.IPv4, probe.IPv4, netip.Addr{})
}

// prepare binds the probes to the tunnel's inner address: from any address
// they could leave by native IPv6 and answer true for a dead tunnel.
func (c *checkIPv6Cmd) prepare(ctx context.Context, a *app) error {
	t, err := a.tunnel(cmp.Or(c.Tunnel, a.conf.Tunnels[0].Name))
	if err != nil {
		return err
	}
	addrs, err := readTunnelAddrs(a.conf, t)
	if err != nil {
		return err
	}
	if !addrs.inner.IsValid() {
		return errNoInner(a.conf, t)
	}
	return c.open(a.conf.IPv6, probe.IPv6, addrs.inner)
}

// open takes the targets and timeout, the command line's else the check
// block's, and opens the raw socket: pledge forbids opening it later.
func (p *pingArgs) open(block *config.Check, family probe.Family, source netip.Addr) (err error) {
	block = cmp.Or(block, &config.Check{Timeout: config.DefaultCheckTimeout}) // none in gifctl.conf
	p.family, p.timeout = family, cmp.Or(time.Duration(p.Timeout), block.Timeout)
	for _, s := range p.Targets {
		addr, err := config.ParseAddr(family.String(), s, family == probe.IPv4) // gifctl.conf's rule
		if err != nil {
			return usageError(err)
		}
		p.targets = append(p.targets, addr)
	}
	if len(p.Targets) == 0 {
		p.targets = block.Targets
	}
	if len(p.targets) == 0 {
		return usageError(fmt.Errorf("%s: no targets: name some, or add a check %s block to gifctl.conf", family, family))
	}
	p.prober, err = probe.Open(family, source)
	if errors.Is(err, probe.ErrNoSource) {
		p.gone, err = err, nil // the inner address is gone: the tunnel is down
	}
	return usageError(err) // probe's errors name the family
}

// work answers whether any target replies.
func (p *pingArgs) work(ctx context.Context, a *app) error {
	name := p.family.String()
	if p.gone != nil {
		return a.answer(name, false, p.gone.Error(), p.gone.Error())
	}
	defer p.prober.Close()
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	reply, err := p.prober.Any(ctx, p.targets)
	switch {
	case errors.Is(err, probe.ErrNoReply):
		return a.answer(name, false, "no reply", name+": "+err.Error())
	case err != nil:
		return usageError(err)
	}
	detail := "reply from " + reply.From.String()
	rtt := reply.RTT.Round(time.Microsecond)
	return a.answer(name, true, detail, fmt.Sprintf("%s: %s in %s", name, detail, rtt))
}
