package watch

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gifctl/gifctl/bsd"
)

var (
	addrA = netip.MustParseAddr("192.0.2.1")
	addrB = netip.MustParseAddr("198.51.100.2")
	addrC = netip.MustParseAddr("203.0.113.3")

	remote = netip.MustParseAddr("216.66.80.26")
)

// world is a fake router: the egress addresses and tunnel sources the
// engine reads, and a restart that waits for the test to end it.
type world struct {
	t       *testing.T
	mu      sync.Mutex
	addrs   map[string][]netip.Addr
	src     map[string]netip.Addr
	ran     []string        // restarts started, by gif
	started chan string     // a restart started
	finish  chan netip.Addr // ends the running restart: the source it set, or invalid for a failure

	wakes  chan string    // what the fake Source reports
	ticks  chan time.Time // the fake clock's only timer
	hup    chan os.Signal
	log    chan string // every log line, in order
	reload func() ([]Tunnel, error)
}

func newWorld(t *testing.T) *world {
	return &world{
		t:       t,
		addrs:   map[string][]netip.Addr{"em0": {addrA}},
		src:     map[string]netip.Addr{"gif0": addrA},
		started: make(chan string, 10),
		finish:  make(chan netip.Addr),
		wakes:   make(chan string),
		ticks:   make(chan time.Time),
		hup:     make(chan os.Signal),
		log:     make(chan string, 1000),
	}
}

func (w *world) setAddrs(ifname string, a ...netip.Addr) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.addrs[ifname] = a
}

func (w *world) restarts() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.ran...)
}

func (w *world) Next() (string, error) {
	what, ok := <-w.wakes
	if !ok {
		return "", errors.New("socket closed")
	}
	return what, nil
}

func (w *world) Write(p []byte) (int, error) {
	w.log <- strings.TrimSpace(string(p))
	return len(p), nil
}

// await reads the log until a line containing s, and returns it.
func (w *world) await(s string) string {
	w.t.Helper()
	// Only a broken engine waits this long: a guard, not a measurement.
	limit := time.After(time.Minute)
	for {
		select {
		case line := <-w.log:
			if strings.Contains(line, s) {
				return line
			}
		case <-limit:
			w.t.Fatalf("no log line with %q", s)
		}
	}
}

// wake reports n changes and returns once the engine has taken them all.
func (w *world) wake(n int) {
	w.t.Helper()
	for i := range n {
		w.wakes <- fmt.Sprintf("change %d", i)
		w.await(fmt.Sprintf("woken: change %d", i))
	}
}

