package netns

import (
	"os"
	"strings"
	"testing"
)

// Require skips t when the process is not root and CI is empty (a
// developer's unprivileged run); otherwise every prerequisite must be
// there, and a missing one fails the test, named.
func Require(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 && os.Getenv("CI") == "" {
		t.Skip("needs root: network namespaces, TUN and raw sockets (CI unset, so skipping)")
	}
	if err := Check(); err != nil {
		t.Fatal(err)
	}
}

// NewForTest builds a Lab for t and tears it down in t.Cleanup, also when
// the test fails; a teardown that leaves anything behind fails the test.
// On failure the output of every process started in the Lab is logged.
func NewForTest(t testing.TB) *Lab {
	t.Helper()
	Require(t)
	l, err := New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, ns := range l.Namespaces() {
				for _, p := range ns.Processes() {
					t.Logf("%s: %v:\n%s", ns.Name, p.Argv, p.Output())
				}
			}
		}
		if err := l.Close(); err != nil {
			t.Errorf("teardown: %v", err)
		}
	})
	return l
}

// TestNS is a lone namespace for a unit test that needs its own network
// rather than a whole Lab: a loopback that is up and nothing else. Its IP,
// AddAddr and Sysctl fail the test on error.
type TestNS struct {
	*Namespace
	t testing.TB
}

// NewTestNS makes a fresh namespace for t and removes it, with any process
// left inside, in t.Cleanup. It is named like a Lab's (role "test"), so
// Sweep removes it too if the test binary is killed before its cleanups.
func NewTestNS(t testing.TB) *TestNS {
	t.Helper()
	Require(t)
	o, err := self()
	if err != nil {
		t.Fatalf("netns: %v", err)
	}
	if _, err := Sweep(); err != nil {
		t.Fatal(err)
	}
	ns := &TestNS{Namespace: &Namespace{Name: nsName(o, labCount.Add(1), "test")}, t: t}
	if err := run("ip", "netns", "add", ns.Name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := remove(ns.Namespace); err != nil {
			t.Errorf("teardown: %v", err)
		}
	})
	ns.IP("link", "set", "lo", "up")
	return ns
}

// IP runs `ip -n NAME ARGS...`, failing the test on error.
func (n *TestNS) IP(args ...string) {
	n.t.Helper()
	if err := n.Namespace.IP(args...); err != nil {
		n.t.Fatal(err)
	}
}

// AddAddr puts prefix (198.18.0.1/24, 2001:db8::1/64) on ifname. IPv6
// addresses skip duplicate address detection, so they are usable at once.
func (n *TestNS) AddAddr(ifname, prefix string) {
	n.t.Helper()
	args := []string{"addr", "add", prefix, "dev", ifname}
	if strings.Contains(prefix, ":") {
		args = append(args, "nodad")
	}
	n.IP(args...)
}

// Sysctl sets a per-namespace sysctl (net.*), failing the test on error.
func (n *TestNS) Sysctl(key, value string) {
	n.t.Helper()
	if err := n.Namespace.Sysctl(key, value); err != nil {
		n.t.Fatal(err)
	}
}

// Link connects a and b with a veth pair, aName in a and bName in b, both
// up. The pair is made inside the namespaces, so the names need only be
// unique there.
func Link(t testing.TB, a *TestNS, aName string, b *TestNS, bName string) {
	t.Helper()
	a.IP("link", "add", aName, "type", "veth", "peer", "name", bName, "netns", b.Name)
	a.IP("link", "set", aName, "up")
	b.IP("link", "set", bName, "up")
}
