package gifsim

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gifctl/gifctl/internal/sim/ugif"
)

// fakeHost records what the stand-ins ask of the system, and keeps enough
// state to print it back.
type fakeHost struct {
	ifs   map[string]*ifInfo
	calls []string
}

func newFakeHost() *fakeHost {
	return &fakeHost{ifs: map[string]*ifInfo{
		"em0": {
			Name: "em0", Index: 2, Flags: []string{"BROADCAST", "MULTICAST", "UP", "LOWER_UP"},
			MTU: 1500, LinkType: "ether", LLAddr: "0e:7e:10:ed:fa:ab", Egress: true,
			Addrs: []ifAddr{{Prefix: netip.MustParsePrefix("198.18.1.2/24")}},
		},
	}}
}

func (f *fakeHost) record(format string, a ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, a...))
}

func (f *fakeHost) Interfaces() ([]ifInfo, error) {
	var all []ifInfo
	for _, name := range []string{"em0", "gif0"} {
		if i, ok := f.ifs[name]; ok {
			all = append(all, *i)
		}
	}
	return all, nil
}

func (f *fakeHost) Interface(name string) (ifInfo, error) {
	i, ok := f.ifs[name]
	if !ok {
		return ifInfo{}, errNoSuchInterface
	}
	return *i, nil
}

func (f *fakeHost) Create(name string) error {
	f.record("create %s", name)
	f.ifs[name] = &ifInfo{Name: name, Index: 5, Flags: []string{"POINTOPOINT", "MULTICAST", "NOARP"},
		MTU: 1280, LinkType: "none", Gif: &ugif.Status{Name: name}}
	return nil
}

func (f *fakeHost) get(name string) *ifInfo {
	if i, ok := f.ifs[name]; ok {
		return i
	}
	return &ifInfo{}
}

func (f *fakeHost) SetUp(name string, up bool) error {
	f.record("up %s %v", name, up)
	i := f.get(name)
	if up && !strings.Contains(strings.Join(i.Flags, ","), "UP") {
		i.Flags = append(i.Flags, "UP", "LOWER_UP")
	}
	return nil
}

func (f *fakeHost) SetMTU(name string, mtu int) error {
	f.record("mtu %s %d", name, mtu)
	if mtu < ugif.MinMTU {
		return fmt.Errorf("invalid argument")
	}
	f.get(name).MTU = mtu
	return nil
}

func (f *fakeHost) SetTunnel(name string, ep ugif.Endpoints) error {
	f.record("tunnel %s %s", name, ep)
	i := f.get(name)
	if i.Gif == nil {
		return fmt.Errorf("inappropriate ioctl for device")
	}
	i.Gif.Endpoints = ep
	return nil
}

func (f *fakeHost) SetDescription(name, text string) error {
	f.record("descr %s %q", name, text)
	f.get(name).Description = text
	return nil
}

func (f *fakeHost) AddInet(name string, p netip.Prefix, peer netip.Addr) error {
	f.record("inet %s %s peer %v", name, p, peer)
	i := f.get(name)
	i.Addrs = append(i.Addrs, ifAddr{Prefix: p, Peer: peer})
	return nil
}

func (f *fakeHost) AddInet6(name string, p netip.Prefix, peer netip.Addr) error {
	f.record("inet6 %s %s peer %v", name, p, peer)
	i := f.get(name)
	i.Addrs = append(i.Addrs, ifAddr{Prefix: p, Peer: peer})
	return nil
}

func (f *fakeHost) Route(op string, gw netip.Addr, inet6 bool) error {
	f.record("route %s %v inet6=%v", op, gw, inet6)
	return nil
}

func (f *fakeHost) Autoconf(name string) error {
	f.record("autoconf %s", name)
	return nil
}