func (w *world) engine() *Engine {
	return &Engine{
		Addrs: func(ifname string) ([]netip.Addr, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			a, ok := w.addrs[ifname]
			if !ok {
				return nil, fmt.Errorf("%s: %w", ifname, bsd.ErrNoInterface)
			}
			return a, nil
		},
		Endpoints: func(ctx context.Context, gif string) (src, dst netip.Addr, err error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			src, ok := w.src[gif]
			if !ok {
				return netip.Addr{}, netip.Addr{}, fmt.Errorf("%s: %w", gif, bsd.ErrNoTunnel)
			}
			return src, remote, nil
		},
		Restart: func(ctx context.Context, gif string) error {
			w.mu.Lock()
			w.ran = append(w.ran, gif)
			w.mu.Unlock()
			w.started <- gif
			select {
			case a := <-w.finish:
				if !a.IsValid() {
					return errors.New("exited 1")
				}
				w.mu.Lock()
				w.src[gif] = a
				w.mu.Unlock()
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
		Reload: func() ([]Tunnel, error) { return w.reload() },
		Every:  10 * time.Minute,
		After:  func(time.Duration) <-chan time.Time { return w.ticks },
		Log:    &bsd.Logger{Stderr: w, Verbose: true},
	}
}

// start runs the engine on gif0 (egress em0) and returns a function that
// stops it (as SIGTERM does) and returns what Run returned.
func (w *world) start() (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- w.engine().Run(ctx, []Tunnel{{Name: "gif0", Egress: "em0", Remote: remote}}, w, w.hup)
	}()
	return func() error {
		cancel()
		return <-errc
	}
}

func (w *world) wantRestarts(n int) {
	w.t.Helper()
	if got := w.restarts(); len(got) != n {
		w.t.Errorf("%d restarts (%q), want %d", len(got), got, n)
	}
}

func TestFineTunnelIsLeftAlone(t *testing.T) {
	w := newWorld(t)
	stop := w.start()
	w.await("gif0: source is em0's address")
	w.wake(3)
	w.ticks <- time.Time{}
	w.await("gif0: source is em0's address")
	if err := stop(); err != nil {
		t.Error(err)
	}
	w.wantRestarts(0)
}

func TestAddressChangeRestartsOnce(t *testing.T) {
	w := newWorld(t)
	stop := w.start()
	w.await("gif0: source is em0's address")
	w.setAddrs("em0", addrB)
	w.wakes <- "RTM_DELADDR on interface 1"
	line := w.await("gifctl restart gif0")
	if !strings.Contains(line, "gif0: tunnel source 192.0.2.1 is not em0's address (198.51.100.2)") {
		t.Errorf("the decision does not say why: %q", line)
	}
	<-w.started
	w.finish <- addrB
	w.await("gif0: restart done")
	w.ticks <- time.Time{} // the safety net finds nothing to do
	w.await("gif0: source is em0's address")
	stop()
	w.wantRestarts(1)
}

// A renumbering reports a removal and an addition, in either order; only
// the state after both matters.
func TestRenumberingRestartsOnce(t *testing.T) {
	for _, removeFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("remove first %v", removeFirst), func(t *testing.T) {
			w := newWorld(t)
			stop := w.start()
			w.await("gif0: source is em0's address")
			if removeFirst {
				w.setAddrs("em0")
				w.wakes <- "RTM_DELADDR"
				w.await("no restart of gif0 until em0 has an IPv4 address")
			} else {
				w.setAddrs("em0", addrA, addrB)
				w.wakes <- "RTM_NEWADDR"
				w.await("gif0: source is em0's address")
			}
			w.setAddrs("em0", addrB)
			w.wakes <- "the other"
			<-w.started
			w.finish <- addrB
			w.await("gif0: restart done")
			stop()
			w.wantRestarts(1)
		})
	}
}

// Changes during a restart make one more pass after it, whatever their
// number: here the address changed again, so it restarts once more.
func TestChangesDuringRestartCoalesce(t *testing.T) {
	w := newWorld(t)
	w.setAddrs("em0", addrB)
	stop := w.start()
	<-w.started
	w.setAddrs("em0", addrC)
	w.wake(5)
	w.finish <- addrB // it read em0 before the second change
	w.await("gif0: restart done")
	<-w.started
	w.finish <- addrC
	w.await("gif0: restart done")
	stop()
	w.wantRestarts(2)
}

// Changes a restart causes itself (netstart brings gif0 up) find the
// tunnel repaired: no second restart.
func TestOwnChangesDoNotRestartAgain(t *testing.T) {
	w := newWorld(t)
	w.setAddrs("em0", addrB)
	stop := w.start()
	<-w.started
	w.wake(5)
	w.finish <- addrB
	w.await("gif0: restart done")
	w.await("gif0: source is em0's address")
	stop()
	w.wantRestarts(1)
}

// A restart that fails leaves the tunnel wrong, and its own changes wake
// the engine: it must not loop. The safety net tries again.
func TestFailedRestartIsNotALoop(t *testing.T) {
	w := newWorld(t)
	w.setAddrs("em0", addrB)
	stop := w.start()
	<-w.started
	w.wake(5)
	w.finish <- netip.Addr{}
	if line := w.await("gif0: restart failed"); !strings.Contains(line, "exited 1") {
		t.Errorf("the child's failure is not logged: %q", line)
	}
	w.await("after a restart for the same addresses; next try at the check every 10m0s")
	w.wake(2)
	w.await("after a restart for the same addresses")
	w.wantRestarts(1)
	w.ticks <- time.Time{}
	<-w.started
	w.finish <- addrB
	w.await("gif0: restart done")
	stop()
	w.wantRestarts(2)
}

