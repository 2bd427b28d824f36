package netns

import (
	"os"
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
