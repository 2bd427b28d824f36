package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/faults"
	"golang.org/x/sys/unix"
)

// TestReliabilityParallelSlow extends TestParallelRestarts: netstart takes
// 0.3 s (a control file: NETSTART_SLEEP never reaches netstart, since
// gifctl gives its children a fixed environment), and the stand-ins log
// which gifctl called them, so the test sees that the runs took turns.
func TestReliabilityParallelSlow(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "198.51.100.7").reliable()
	w.killLeftovers()
	w.flag("netstart.sleep", "0.3")
	tally := faults.Track(t, "concurrency", "16 `gifctl restart` started at once, netstart taking 0.3 s",
		"all exit 0; one broker update, one netstart, one write of an intact hostname.IF; one run did the work and "+
			"the 15 others said \"nothing to do\"; the stand-in calls of different runs never interleave (each ran under the lock in turn)")

	const n = 16
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = w.start("restart", "gif0").wait()
		}()
	}
	wg.Wait()
	tally.Add(n)

	worked, waited := 0, 0
	for i, r := range results {
		switch {
		case r.code != 0:
			t.Errorf("restart %d: exit %d\n%s", i, r.code, r.stderr)
		case strings.Contains(r.stderr, "gif0: restarting:"):
			worked++
		case strings.Contains(r.stderr, "gif0: nothing to do"):
			waited++
		default:
			t.Errorf("restart %d neither worked nor found nothing to do:\n%s", i, r.stderr)
		}
	}
	if worked != 1 || waited != n-1 {
		t.Errorf("%d runs did the work and %d found it done, want 1 and %d", worked, waited, n-1)
	}
	if got := w.updates(); got != 1 {
		t.Errorf("%d broker updates, want 1", got)
	}
	if got := w.read("etc/hostname.gif0"); !strings.Contains(got, "\ntunnel 198.51.100.7 216.66.80.26\n") {
		t.Errorf("hostname.gif0:\n%s", got)
	}

	// Each gifctl's calls form one block: no two held the lock at once.
	var order []string
	seen := map[string]bool{}
	netstarts := 0
	for _, line := range strings.Split(strings.TrimSpace(w.read("trace")), "\n") {
		pid, call, _ := strings.Cut(line, " ")
		if strings.HasPrefix(call, "netstart ") {
			netstarts++
		}
		if len(order) > 0 && order[len(order)-1] == pid {
			continue
		}
		if seen[pid] {
			t.Errorf("gifctl %d called a stand-in again after another gifctl had: the runs interleaved\n%s", atoi(pid), w.read("trace"))
			break
		}
		seen[pid] = true
		order = append(order, pid)
	}
	if len(order) != n || netstarts != 1 {
		t.Errorf("%d gifctl runs called stand-ins, netstart %d times; want %d and 1", len(order), netstarts, n)
	}
	tally.Note("%d did the work, %d waited their turn", worked, waited)
}

func atoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}

// TestReliabilityLockHeld holds gifctl's lock from the test, as a hung
// gifctl would, and wants restart and update to give up within their
// --timeout, naming the holder, having changed and called nothing.
func TestReliabilityLockHeld(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "198.51.100.7").reliable()
	lockPath := filepath.Join(w.dir, "state", "lock")
	tally := faults.Track(t, "concurrency", "the lock held by another process for longer than --timeout 1s (restart, update; holder with and without its pid in the lock file)",
		"exit 1 within 1 s + 1.5 s, naming the lock file and the holder's pid; nothing called, written or sent; the next run after the holder went works")

	l, err := bsd.Lock(context.Background(), lockPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"restart", "--timeout", "1s", "gif0"}, {"update", "--timeout", "1s", "gif0"}} {
		w.lockedOut(args, fmt.Sprintf("gifctl: %s: held by pid %d; gave up after ", lockPath, os.Getpid()))
		tally.Add(1)
	}
	l.Unlock()

	// A holder that never wrote its pid (an older gifctl, or flock(1)).
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	w.lockedOut([]string{"restart", "--timeout", "1s", "gif0"}, fmt.Sprintf("gifctl: %s: held by another process; gave up after ", lockPath))
	tally.Add(1)
	f.Close()

	w.mustRun("restart", "gif0")
	if w.updates() != 1 || !strings.Contains(w.read("etc/hostname.gif0"), "\ntunnel 198.51.100.7 216.66.80.26\n") {
		t.Error("the restart after the holder went did not do the work")
	}
}

// lockedOut runs gifctl while the lock is held elsewhere and wants the
// line want, followed by how long it waited (about 1s: "993ms", "1s").
func (w *world) lockedOut(args []string, want string) {
	t := w.t
	t.Helper()
	r, took := w.start(args...).wait()
	line := regexp.MustCompile(regexp.QuoteMeta(want) + `(9[0-9]{2}ms|1(\.[0-9])?s)\n`)
	if r.code != 1 || !line.MatchString(r.stderr) {
		t.Errorf("gifctl %s with the lock held: exit %d\n%s\nwant exit 1 and %q about 1s", strings.Join(args, " "), r.code, r.stderr, want)
	}
	if took < time.Second || took > 2500*time.Millisecond {
		t.Errorf("gifctl %s gave up after %v, want 1s to 2.5s", strings.Join(args, " "), took)
	}
	if calls := w.calls(); len(calls) != 0 {
		t.Errorf("called %q without the lock", calls)
	}
	if w.read("etc/hostname.gif0") != "" || w.updates() != 0 {
		t.Error("wrote hostname.gif0 or updated the broker without the lock")
	}
}
