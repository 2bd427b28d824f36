package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/hostnameif"
	"github.com/gifctl/gifctl/internal/config"
)

// tunnelAddrs are a tunnel's addresses: the configuration's, else
// hostname.IF's.
type tunnelAddrs struct {
	inner, peer netip.Addr // inet6 ADDR peer ADDR
	remote      netip.Addr // the broker's end
	source      netip.Addr // hostname.IF's tunnel source: the configuration has none
}

// readTunnelAddrs fills in what the configuration leaves out from
// hostname.IF. A missing file gives nothing; one that cannot be read is an
// error that says so.
func readTunnelAddrs(c *config.Config, t *config.Tunnel) (tunnelAddrs, error) {
	a := tunnelAddrs{inner: t.Inet6, peer: t.Peer, remote: t.Remote}
	data, err := bsd.ReadFile(t.HostnameFile(c), bsd.MaxSmallFile)
	if errors.Is(err, fs.ErrNotExist) {
		return a, nil
	}
	if err != nil {
		return a, err
	}
	f := hostnameif.Parse(data)
	if !a.inner.IsValid() || !a.peer.IsValid() {
		a.inner, a.peer, _ = f.Inet6(t.Name)
	}
	src, dst, _ := f.Tunnel(t.Name)
	a.source = src
	if !a.remote.IsValid() {
		a.remote = dst
	}
	return a, nil
}

// errNoInner is the configuration error of a tunnel whose inner address
// neither gifctl.conf nor hostname.IF gives. It names the lines of
// hostname.IF that netstart reads otherwise than they read: an inet6 line
// written as for ifconfig(8) is one.
func errNoInner(c *config.Config, t *config.Tunnel) error {
	path := t.HostnameFile(c)
	msg := fmt.Sprintf("%s: inner address unknown: add inet6 ADDR peer ADDR to the tunnel block or to %s", t.Name, path)
	if data, err := bsd.ReadFile(path, bsd.MaxSmallFile); err == nil {
		for _, d := range hostnameif.Parse(data).Divergences(t.Name) {
			msg += "; " + path + ": " + d.String()
		}
	}
	return usageError(errors.New(msg))
}
