package main

import (
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

// tunnelAddrs is the tunnel's inner address, peer and remote: the
// configuration's, else hostname.IF's.
func tunnelAddrs(c *config.Config, t *config.Tunnel) (inner, peer, remote netip.Addr) {
	inner, peer, remote = t.Inet6, t.Peer, t.Remote
	data, err := os.ReadFile(hostnamePath(c, t))
	if err != nil {
		return inner, peer, remote
	}
	f := hostnameif.Parse(data)
	if !inner.IsValid() || !peer.IsValid() {
		inner, peer, _ = f.Inet6()
	}
	if !remote.IsValid() {
		_, remote, _ = f.Tunnel()
	}
	return inner, peer, remote
}

func hostnamePath(c *config.Config, t *config.Tunnel) string {
	return filepath.Join(c.HostnameDir, "hostname."+t.Name)
}