// Without an IPv4 address there is nothing to restart to: no restart, on
// any wake or tick, until one comes back.
func TestNoIPv4RunsNothing(t *testing.T) {
	w := newWorld(t)
	stop := w.start()
	w.await("gif0: source is em0's address")
	w.setAddrs("em0")
	w.wake(3)
	w.ticks <- time.Time{}
	w.await("em0: no IPv4 address: no restart of gif0 until em0 has an IPv4 address")
	w.wantRestarts(0)
	w.setAddrs("em0", addrC)
	w.wakes <- "RTM_NEWADDR"
	<-w.started
	w.finish <- addrC
	w.await("gif0: restart done")
	stop()
	w.wantRestarts(1)
}

// SIGTERM during a restart: the restart's context ends (bsd.Run then kills
// the child's group) and Run returns nil only after it has returned.
func TestStopEndsRunningRestart(t *testing.T) {
	w := newWorld(t)
	w.setAddrs("em0", addrB)
	stop := w.start()
	<-w.started
	if err := stop(); err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	w.await("gif0: restart stopped: context canceled")
}

func TestReload(t *testing.T) {
	w := newWorld(t)
	w.reload = func() ([]Tunnel, error) { return nil, errors.New("/etc/gifctl.conf:3: unknown keyword") }
	stop := w.start()
	w.await("gif0: source is em0's address")
	w.hup <- os.Interrupt
	w.await("/etc/gifctl.conf:3: unknown keyword; keeping the configuration read before")
	w.wakes <- "x"
	w.await("gif0: source is em0's address") // still watched

	w.reload = func() ([]Tunnel, error) { return []Tunnel{{Name: "gif1", Egress: "em1"}}, nil }
	w.setAddrs("em1", addrC)
	w.hup <- os.Interrupt
	w.await("configuration reloaded")
	<-w.started // gif1 has no tunnel yet: restarted at once
	w.finish <- addrC
	w.await("gif1: restart done")
	stop()
	if got := w.restarts(); len(got) != 1 || got[0] != "gif1" {
		t.Errorf("restarts %q, want gif1 only", got)
	}
}

func TestSourceFailureStopsRun(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- w.engine().Run(ctx, []Tunnel{{Name: "gif0", Egress: "em0", Remote: remote}}, w, w.hup) }()
	close(w.wakes)
	if err := <-errc; err == nil || !strings.Contains(err.Error(), "socket closed") {
		t.Errorf("Run = %v, want the source's error", err)
	}
}

// alive reports whether pid still runs: gone, or a zombie waiting for its
// parent, counts as dead.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(rest, "Z") && !strings.HasPrefix(rest, "X")
}

// TestStopKillsTheChildsGroup runs a real child that leaves a grandchild
// behind, as a hung `!cmd` line of hostname.if would, and stops the engine
// during it: both must be gone when Run returns.
func TestStopKillsTheChildsGroup(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("reads process states from /proc")
	}
	dir := t.TempDir()
	script := `echo $$ >` + dir + `/sh; sleep 1000 & echo $! >` + dir + `/sleep; echo started >` + dir + `/fifo; wait`
	if err := unix.Mkfifo(dir+"/fifo", 0o600); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t)
	w.setAddrs("em0", addrB)
	e := w.engine()
	e.Restart = RestartCommand("/bin/sh", "-c", script, "sh")
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- e.Run(ctx, []Tunnel{{Name: "gif0", Egress: "em0", Remote: remote}}, w, w.hup) }()
	if _, err := os.ReadFile(dir + "/fifo"); err != nil { // blocks until the script writes
		t.Fatal(err)
	}
	var pids []int
	for _, f := range []string{"sh", "sleep"} {
		var pid int
		b, err := os.ReadFile(dir + "/" + f)
		if _, err2 := fmt.Sscan(string(b), &pid); err != nil || err2 != nil {
			t.Fatalf("%s: %v %v", f, err, err2)
		}
		pids = append(pids, pid)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	w.await("gif0: restart stopped")
	for _, pid := range pids {
		// SIGKILL is delivered before kill(2) returns, but the sleep's
		// end is not awaited by anyone in this process: look until init
		// has reaped it, bounded only as a guard.
		for i := 0; alive(pid); i++ {
			if i == 1000 {
				t.Fatalf("process %d outlived the engine", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}
