package main

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/gifctl/gifctl/internal/checklog"
	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/probe"
)

// pingArgs are the arguments of check ipv4 and check ipv6.
type pingArgs struct {
	Timeout time.Duration `help:"Wait this long for a reply (default: the check block's timeout, or 1s)."`
	Targets []string      `arg:"" optional:"" name:"TARGET" help:"Addresses to ping, all at once (default: the check block's targets)."`
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

// Run answers whether any IPv4 target replies.
func (c *checkIPv4Cmd) Run(a *app) error {
	conf, err := a.loadConfig()
	if err != nil {
		return err
	}
	return c.ping(a, probe.IPv4, conf.IPv4, netip.Addr{})
}

// Run answers whether any IPv6 target replies through the tunnel: probes
// leave from its inner address, so native IPv6 on another interface cannot
// hide a dead tunnel.
func (c *checkIPv6Cmd) Run(a *app) error {
	conf, err := a.loadConfig()
	if err != nil {
		return err
	}
	var t *config.Tunnel
	if c.Tunnel != "" {
		if t, err = conf.Tunnel(c.Tunnel); err != nil {
			return usageError(err)
		}
	} else {
		t = conf.Tunnels[0]
	}
	inner := readTunnelAddrs(conf, t).inner
	if !inner.IsValid() {
		// Probes from any address could go out by native IPv6 and
		// answer true for a dead tunnel.
		return errNoInner(conf, t)
	}
	return c.ping(a, probe.IPv6, conf.IPv6, inner)
}

func (p *pingArgs) ping(a *app, family probe.Family, block *config.Check, source netip.Addr) error {
	targets, timeout, err := p.resolve(family, block)
	if err != nil {
		return err
	}
	name := family.String()
	record := func(ok bool, detail string) {
		if a.cli.NoAction {
			return
		}
		r := checklog.Result{Check: name, OK: ok, Detail: detail, Since: a.now()}
		if err := checklog.Record(a.conf.StateDir, r); err != nil {
			a.log.Debugf("not recorded: %v", err)
		}
	}
	// The raw socket first: pledge forbids opening it later.
	prober, err := probe.Open(family, source)
	if errors.Is(err, probe.ErrNoSource) {
		// The tunnel's inner address is gone: the tunnel is down.
		a.log.Debugf("%s: %v", name, err)
		record(false, err.Error())
		return checkFalse
	}
	if err != nil {
		return usageError(fmt.Errorf("%s: %w", name, err))
	}
	defer prober.Close()
	if err := a.sandbox("check-" + name); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	reply, err := prober.Any(ctx, targets)
	switch {
	case errors.Is(err, probe.ErrNoReply):
		a.log.Debugf("%s: %v", name, err)
		record(false, "no reply")
		return checkFalse
	case err != nil:
		return usageError(fmt.Errorf("%s: %w", name, err))
	}
	a.log.Debugf("%s: reply from %s in %s", name, reply.From, reply.RTT.Round(time.Microsecond))
	record(true, "reply from "+reply.From.String())
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
		timeout = p.Timeout
	}
	if len(p.Targets) > 0 {
		targets = nil
		for _, s := range p.Targets {
			addr, err := netip.ParseAddr(s)
			if err != nil || (family == probe.IPv4) != addr.Is4() || addr.Zone() != "" {
				return nil, 0, usageError(fmt.Errorf("%s: not an %s address: %q", family, family, s))
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
IPv6 on another interface cannot hide a dead tunnel. When the inner
address is not configured (the tunnel is down) the answer is false.

Examples:
  gifctl check ipv6
  gifctl check ipv6 --tunnel gif1 2001:4860:4860::8888`
}
