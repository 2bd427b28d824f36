package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"

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

// sourceAddr is the egress address the tunnel uses, by restart's rule
// (bsd.ChooseSource): the kernel's tunnel source, else hostname.IF's,
// while the egress interface still has it.
func sourceAddr(ctx context.Context, c *config.Config, t *config.Tunnel, addrs tunnelAddrs) (netip.Addr, error) {
	egress, err := bsd.IPv4Addrs(t.Egress)
	if err != nil {
		return netip.Addr{}, err
	}
	kernel, _, _ := bsd.TunnelEndpoints(ctx, t.Name, c.Ifconfig)
	src, _, err := bsd.ChooseSource(t.Egress, egress, kernel, addrs.source)
	return src, err
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

// hostnameWritable says why a restart could not write a missing
// hostname.IF from the tunnel block, as restart would (hostnameif.Render);
// nil when the file exists or can be written.
func hostnameWritable(c *config.Config, t *config.Tunnel) error {
	if _, err := os.Stat(t.HostnameFile(c)); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	// Any source will do: it is the tunnel block that is checked.
	spec := hostnameif.Spec{Source: netip.MustParseAddr("192.0.2.1"), Remote: t.Remote, Inet6: t.Inet6, Peer: t.Peer, MTU: t.MTU}
	if _, err := hostnameif.Render(spec); err != nil {
		return fmt.Errorf("%s is missing and tunnel %s cannot write it: %w", t.HostnameFile(c), t.Name, err)
	}
	return nil
}
