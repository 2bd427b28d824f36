//go:build linux

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/gifctl/gifctl/internal/broker"
	"github.com/gifctl/gifctl/internal/broker/brokertest"
	"github.com/gifctl/gifctl/internal/faults"
	"golang.org/x/sys/unix"
)

// crashWorld is a router whose restart is killed again and again while the
// ISP moves its address between two values.
type crashWorld struct {
	*world
	t        *testing.T
	template string // hostname.gif0 with crashA
	cur      string // em0's address now
	uid, gid int
	mode     os.FileMode
	phases   map[string]int
	temps    int // temp files a kill left behind
	// stateTemps are temp files of state-dir left behind, too young
	// for the next restart to remove (see recovered).
	stateTemps int
}

const (
	crashA     = "198.51.100.7"
	crashB     = "198.51.100.99"
	crashSleep = "0.1" // seconds netstart takes: widens the window
)

func newCrashWorld(t *testing.T) *crashWorld {
	w := newWorld(t, crashA).reliable()
	w.killLeftovers()
	// Every restart here may update the broker: no abuse limit. The
	// broker takes a while before it accepts, as HE does while it pings
	// the new endpoint, and accepts even when gifctl died meanwhile: a
	// kill then leaves the broker ahead of gifctl's state.
	w.useBroker(brokertest.Options{AbuseLimit: 1 << 20, Ping: func(context.Context, netip.Addr) error {
		time.Sleep(50 * time.Millisecond)
		return nil
	}})
	w.mustRun("restart", "gif0")
	c := &crashWorld{world: w, t: t, cur: crashA, uid: 0, gid: 0, mode: 0o600, phases: map[string]int{}}
	// An admin's mode stricter than gifctl's 0640, to see it kept. (A
	// file another user owns becomes root:wheel: internal/restart's
	// TestRewrittenFileIsRootWheel.)
	hn := filepath.Join(w.dir, "etc/hostname.gif0")
	if err := os.Chown(hn, c.uid, c.gid); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(hn, c.mode); err != nil {
		t.Fatal(err)
	}
	c.template = w.read("etc/hostname.gif0")
	if !strings.Contains(c.template, "tunnel "+crashA+" "+remote+"\n") {
		t.Fatalf("hostname.gif0:\n%s", c.template)
	}
	w.flag("netstart.sleep", crashSleep)
	return c
}

func (c *crashWorld) fileFor(addr string) string {
	return strings.Replace(c.template, "tunnel "+crashA+" ", "tunnel "+addr+" ", 1)
}

// round renumbers em0, starts a restart, lets kill kill it, checks what
// the killed restart left, then runs the next restart and checks that it
// finished the job. It returns how long the killed restart ran, and
// whether it finished before the kill.
func (c *crashWorld) round(kill func(r *running)) (ran time.Duration, finished bool) {
	t := c.t
	t.Helper()
	to := crashA
	if c.cur == crashA {
		to = crashB
	}
	c.renumber(c.cur, to)
	c.cur = to
	before, want := c.read("etc/hostname.gif0"), c.fileFor(to)
	updates := c.updates()

	r := c.start("restart", "gif0")
	kill(r)
	res, ran := r.wait()
	c.phases[c.afterKill(before, want, updates, res)]++
	finished = res.code == 0

	// The killed gifctl's netstart goes on, as it would on OpenBSD; the
	// next restart is the one ifstated runs later.
	if left := alive(c.standinPids(), 3*time.Second); len(left) > 0 {
		t.Fatalf("stand-ins %v still run after 3s", left)
	}
	os.Remove(filepath.Join(c.dir, "pids"))
	c.flag("netstart.sleep", "")
	c.mustRun("restart", "gif0")
	c.flag("netstart.sleep", crashSleep)
	c.recovered(want, to)
	return ran, finished
}

// afterKill checks what a killed restart left and says how far it got.
func (c *crashWorld) afterKill(before, want string, updates int, res result) string {
	t := c.t
	t.Helper()
	got := c.read("etc/hostname.gif0")
	if got != before && got != want {
		t.Errorf("hostname.gif0 torn after a kill: neither the old nor the new file:\n%q", got)
	}
	c.checkOwner()
	temps := 0
	for _, name := range dirNames(t, filepath.Join(c.dir, "etc")) {
		switch {
		case tempName.MatchString(name):
			temps++
		case name != "hostname.gif0" && name != "pf.conf":
			t.Errorf("etc/%s appeared", name)
		}
	}
	c.temps += temps
	c.checkBrokerState()
	switch {
	case res.code == 0:
		return "finished before the kill"
	case temps > 0:
		return "killed mid-write (temp file left)"
	case got == before:
		return "killed before the write"
	case c.updates() == updates:
		return "killed after the write, before the broker"
	}
	return "killed after the broker request"
}

