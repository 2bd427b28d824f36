package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gifctl/gifctl/internal/faults"
)

// TestReliabilityValues gives addresses that cannot be right, in the
// configuration and on the command line: each is refused with exit 2,
// naming it, and nothing is run or sent.
func TestReliabilityValues(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "198.51.100.7")
	good := w.read("gifctl.conf")
	confs := []struct{ old, new, bad string }{
		{"remote " + remote, "remote 127.0.0.1", "127.0.0.1"},
		{"remote " + remote, "remote 0.1.2.3", "0.1.2.3"},
		{"remote " + remote, "remote 224.0.0.1", "224.0.0.1"},
		{"remote " + remote, "remote 255.255.255.255", "255.255.255.255"},
		{"inet6 2001:db8:1::2", "inet6 ::1", "::1"},
		{"inet6 2001:db8:1::2", "inet6 fe80::2", "fe80::2"},
		{"peer 2001:db8:1::1", "peer fe80::1", "fe80::1"},
		{"peer 2001:db8:1::1", "peer ::1", "::1"},
	}
	args := [][]string{
		{"check", "ipv4", "127.0.0.1"},
		{"check", "ipv4", "0.0.0.1"},
		{"check", "ipv4", "224.0.0.1"},
		{"check", "ipv4", "255.255.255.255"},
		{"check", "ipv6", "::1"},
		{"check", "ipv6", "fe80::1"},
		{"check", "ipv6", "ff02::1"},
	}
	tally := faults.Track(t, "values", fmt.Sprintf("%d addresses no tunnel can use in gifctl.conf (remote loopback, 0/8, multicast, broadcast; inet6 and peer ::1 or link-local); %d such check targets on the command line", len(confs), len(args)),
		"exit 2 naming the value; nothing run or sent")
	for _, c := range confs {
		w.writeConf(strings.Replace(good, c.old, c.new, 1))
		r := w.gifctl(nil, "restart", "gif0")
		tally.Add(1)
		if r.code != 2 || !strings.Contains(r.stderr, c.bad) {
			t.Errorf("%q in gifctl.conf: exit %d, want 2 naming %s\n%s", c.new, r.code, c.bad, r.stderr)
		}
	}
	w.writeConf(good)
	for _, a := range args {
		r := w.gifctl(nil, append([]string{"-v"}, a...)...)
		tally.Add(1)
		if r.code != 2 || !strings.Contains(r.stderr, a[2]) {
			t.Errorf("gifctl %s: exit %d, want 2 naming %s\n%s", strings.Join(a, " "), r.code, a[2], r.stderr)
		}
	}
	if calls := w.calls(); len(calls) != 0 || w.updates() != 0 {
		t.Errorf("ran %q, sent %d updates", calls, w.updates())
	}
}
