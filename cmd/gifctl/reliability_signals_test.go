package main

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/faults"
)

// TestReliabilitySignals sends SIGTERM, SIGINT and SIGHUP to a restart
// while netstart runs (and its child sleeps): gifctl must kill netstart's
// whole process group before it exits, so the next restart's netstart
// does not overlap it.
func TestReliabilitySignals(t *testing.T) {
	t.Parallel()
	tally := faults.Track(t, "signals", "SIGTERM, SIGINT or SIGHUP to `gifctl restart` while netstart runs (its child sleeping)",
		"gifctl exits non-zero within 1.5 s naming the signal; netstart and its child are gone; the next restart works")
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, "198.51.100.7").reliable()
			w.killLeftovers()
			w.flag("netstart.hang", "1")
			run := w.start("restart", "--timeout", "30s", "gif0")
			deadline := time.Now().Add(10 * time.Second)
			for len(w.standinPids()) < 2 {
				if time.Now().After(deadline) {
					run.cmd.Process.Kill()
					t.Fatal("netstart did not start within 10 s")
				}
				time.Sleep(20 * time.Millisecond)
			}
			sent := time.Now()
			run.signal(sig)
			r, _, hung := run.waitWithin(5 * time.Second)
			took := time.Since(sent)
			tally.Add(1)
			t.Logf("gifctl restart, %v: exit %d after %v\n%s", sig, r.code, took, r.stderr)
			if hung || took > 1500*time.Millisecond {
				t.Errorf("gifctl took %v to exit after %v", took, sig)
			}
			name := map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGINT: "SIGINT", syscall.SIGHUP: "SIGHUP"}[sig]
			if r.code < 1 || !strings.Contains(r.stderr, name) {
				t.Errorf("exit %d, want a failure naming %s", r.code, name)
			}
			if left := alive(w.standinPids(), 500*time.Millisecond); len(left) > 0 {
				t.Errorf("netstart's processes %v outlived gifctl", left)
			}
			w.flag("netstart.hang", "")
			if r := w.gifctl(nil, "restart", "gif0"); r.code != 0 {
				t.Errorf("the next restart: exit %d\n%s", r.code, r.stderr)
			}
		})
	}
}
