package main

import (
	"cmp"
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

// tunnelAddrs are a tunnel's addresses: the configuration's, else hostname.IF's.
type tunnelAddrs struct {
	inner, peer netip.Addr // inet6 ADDR peer ADDR
	remote      netip.Addr // the broker's end
	source      netip.Addr // hostname.IF's tunnel source: the configuration has none
}

// readTunnelAddrs fills in from hostname.IF what the configuration leaves
// out. A missing file gives nothing; one that cannot be read is an error.
func readTunnelAddrs(c *config.Config, t *config.Tunnel) (tunnelAddrs, error) {
	data, err := bsd.ReadFile(t.HostnameFile(c), bsd.MaxSmallFile)
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	// The tunnel block sets inet6 and peer together, or neither.
	f := hostnameif.Parse(data)
	inner, peer, _ := f.Inet6(t.Name)
	src, dst, _ := f.Tunnel(t.Name)
	return tunnelAddrs{inner: cmp.Or(t.Inet6, inner), peer: cmp.Or(t.Peer, peer),
		remote: cmp.Or(t.Remote, dst), source: src}, err
}

// sourceAddr is the egress address restart chooses (bsd.ChooseSource): the
// kernel's tunnel source, else hostname.IF's, while the egress has it.
func sourceAddr(ctx context.Context, c *config.Config, t *config.Tunnel, addrs tunnelAddrs) (netip.Addr, error) {
	egress, err := bsd.IPv4Addrs(t.Egress)
	if err != nil {
		return netip.Addr{}, err
	}
	kernel, _, _ := bsd.TunnelEndpoints(ctx, t.Name, c.Ifconfig)
	src, _, err := bsd.ChooseSource(t.Egress, egress, kernel, addrs.source)
	return src, err
}

// errNoInner is the error of a tunnel whose inner address neither
// gifctl.conf nor hostname.IF gives. It names the lines netstart reads
// otherwise than they read, such as an inet6 line written for ifconfig(8).
func errNoInner(c *config.Config, t *config.Tunnel) error {
	path := t.HostnameFile(c)
	msg := fmt.Sprintf("%s: inner address unknown: add inet6 ADDR peer ADDR to the tunnel block or to %s", t.Name, path)
	data, _ := bsd.ReadFile(path, bsd.MaxSmallFile) // unreadable: no lines to name
	for _, d := range hostnameif.Parse(data).Divergences(t.Name) {
		msg += "; " + path + ": " + d.String()
	}
	return usageError(errors.New(msg))
}

// hostnameWritable says why restart could not write a missing hostname.IF
// from the tunnel block (hostnameif.Render); nil if it exists or could.
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
