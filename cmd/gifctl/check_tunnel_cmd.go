package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/checklog"
)

// tunnelCheckTimeout bounds check tunnel; on OpenBSD it does no I/O that
// could block, elsewhere it runs the configured ifconfig.
const tunnelCheckTimeout = 3 * time.Second

// checkTunnelCmd is `gifctl check tunnel [IF]`.
type checkTunnelCmd struct {
	Tunnel string `arg:"" optional:"" name:"IF" help:"The tunnel to check; needed only when the configuration has several."`
}

// Run answers whether the kernel's tunnel matches the egress address and
// the remote: no packets, and on OpenBSD no child process (an ioctl).
func (c *checkTunnelCmd) Run(a *app) error {
	conf, t, err := a.tunnel(c.Tunnel)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), tunnelCheckTimeout)
	defer cancel()
	addrs, addrErr := bsd.IPv4Addrs(t.Egress)
	src, dst, tunErr := bsd.TunnelEndpoints(ctx, t.Name, conf.Ifconfig)
	remote := t.Remote
	if !remote.IsValid() {
		remote = hostnameDestination(conf.HostnameDir, t.Name)
	}
	if err := a.sandbox("check-tunnel"); err != nil {
		return err
	}
	var why string
	switch {
	case addrErr != nil:
		why = addrErr.Error()
	case len(addrs) == 0:
		why = fmt.Sprintf("%s: no IPv4 address", t.Egress)
	case tunErr != nil:
		why = tunErr.Error()
	case !containsAddr(addrs, src):
		why = fmt.Sprintf("%s: tunnel source %s is not %s's address (%s)", t.Name, src, t.Egress, joinAddrList(addrs))
	case remote.IsValid() && dst != remote:
		why = fmt.Sprintf("%s: tunnel destination %s is not the remote %s", t.Name, dst, remote)
	}
	ok := why == ""
	detail := why
	if ok {
		detail = fmt.Sprintf("%s --> %s", src, dst)
	}
	if a.cli.NoAction {
		// -n: answer, but change nothing, not even the record.
	} else if err := checklog.Record(conf.StateDir, checklog.Result{Check: "tunnel " + t.Name, OK: ok, Detail: detail, Since: a.now()}); err != nil {
		a.log.Debugf("not recorded: %v", err)
	}
	if !ok {
		a.log.Debugf("%s", why)
		return checkFalse
	}
	a.log.Debugf("%s: %s", t.Name, detail)
	return nil
}

// Help is the long help of gifctl check tunnel --help.
func (c *checkTunnelCmd) Help() string {
	return `True (exit 0) when the gif's tunnel source is one of the egress
interface's IPv4 addresses and its destination is the remote (from the
tunnel block, or hostname.IF); false (exit 1) otherwise, saying which
with -v. It sends no packet and, on OpenBSD, starts no process: cheap
enough for ifstated to run every 5 seconds, so that an address change
is repaired without waiting for pings to fail.

Example:
  gifctl -v check tunnel gif0`
}
