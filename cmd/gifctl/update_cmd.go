package main

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/gifctl/gifctl/internal/broker"
)

// UpdateCmd is `gifctl update [--force] [IF]`: the broker update alone.
type UpdateCmd struct {
	Force   bool     `help:"Send the address even if the broker already accepted it (not during an abuse back-off)."`
	Timeout duration `default:"30s" placeholder:"DURATION" help:"Give up after this long (${default})."`
	Tunnel  string   `arg:"" optional:"" name:"IF" help:"The tunnel whose broker to update; needed only when there are several."`

	addr   netip.Addr
	broker *broker.Updater
}

func (u *UpdateCmd) needs() needs {
	return needs{root: true, lock: true, timeout: time.Duration(u.Timeout), plan: "update"}
}

// prepare picks the address the tunnel uses.
func (u *UpdateCmd) prepare(ctx context.Context, a *app) error {
	t, err := a.tunnel(u.Tunnel)
	if err != nil {
		return err
	}
	if u.broker = broker.For(a.conf, t, a.log); u.broker == nil {
		return usageError(fmt.Errorf("%s: no update-url in %s", t.Name, a.conf.File))
	}
	u.broker.Force = u.Force
	addrs, err := readTunnelAddrs(a.conf, t)
	if err != nil {
		return err
	}
	u.addr, err = sourceAddr(ctx, a.conf, t, addrs)
	return err
}

// work tells the broker, or with -n says whether it would.
func (u *UpdateCmd) work(ctx context.Context, a *app) error {
	if !a.cli.NoAction {
		return u.broker.Update(ctx, u.addr)
	}
	send, why, err := u.broker.Pending(u.addr)
	if err == nil {
		_, err = fmt.Fprintf(a.stdout, "send %s: %t: %s\n", u.addr, send, why)
	}
	return err
}
