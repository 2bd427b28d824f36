package main

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/broker"
)

// UpdateCmd is `gifctl update [--force] [IF]`: the broker update alone.
type UpdateCmd struct {
	Force   bool     `help:"Send the address even if the broker already accepted it. An abuse back-off still holds: the broker would refuse anyway."`
	Timeout duration `default:"30s" placeholder:"DURATION" help:"Give up after this long (${default})."`
	Tunnel  string   `arg:"" optional:"" name:"IF" help:"The tunnel whose broker to update; needed only when the configuration has several."`

	addr   netip.Addr
	broker *broker.Updater
}

// Help is the long help of gifctl update --help.
func (u *UpdateCmd) Help() string {
	return `Tell the tunnel's broker the egress interface's IPv4 address, over HTTPS,
with the user name and key from update-url. The broker is asked only when
the address differs from the one it last accepted, and not while a back-off
after "abuse" or repeated failures lasts; gifctl says until when. A back-off
after an answer meaning wrong settings (badauth, nohost, ...) ends when the
update-url changes.

Examples:
  gifctl update gif0
  gifctl update --force gif0`
}

func (u *UpdateCmd) needs() needs {
	return needs{config: true, root: true, lock: true, timeout: time.Duration(u.Timeout), plan: "update"}
}

// prepare picks the address the tunnel uses, by restart's rule: the
// kernel's tunnel source, else hostname.IF's, while the egress interface
// still has it.
func (u *UpdateCmd) prepare(ctx context.Context, a *app) error {
	t, err := a.tunnel(u.Tunnel)
	if err != nil {
		return err
	}
	if t.UpdateURL == nil {
		return usageError(fmt.Errorf("%s: no update-url in %s", t.Name, a.conf.File))
	}
	addrs, err := readTunnelAddrs(a.conf, t)
	if err != nil {
		return err
	}
	egress, err := bsd.IPv4Addrs(t.Egress)
	if err != nil {
		return err
	}
	kernel, _, _ := bsd.TunnelEndpoints(ctx, t.Name, a.conf.Ifconfig)
	if u.addr, _, err = bsd.ChooseSource(t.Egress, egress, kernel, addrs.source); err != nil {
		return err
	}
	u.broker = broker.For(a.conf, t, a.log)
	u.broker.Force = u.Force
	return nil
}

// work tells the broker, or with -n says whether it would.
func (u *UpdateCmd) work(ctx context.Context, a *app) error {
	if a.cli.NoAction {
		send, why, err := u.broker.Pending(u.addr)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "send %s: %t: %s\n", u.addr, send, why)
		return nil
	}
	return u.broker.Update(ctx, u.addr)
}
