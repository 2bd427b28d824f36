package main

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/gifctl/gifctl/hostnameif"
	"github.com/gifctl/gifctl/internal/config"
)

// hostnameSource is the tunnel source in hostname.IF, or the zero Addr.
func hostnameSource(dir, ifname string) netip.Addr {
	src, _ := hostnameTunnel(dir, ifname)
	return src
}

// hostnameDestination is the tunnel destination in hostname.IF, or the
// zero Addr: the remote when the configuration does not name one.
func hostnameDestination(dir, ifname string) netip.Addr {
	_, dst := hostnameTunnel(dir, ifname)
	return dst
}

func hostnameTunnel(dir, ifname string) (src, dst netip.Addr) {
	data, err := os.ReadFile(filepath.Join(dir, "hostname."+ifname))
	if err != nil {
		return src, dst
	}
	src, dst, _ = hostnameif.Parse(data).Tunnel()
	return src, dst
}

// tunnelAddrs is what a tunnel's addresses are: the configuration's,
// else hostname.IF's, read once.
type tunnelAddrs struct {
	inner, peer netip.Addr // inet6 ADDR peer ADDR
	remote      netip.Addr // the broker's end
	source      netip.Addr // hostname.IF's tunnel source: the configuration has none
}

func readTunnelAddrs(c *config.Config, t *config.Tunnel) tunnelAddrs {
	a := tunnelAddrs{inner: t.Inet6, peer: t.Peer, remote: t.Remote}
	data, err := os.ReadFile(hostnamePath(c, t))
	if err != nil {
		return a
	}
	f := hostnameif.Parse(data)
	if !a.inner.IsValid() || !a.peer.IsValid() {
		a.inner, a.peer, _ = f.Inet6()
	}
	src, dst, _ := f.Tunnel()
	a.source = src
	if !a.remote.IsValid() {
		a.remote = dst
	}
	return a
}

// errNoInner is the configuration error of a tunnel whose inner address
// neither gifctl.conf nor hostname.IF gives.
func errNoInner(c *config.Config, t *config.Tunnel) error {
	return usageError(fmt.Errorf("%s: inner address unknown: add inet6 ADDR peer ADDR to the tunnel block or to %s", t.Name, hostnamePath(c, t)))
}

func hostnamePath(c *config.Config, t *config.Tunnel) string {
	return filepath.Join(c.HostnameDir, "hostname."+t.Name)
}