// recovered checks that the restart after a kill did the whole job.
func (c *crashWorld) recovered(want, addr string) {
	t := c.t
	t.Helper()
	if got := c.read("etc/hostname.gif0"); got != want {
		t.Errorf("hostname.gif0 after the next restart:\n%s\nwant:\n%s", got, want)
	}
	c.checkOwner()
	if diff := slicesDiff([]string{"hostname.gif0", "pf.conf"}, dirNames(t, filepath.Join(c.dir, "etc"))); diff != "" {
		t.Errorf("etc after the next restart: %s", diff)
	}
	// The broker state and check results are written the same way; a
	// kill inside those writes leaves a temp file that the next write of
	// that file removes only once it is a minute old (bsd.WriteFile),
	// older than any here.
	for _, name := range dirNames(t, filepath.Join(c.dir, "state")) {
		if strings.HasPrefix(name, ".") {
			c.stateTemps++
			t.Logf("state/%s left by a kill", name)
			os.Remove(filepath.Join(c.dir, "state", name))
		}
	}
	if got := strings.TrimSpace(c.read("kernel.gif0")); got != addr+" "+remote {
		t.Errorf("kernel tunnel %q after the next restart, want %s %s", got, addr, remote)
	}
	if got, _ := c.broker.Endpoint(tunnelID); got.String() != addr {
		t.Errorf("broker has %s after the next restart, want %s", got, addr)
	}
	st, err := broker.LoadState(filepath.Join(c.dir, "state"), "gif0")
	if err != nil {
		t.Fatal(err)
	}
	if st.Address.String() != addr || st.BrokerAddress.String() != addr || !st.BackoffUntil.IsZero() {
		t.Errorf("broker state after the next restart: %+v, want address %s accepted", st, addr)
	}
}

func (c *crashWorld) checkOwner() {
	c.t.Helper()
	fi, err := os.Stat(filepath.Join(c.dir, "etc/hostname.gif0"))
	if err != nil {
		c.t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if fi.Mode().Perm() != c.mode || int(st.Uid) != c.uid || int(st.Gid) != c.gid {
		c.t.Errorf("hostname.gif0 is %d:%d %o, want %d:%d %o", st.Uid, st.Gid, fi.Mode().Perm(), c.uid, c.gid, c.mode)
	}
}

// checkBrokerState wants the state file whole, and its address one the
// broker accepted: a kill must never make gifctl believe the broker has
// an address it refused or never saw.
func (c *crashWorld) checkBrokerState() {
	c.t.Helper()
	st, err := broker.LoadState(filepath.Join(c.dir, "state"), "gif0")
	if err != nil {
		c.t.Errorf("broker state after a kill: %v", err)
		return
	}
	if st.Address.IsValid() && !slices.Contains(c.accepted(), st.Address) {
		c.t.Errorf("state says the broker accepted %s; it accepted only %v", st.Address, c.accepted())
	}
}

// accepted lists the addresses the broker answered good or nochg for.
func (c *crashWorld) accepted() []netip.Addr {
	var out []netip.Addr
	for _, r := range c.broker.Requests() {
		code, rest, _ := strings.Cut(r.Answer, " ")
		if a, err := netip.ParseAddr(rest); err == nil && (code == "good" || code == "nochg") {
			out = append(out, a)
		}
	}
	return out
}

func (c *crashWorld) phaseNote() string {
	if c.stateTemps > 0 {
		c.phases["temp files left in state-dir"] = c.stateTemps
	}
	var keys []string
	for k := range c.phases {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %d", k, c.phases[k]))
	}
	return strings.Join(parts, ", ")
}

func slicesDiff(want, got []string) string {
	if slices.Equal(want, got) {
		return ""
	}
	return fmt.Sprintf("got %q, want %q", got, want)
}

// TestReliabilityCrashKill kills restart with SIGKILL at moments spread
// over its whole run, calibrated by one run that is not killed.
func TestReliabilityCrashKill(t *testing.T) {
	t.Parallel()
	c := newCrashWorld(t)
	tally := faults.Track(t, "crash safety", "SIGKILL of `gifctl restart` at a random moment of its run (netstart takes "+crashSleep+" s, the broker 0.05 s)",
		"hostname.IF old or new, whole, root:wheel with the admin's mode 0600 kept; broker state parses and names only an address the broker accepted; "+
			"the next restart exits 0 with file, kernel, broker and state all on the new address, no temp file left")

	// Calibrate: how long a whole restart takes here, at best (the
	// machine may be busier now than later).
	full := time.Hour
	for range 3 {
		ran, _ := c.round(func(r *running) {})
		full = min(full, ran)
		tally.Add(1)
	}
	clear(c.phases)

	const kills = 30
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	t.Logf("seed %d, a restart with a slow netstart takes %v", seed, full)
	for i := range kills {
		// Spread over the run, jittered: i/kills to (i+1)/kills of it.
		at := time.Duration((float64(i) + rng.Float64()) / kills * float64(full))
		ran, finished := c.round(func(r *running) {
			time.Sleep(at - time.Since(r.start))
			r.signal(syscall.SIGKILL)
		})
		if finished {
			// Too late: restarts got faster. Aim the next kills at the
			// run as it is now.
			full = min(full, ran)
		}
		tally.Add(1)
		if t.Failed() {
			t.Fatalf("kill %d at %v failed", i, at)
		}
	}
	tally.Note("%s", c.phaseNote())
	t.Logf("outcomes: %s", c.phaseNote())
}

// TestReliabilityCrashMidWrite kills restart the moment its temp file for
// hostname.IF appears, or the moment it is closed before the rename:
// inotify tells the test, so the kill lands inside the write.
func TestReliabilityCrashMidWrite(t *testing.T) {
	t.Parallel()
	c := newCrashWorld(t)
	tally := faults.Track(t, "crash safety", "SIGKILL of `gifctl restart` inside the write of hostname.IF (when inotify reports its temp file created, or closed before the rename)",
		"as above; a temp file left by the kill is removed by the next restart")
	etc := filepath.Join(c.dir, "etc")
	const kills = 12
	for i := range kills {
		mask := uint32(unix.IN_CREATE)
		if i%2 == 1 {
			mask = unix.IN_CLOSE_WRITE
		}
		c.round(watchTemps(t, etc, mask).kill)
		tally.Add(1)
		if t.Failed() {
			t.Fatalf("kill %d failed", i)
		}
	}
	if c.temps == 0 {
		t.Logf("no kill left a temp file: the writes were faster than the test")
	}
	tally.Note("%s", c.phaseNote())
	t.Logf("outcomes: %s", c.phaseNote())
}

// tempWatch is an inotify watch on a directory for temp files of
// hostname.gif0, set up before gifctl starts so no event is missed.
type tempWatch struct {
	t *testing.T
	f *os.File
}

func watchTemps(t *testing.T, dir string, mask uint32) *tempWatch {
	t.Helper()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(fd), "inotify")
	if _, err := unix.InotifyAddWatch(fd, dir, mask); err != nil {
		f.Close()
		t.Fatal(err)
	}
	return &tempWatch{t: t, f: f}
}

