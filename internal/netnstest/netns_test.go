package netnstest

import (
	"net"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDoEntersTheNamespace(t *testing.T) {
	a, b := New(t), New(t)
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
	a := New(t)
	a.Sysctl("net.ipv4.icmp_echo_ignore_all", "1")
	out, err := a.Exec("cat", "/proc/sys/net/ipv4/icmp_echo_ignore_all")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("1\n", string(out)); diff != "" {
		t.Errorf("inside (-want +got):\n%s", diff)
	}
	b := New(t)
	out, err = b.Exec("cat", "/proc/sys/net/ipv4/icmp_echo_ignore_all")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("0\n", string(out)); diff != "" {
		t.Errorf("in another namespace (-want +got):\n%s", diff)
	}
}
