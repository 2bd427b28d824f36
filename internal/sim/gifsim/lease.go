package gifsim

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
)

// A lease is what the simulated ISP's DHCP server has for an interface: a
// file CTL/IF.lease holding "ADDRESS/BITS GATEWAY", written by the
// simulation (the ISP side) and read by gifsim dhcpleased (the router
// side). No file, or an empty one, means the ISP offers nothing.
type lease struct {
	Prefix  netip.Prefix
	Gateway netip.Addr
}

func (l lease) valid() bool { return l.Prefix.IsValid() }

func (l lease) String() string {
	if !l.valid() {
		return "none"
	}
	return l.Prefix.String() + " via " + l.Gateway.String()
}

// LeasePath is the lease file of ifname in control directory ctl.
func LeasePath(ctl, ifname string) string { return filepath.Join(ctl, ifname+".lease") }

// WriteLease offers p with gateway gw to ifname; an invalid p withdraws
// the offer. The file is replaced whole, so a reader never sees half.
func WriteLease(ctl, ifname string, p netip.Prefix, gw netip.Addr) error {
	text := ""
	if p.IsValid() {
		if !p.Addr().Is4() || !gw.Is4() {
			return fmt.Errorf("lease %s via %s: not IPv4", p, gw)
		}
		text = p.String() + " " + gw.String() + "\n"
	}
	path := LeasePath(ctl, ifname)
	tmp := path + ".new"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// readLease reads ifname's lease; no file is no lease.
func readLease(ctl, ifname string) (lease, error) {
	path := LeasePath(ctl, ifname)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return lease{}, nil
	}
	if err != nil {
		return lease{}, err
	}
	return parseLease(path, string(data))
}

func parseLease(name, text string) (lease, error) {
	f := strings.Fields(text)
	if len(f) == 0 {
		return lease{}, nil
	}
	if len(f) != 2 {
		return lease{}, fmt.Errorf("%s: want ADDRESS/BITS GATEWAY", name)
	}
	p, err1 := netip.ParsePrefix(f[0])
	gw, err2 := netip.ParseAddr(f[1])
	if err1 != nil || err2 != nil || !p.Addr().Is4() || !gw.Is4() {
		return lease{}, fmt.Errorf("%s: %q: want ADDRESS/BITS GATEWAY, IPv4", name, strings.TrimSpace(text))
	}
	return lease{p, gw}, nil
}
