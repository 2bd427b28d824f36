package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// FirstRestart is the restart that has work to do (hostname.gif0 missing):
// what it called and how many broker updates it sent, the contrast to the
// restart with nothing to do.
type FirstRestart struct {
	Wall    time.Duration
	Calls   []string
	Updates int
}

// NoopResult is the proof that a restart with nothing to do is cheap and
// harmless.
type NoopResult struct {
	Cmd   Cmd
	First FirstRestart
	Wall  Summary
	// CallsPerRun are the stand-ins' calls of one no-op restart; every
	// run made the same calls (checked).
	CallsPerRun []string
	Updates     int // broker requests during the no-op restarts
	Files       []FileObs
}

// FileObs is one file or directory before and after the no-op restarts.
type FileObs struct {
	Path          string // DIR/...
	Before, After string // "inode N, mtime T, N bytes" or "missing"
	// Lock marks the lock file: every run that takes the lock writes its
	// pid into it (bsd.Lock), so that a run waiting for it can say who
	// holds it. That write is expected; no other is.
	Lock bool
}

// Same says whether nothing about the file changed.
func (f FileObs) Same() bool { return f.Before == f.After }

// Wrote says whether any file but the lock changed.
func (r NoopResult) Wrote() bool {
	for _, f := range r.Files {
		if !f.Same() && !f.Lock {
			return true
		}
	}
	return false
}

// LockPath is the lock file in the World's tree, as FileObs names it.
const LockPath = "DIR/state/lock"

// MeasureNoopRestart runs the first restart (which writes hostname.gif0,
// runs the stand-ins and updates the broker), then runs more restarts
// that have nothing to do, timing them and comparing every file gifctl
// could touch before and after.
func MeasureNoopRestart(w *World, runs int) (NoopResult, error) {
	cmd := w.Cmd("gifctl restart gif0", 0, "restart", "gif0")
	r := NoopResult{Cmd: cmd}
	err := w.InRouter(func() error {
		w.Calls()
		took, _, err := cmd.runOnce(cmd.Argv)
		if err != nil {
			return fmt.Errorf("first restart: %w", err)
		}
		r.First = FirstRestart{Wall: took, Calls: w.Calls(), Updates: w.Updates()}
		if r.First.Updates != 1 {
			return fmt.Errorf("first restart: %d broker updates, want 1", r.First.Updates)
		}

		before := w.snapshot()
		times := make([]time.Duration, 0, runs)
		for i := range runs {
			took, _, err := cmd.runOnce(cmd.Argv)
			if err != nil {
				return err
			}
			times = append(times, took)
			calls := w.Calls()
			if i == 0 {
				r.CallsPerRun = calls
			} else if !slices.Equal(calls, r.CallsPerRun) {
				return fmt.Errorf("no-op restart %d called %q, the first one %q", i+1, calls, r.CallsPerRun)
			}
		}
		after := w.snapshot()
		r.Wall = Summarize(times)
		r.Updates = w.Updates() - r.First.Updates
		for _, p := range slices.Sorted(keys(before, after)) {
			r.Files = append(r.Files, FileObs{Path: p, Before: orMissing(before[p]), After: orMissing(after[p]), Lock: p == LockPath})
		}
		return nil
	})
	return r, err
}

// snapshot describes hostname.gif0, etc/ and the state directory with
// everything in it, by inode, mtime and size.
func (w *World) snapshot() map[string]string {
	s := map[string]string{}
	add := func(p string) {
		fi, err := os.Lstat(p)
		if err != nil {
			return
		}
		ino := uint64(0)
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			ino = uint64(st.Ino)
		}
		s[strings.Replace(p, w.Dir, "DIR", 1)] = fmt.Sprintf("inode %d, mtime %s, %d bytes",
			ino, fi.ModTime().Format("15:04:05.000000000"), fi.Size())
	}
	add(w.path("etc"))
	add(w.path("etc/hostname.gif0"))
	add(w.path("state"))
	entries, _ := os.ReadDir(w.path("state"))
	for _, e := range entries {
		add(filepath.Join(w.path("state"), e.Name()))
	}
	return s
}

func keys(ms ...map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		seen := map[string]bool{}
		for _, m := range ms {
			for k := range m {
				if !seen[k] {
					seen[k] = true
					if !yield(k) {
						return
					}
				}
			}
		}
	}
}

func orMissing(s string) string {
	if s == "" {
		return "missing"
	}
	return s
}
