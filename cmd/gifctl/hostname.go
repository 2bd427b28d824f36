package main

import (
	"net/netip"
	"os"
	"path/filepath"

	"github.com/gifctl/gifctl/hostnameif"
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
