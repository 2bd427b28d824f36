//go:build !openbsd

package bsd

import "testing"

// A router namespace's table as Linux lists it: the default route via the
// gif, its link-local route, and the kernel's own ::/0 reject route on lo.
const ipv6Route = `fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     gif0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 20010db8000100000000000000000001 00000400 00000002 00000000 00000003     gif0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
`

func TestLinuxDefaultRoute6(t *testing.T) {
	for ifname, want := range map[string]bool{"gif0": true, "em0": false, "gif": false} {
		if got := linuxDefaultRoute6([]byte(ipv6Route), ifname); got != want {
			t.Errorf("default route via %s: %v, want %v", ifname, got, want)
		}
	}
	if linuxDefaultRoute6([]byte(ipv6Route[:200]), "gif0") {
		t.Error("a table without a default route via gif0 has one")
	}
}
