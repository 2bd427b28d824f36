package netns

import (
	"context"
	"net"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDoEntersTheNamespace(t *testing.T) {
	a, b := NewTestNS(t), NewTestNS(t)
	Link(t, a, "a0", b, "b0")
	a.AddAddr("a0", "198.18.0.1/24")
	a.AddAddr("a0", "2001:db8::1/64")

	var names []string
	var addrs []string
	err := a.Do(func() error {
		ifs, err := net.Interfaces()
		if err != nil {
			return err
		}
		for _, i := range ifs {
			names = append(names, i.Name)
		}
		a0, err := net.InterfaceByName("a0")
		if err != nil {
			return err
		}
		as, err := a0.Addrs()
		for _, x := range as {
			addrs = append(addrs, x.String())
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	if diff := cmp.Diff([]string{"a0", "lo"}, names); diff != "" {
		t.Errorf("interfaces inside (-want +got):\n%s", diff)
	}
	if !slices.Contains(addrs, "198.18.0.1/24") || !slices.Contains(addrs, "2001:db8::1/64") {
		t.Errorf("a0 addresses %v, want 198.18.0.1/24 and 2001:db8::1/64", addrs)
	}
	// The caller's thread never moved.
	if _, err := net.InterfaceByName("a0"); err == nil {
		t.Errorf("a0 visible outside %s", a.Name)
	}
}

func TestSysctlIsPerNamespace(t *testing.T) {
	a := NewTestNS(t)
	a.Sysctl("net.ipv4.icmp_echo_ignore_all", "1")
	out, err := a.Run(context.Background(), "cat", "/proc/sys/net/ipv4/icmp_echo_ignore_all")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("1\n", string(out)); diff != "" {
		t.Errorf("inside (-want +got):\n%s", diff)
	}
	b := NewTestNS(t)
	out, err = b.Run(context.Background(), "cat", "/proc/sys/net/ipv4/icmp_echo_ignore_all")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("0\n", string(out)); diff != "" {
		t.Errorf("in another namespace (-want +got):\n%s", diff)
	}
}
