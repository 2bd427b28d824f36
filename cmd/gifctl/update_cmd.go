package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gifctl/gifctl/bsd"
)

// UpdateCmd is `gifctl update [--force] [IF]`: the broker update alone.
type UpdateCmd struct {
	Force   bool          `help:"Send the address even if the broker already accepted it. An abuse back-off still holds: the broker would refuse anyway."`
	Timeout time.Duration `default:"30s" help:"Give up after this long."`
	Tunnel  string        `arg:"" optional:"" name:"IF" help:"The tunnel whose broker to update; needed only when the configuration has several."`
}

// Help is the long help of gifctl update --help.
func (u *UpdateCmd) Help() string {
	return `Tell the tunnel's broker the egress interface's IPv4 address, over HTTPS,
with the user name and key from update-url. The broker is asked only when
the address differs from the one it last accepted, and not while a back-off
after "abuse" or repeated failures lasts; gifctl says until when.

Examples:
  gifctl update gif0
  gifctl update --force gif0`
}

// Run updates the broker.
func (u *UpdateCmd) Run(a *app) error {
	c, t, err := a.tunnel(u.Tunnel)
	if err != nil {
		return err
	}
	if t.UpdateURL == nil {
		return usageError(fmt.Errorf("%s: no update-url in %s", t.Name, c.File))
	}
	ctx, cancel := context.WithTimeout(context.Background(), u.Timeout)
	defer cancel()
	if !a.cli.NoAction {
		if err := a.requireRoot(); err != nil {
			return err
		}
		if err := a.takeLock(ctx); err != nil {
			return err
		}
	}
	// The address the tunnel uses, by restart's rule: keep hostname.IF's
	// source while the egress interface still has it.
	current := hostnameSource(c.HostnameDir, t.Name)
	addrs, err := bsd.IPv4Addrs(t.Egress)
	if err != nil {
		return err
	}
	addr, _, err := bsd.ChooseSource(t.Egress, addrs, current)
	if err != nil {
		return err
	}
	b := a.broker(t)
	b.force = u.Force
	if err := a.sandbox("update"); err != nil {
		return err
	}
	if a.cli.NoAction {
		send, why, err := b.Pending(addr)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "send %s: %t: %s\n", addr, send, why)
		return nil
	}
	return b.Update(ctx, addr)
}
