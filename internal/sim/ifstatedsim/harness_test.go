package ifstatedsim

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gifctl/gifctl/ifstated"
)

// t0 is an even minute: the $retry clock exits 0 in it.
var t0 = time.Unix(1_700_000_040, 0)

// fakeClock's timers fire only when a harness delivers them.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	when    time.Time
	c       chan time.Time
	stopped chan struct{}
	once    sync.Once
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func (c *fakeClock) Timer(d time.Duration) (<-chan time.Time, func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{when: c.now.Add(d), c: make(chan time.Time), stopped: make(chan struct{})}
	c.timers = append(c.timers, t)
	return t.c, func() bool {
		c.mu.Lock()
		c.timers = slices.DeleteFunc(c.timers, func(x *fakeTimer) bool { return x == t })
		c.mu.Unlock()
		t.once.Do(func() { close(t.stopped) })
		return true
	}
}

func (c *fakeClock) earliest() *fakeTimer {
	c.mu.Lock()
	defer c.mu.Unlock()
	var e *fakeTimer
	for _, t := range c.timers {
		if e == nil || t.when.Before(e.when) {
			e = t
		}
	}
	return e
}

// execFunc answers a command the way the fake world would.
type execFunc func(cmd string) int

// fakeExec runs commands against answer; commands listed in hang block, when
// run asynchronously, until they are killed.
type fakeExec struct {
	mu       sync.Mutex
	answer   execFunc
	hang     map[string]bool
	abnormal map[string]bool // these end by a signal at once
	hung     int
	calls    []string
	notify   func()
}

func (f *fakeExec) exec(ctx context.Context, cmd string) (int, error) {
	f.mu.Lock()
	f.calls = append(f.calls, cmd)
	hang := f.hang[cmd] && ctx.Value(asyncKey{}) != nil
	if hang {
		f.hung++
	}
	answer := f.answer
	abnormal := f.abnormal[cmd]
	f.mu.Unlock()
	if abnormal {
		return -1, errors.New("signal: killed")
	}
	if hang {
		f.notify()
		<-ctx.Done()
		f.mu.Lock()
		f.hung--
		f.mu.Unlock()
		return -1, errors.New("killed")
	}
	return answer(cmd), nil
}

func (f *fakeExec) hungCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hung
}

// harness runs a Machine under a fake clock, step by step: after each event
// it waits until the Machine has handled everything and waits again, and it
// lets every asynchronous test started in one step finish before the Machine
// reaps them, so that the same script always gives the same transcript.
type harness struct {
	t         *testing.T
	m         *Machine
	clock     *fakeClock
	exec      *fakeExec
	idle      chan struct{}
	delivered int
	linked    int
	cancel    context.CancelFunc
	done      chan error

	logMu sync.Mutex
	log   []string
}

func newHarness(t *testing.T, f *File, clock *fakeClock, answer execFunc, opts ...func(*Machine)) *harness {
	t.Helper()
	if clock == nil {
		clock = &fakeClock{}
	}
	clock.set(t0)
	h := &harness{
		t:     t,
		clock: clock,
		idle:  make(chan struct{}, 1),
		done:  make(chan error, 1),
	}
	m := NewMachine(f)
	h.m = m
	h.exec = &fakeExec{answer: answer, hang: map[string]bool{}, abnormal: map[string]bool{}, notify: func() {
		m.doneMu.Lock()
		m.doneCond.Broadcast()
		m.doneMu.Unlock()
	}}
	m.Exec = h.exec.exec
	m.Clock = h.clock
	m.Logf = func(format string, args ...any) {
		h.logMu.Lock()
		h.log = append(h.log, fmt.Sprintf("%d %s", int(h.clock.Now().Sub(t0).Seconds()), fmt.Sprintf(format, args...)))
		h.logMu.Unlock()
	}
	m.settle = func() {
		m.doneMu.Lock()
		for len(m.done)+h.exec.hungCount() < m.running {
			m.doneCond.Wait()
		}
		m.doneMu.Unlock()
	}
	m.idle = func() {
		select {
		case h.idle <- struct{}{}:
		default:
		}
	}
	for _, o := range opts {
		o(m)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- m.Run(ctx) }()
	t.Cleanup(h.stop)
	<-h.idle
	h.quiet()
	return h
}

// quiet waits until the Machine has handled every event given to it.
func (h *harness) quiet() {
	h.t.Helper()
	for {
		h.m.mu.Lock()
		h.m.doneMu.Lock()
		ok := h.m.fires == h.delivered && h.m.links == h.linked && len(h.m.done) == 0
		h.m.doneMu.Unlock()
		h.m.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-h.idle:
		case <-time.After(10 * time.Second): // a deadlock, not a timing
			h.t.Fatal("machine never settled")
		}
	}
}

// advance moves the clock by d, firing the Machine's timers on the way.
func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	target := h.clock.Now().Add(d)
	for {
		h.quiet()
		w := h.clock.earliest()
		if w == nil || w.when.After(target) {
			h.clock.set(target)
			return
		}
		h.clock.set(w.when)
		select {
		case w.c <- w.when:
			h.delivered++
		case <-w.stopped:
		}
	}
}

func (h *harness) link(ifname string, s LinkState) {
	h.t.Helper()
	h.quiet()
	if err := h.m.Link(context.Background(), ifname, s); err != nil {
		h.t.Fatal(err)
	}
	h.linked++
	h.quiet()
}

func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	if err := <-h.done; !errors.Is(err, context.Canceled) {
		h.t.Errorf("Run returned %v, want context.Canceled", err)
	}
}

// transcript returns the state changes and runs logged so far, as
// "SECONDS state NAME" and "SECONDS run CMD" with gifctl's path cut, and
// forgets them.
func (h *harness) transcript() []string {
	h.quiet()
	h.logMu.Lock()
	defer h.logMu.Unlock()
	var out []string
	for _, l := range h.log {
		sec, msg, _ := strings.Cut(l, " ")
		switch {
		case strings.HasPrefix(msg, "changing state to "):
			out = append(out, sec+" state "+strings.TrimPrefix(msg, "changing state to "))
		case strings.HasPrefix(msg, "running "):
			out = append(out, sec+" run "+strings.TrimPrefix(strings.TrimPrefix(msg, "running "), ifstated.DefaultGifctl+" "))
		}
	}
	h.log = nil
	return out
}

// logged returns every log line since the last transcript.
func (h *harness) logged() []string {
	h.quiet()
	h.logMu.Lock()
	defer h.logMu.Unlock()
	return slices.Clone(h.log)
}
