package main

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/probe"
)

// pingArgs are the arguments of check ipv4 and check ipv6, and what
// prepare leaves for work.
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
type checkIPv4Cmd struct {
	pingArgs
}

// checkIPv6Cmd is `gifctl check ipv6 [--tunnel IF] [TARGET...]`.
type checkIPv6Cmd struct {
	Tunnel string `placeholder:"IF" help:"Send from this tunnel's inner address (default: the first tunnel's)."`
	pingArgs
}

func (c *checkIPv4Cmd) needs() needs { return needs{config: true, plan: "check-ipv4"} }
func (c *checkIPv6Cmd) needs() needs { return needs{config: true, plan: "check-ipv6"} }

func (c *checkIPv4Cmd) prepare(ctx context.Context, a *app) error {
	return c.open(a, probe.IPv4, a.conf.IPv4, netip.Addr{})
}

// prepare opens the probe socket on the tunnel's inner address: probes
// leave from it, so native IPv6 on another interface cannot hide a dead
// tunnel.
func (c *checkIPv6Cmd) prepare(ctx context.Context, a *app) error {
	t := a.conf.Tunnels[0]
	if c.Tunnel != "" {
		var err error
		if t, err = a.tunnel(c.Tunnel); err != nil {
			return err
		}
	}
	addrs, err := readTunnelAddrs(a.conf, t)
	if err != nil {
		return err
	}
	if !addrs.inner.IsValid() {
		// Probes from any address could go out by native IPv6 and
		// answer true for a dead tunnel.
		return errNoInner(a.conf, t)
	}
	return c.open(a, probe.IPv6, a.conf.IPv6, addrs.inner)
}

// open takes the targets and opens the raw socket: pledge forbids opening
// it later.
func (p *pingArgs) open(a *app, family probe.Family, block *config.Check, source netip.Addr) error {
	var err error
	p.family = family
	if p.targets, p.timeout, err = p.resolve(family, block); err != nil {
		return err
	}
	p.prober, err = probe.Open(family, source)
	if errors.Is(err, probe.ErrNoSource) {
		// The tunnel's inner address is gone: the tunnel is down.
		p.gone = err
		return nil
	}
	if err != nil {
		return usageError(err) // probe's errors name the family
	}
	return nil
}

// work answers whether any target replies.
func (p *pingArgs) work(ctx context.Context, a *app) error {
	name := p.family.String()
	if p.gone != nil {
		a.log.Debugf("%v", p.gone)
		a.record(name, false, p.gone.Error())
		return checkFalse
	}
	defer p.prober.Close()
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	reply, err := p.prober.Any(ctx, p.targets)
	switch {
	case errors.Is(err, probe.ErrNoReply):
		a.log.Debugf("%s: %v", name, err)
		a.record(name, false, "no reply")
		return checkFalse
	case err != nil:
		return usageError(err)
	}
	a.log.Debugf("%s: reply from %s in %s", name, reply.From, reply.RTT.Round(time.Microsecond))
	a.record(name, true, "reply from "+reply.From.String())
	return nil
}

// resolve picks the targets and timeout: the command line's, else the
// check block's. No targets at all is a usage error.
func (p *pingArgs) resolve(family probe.Family, block *config.Check) ([]netip.Addr, time.Duration, error) {
	timeout := config.DefaultCheckTimeout
	var targets []netip.Addr
	if block != nil {
		timeout, targets = block.Timeout, block.Targets
	}
	if p.Timeout > 0 {
		timeout = time.Duration(p.Timeout)
	}
	if len(p.Targets) > 0 {
		targets = nil
		for _, s := range p.Targets {
			// The rule of gifctl.conf's targets.
			addr, err := config.ParseAddr(family.String(), s, family == probe.IPv4)
			if err != nil {
				return nil, 0, usageError(err)
			}
			targets = append(targets, addr)
		}
	}
	if len(targets) == 0 {
		return nil, 0, usageError(fmt.Errorf("%s: no targets: name some, or add a check %s block to %s", family, family, "gifctl.conf"))
	}
	return targets, timeout, nil
}

// Help is the long help of gifctl check ipv4 --help.
func (c *checkIPv4Cmd) Help() string {
	return `Send an ICMP echo request to every target at once, again every 200 ms,
and answer true (exit 0) at the first valid reply, false (exit 1) when
none came within the timeout. Without targets on the command line, the
check ipv4 block's are used.

Examples:
  gifctl check ipv4
  gifctl check ipv4 --timeout 2s 8.8.8.8 1.1.1.1`
}

// Help is the long help of gifctl check ipv6 --help.
func (c *checkIPv6Cmd) Help() string {
	return `As check ipv4, over ICMPv6, sent from the tunnel's inner address: native
IPv6 on another interface cannot hide a dead tunnel. The inner address is
the tunnel block's inet6, else hostname.IF's; when neither gives one, the
exit status is 2. When it is on no interface (the tunnel is down), the
answer is false at once.

Examples:
  gifctl check ipv6
  gifctl check ipv6 --tunnel gif1 2001:4860:4860::8888`
}