// kill kills r as soon as the watch reports a temp file, and closes the
// watch.
func (w *tempWatch) kill(r *running) {
	t := w.t
	t.Helper()
	defer w.f.Close()
	w.f.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 4096)
	for {
		n, err := w.f.Read(buf)
		if err != nil {
			r.signal(syscall.SIGKILL)
			t.Errorf("no inotify event for a temp file of hostname.gif0: %v", err)
			return
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			nameBytes := buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(ev.Len)]
			name := strings.TrimRight(string(nameBytes), "\x00")
			off += unix.SizeofInotifyEvent + int(ev.Len)
			if tempName.MatchString(name) {
				r.signal(syscall.SIGKILL)
				return
			}
		}
	}
}

// TestReliabilityCrashThenRevert kills restart inside the write and then
// puts the old address back, so the next restart has nothing to write: it
// must still remove the temp file the kill left.
func TestReliabilityCrashThenRevert(t *testing.T) {
	t.Parallel()
	c := newCrashWorld(t)
	tally := faults.Track(t, "crash safety", "SIGKILL inside the write, then the old address back: the next restart has nothing to change",
		"the temp file the kill left is removed all the same; hostname.IF is the old file")
	etc := filepath.Join(c.dir, "etc")
	c.flag("netstart.sleep", "")
	for try := 0; try < 10 && c.temps == 0; try++ {
		before := c.read("etc/hostname.gif0")
		c.renumber(crashA, crashB)
		watch := watchTemps(t, etc, unix.IN_CREATE)
		r := c.start("restart", "gif0")
		watch.kill(r)
		res, _ := r.wait()
		c.afterKill(before, c.fileFor(crashB), c.updates(), res)
		c.renumber(crashB, crashA)
		if c.read("etc/hostname.gif0") != before {
			// The rename won the race: put the old file back by a restart.
			c.mustRun("restart", "gif0")
			continue
		}
		tally.Add(1)
	}
	if c.temps == 0 {
		t.Skip("no kill left a temp file in 10 tries")
	}
	c.mustRun("restart", "gif0")
	if diff := slicesDiff([]string{"hostname.gif0", "pf.conf"}, dirNames(t, etc)); diff != "" {
		t.Errorf("etc after a restart with nothing to do: %s", diff)
	}
	if got := c.read("etc/hostname.gif0"); got != c.fileFor(crashA) {
		t.Errorf("hostname.gif0:\n%s", got)
	}
}
