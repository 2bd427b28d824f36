package gifsim

import (
	"errors"
	"net/netip"

	"github.com/gifctl/gifctl/internal/sim/ugif"
)

// errNoSuchInterface is what host.Interface returns for a name the system
// does not have; ifconfig prints "IF: no such interface" for it.
var errNoSuchInterface = errors.New("no such interface")

// host is what the ifconfig and netstart stand-ins read and change: the
// narrow seam between OpenBSD's command language and Linux. linuxHost does
// it with ip(8), interface ioctls and the ugif control sockets; the tests
// use a fake.
type host interface {
	Interfaces() ([]ifInfo, error)
	Interface(name string) (ifInfo, error) // errNoSuchInterface if absent
	Create(name string) error              // a gif: start its daemon
	SetUp(name string, up bool) error
	SetMTU(name string, mtu int) error
	SetTunnel(name string, ep ugif.Endpoints) error // unset ep: -tunnel
	SetDescription(name, text string) error
	AddInet(name string, addr netip.Prefix, peer netip.Addr) error
	AddInet6(name string, addr netip.Prefix, peer netip.Addr) error
	// Autoconf asks for an IPv4 lease on name, as `ifconfig IF inet
	// autoconf` does: dhcpleased(8) (here gifsim dhcpleased) gets one in
	// the background and sets address and default route.
	Autoconf(name string) error
	// Route changes the default route of addr's family: add, change or
	// delete, as route(8) does; gw is unused for delete.
	Route(op string, gw netip.Addr, inet6 bool) error
}

// ifInfo is one interface as ifconfig shows it, gathered from the system.
type ifInfo struct {
	Name        string
	Index       int
	Flags       []string // Linux's names: UP, LOWER_UP, POINTOPOINT, ...
	MTU         int
	LinkType    string // Linux's: ether, none, loopback
	LLAddr      string
	Description string
	Egress      bool         // it carries a default route (OpenBSD's egress group)
	Gif         *ugif.Status // set for a userspace gif
	Addrs       []ifAddr
}

// ifAddr is one address of an interface.
type ifAddr struct {
	Prefix    netip.Prefix // the local address and its prefix length
	Peer      netip.Addr   // the other end on a point-to-point link
	Broadcast netip.Addr
}

// isGifName reports whether name is a gif(4) interface name: the ones
// ifconfig can create here.
func isGifName(name string) bool {
	if len(name) < 4 || name[:3] != "gif" {
		return false
	}
	for _, c := range name[3:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
