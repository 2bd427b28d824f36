package ifstatedsim

import (
	"context"
	"maps"
	"slices"
	"time"
)

// asyncKey marks the context of an asynchronous test run, for test fakes.
type asyncKey struct{}

// Run loads the file as ifstated's load_config does and then runs it until
// ctx ends, killing the tests still running. It returns ctx.Err(). Call it
// once; Link may be called from other goroutines while it runs.
func (m *Machine) Run(ctx context.Context) error {
	if m.Exec == nil {
		m.Exec = ShellExec
	}
	if m.Clock == nil {
		m.Clock = SystemClock{}
	}
	m.mu.Lock()
	m.stepNow = m.Clock.Now()
	m.load(ctx)
	m.step()
	for {
		if ctx.Err() != nil {
			m.shutdown()
			m.mu.Unlock()
			return ctx.Err()
		}
		var timerC <-chan time.Time
		stop := func() bool { return false }
		if due, ok := m.nextDue(); ok {
			d := due.Sub(m.Clock.Now())
			if d <= 0 {
				m.stepNow = m.Clock.Now()
				m.fireDue(ctx)
				m.step()
				continue
			}
			timerC, stop = m.Clock.Timer(d)
		}
		m.mu.Unlock()
		if m.idle != nil {
			m.idle()
		}
		select {
		case <-ctx.Done():
			m.mu.Lock()
			stop()
			continue
		case <-timerC:
			m.mu.Lock()
			m.fires++
			m.stepNow = m.Clock.Now()
			m.fireDue(ctx)
		case <-m.kick:
			m.mu.Lock()
			m.stepNow = m.Clock.Now()
			m.reap(ctx)
		case ev := <-m.linkC:
			m.mu.Lock()
			m.links++
			m.stepNow = m.Clock.Now()
			m.scanLink(ctx, ev.ifname, ev.state, true)
		}
		stop()
		m.step()
	}
}

func (m *Machine) step() {
	if m.settle != nil {
		m.settle()
	}
}

// Link reports a link state change of ifname, as a routing message
// (RTM_IFINFO) does to ifstated. It waits for Run to take it.
func (m *Machine) Link(ctx context.Context, ifname string, s LinkState) error {
	select {
	case m.linkC <- linkEvent{ifname, s}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (m *Machine) logf(format string, args ...any) {
	if m.Logf != nil {
		m.Logf(format, args...)
	}
}

func (m *Machine) unix() int64 { return m.Clock.Now().Unix() }

// load is load_config: link states, the global tests (run and waited for),
// the global actions, then the initial state entered like any other.
func (m *Machine) load(ctx context.Context) {
	m.global.entered = m.unix()
	if m.Links != nil {
		links := m.Links()
		for _, name := range slices.Sorted(maps.Keys(links)) {
			m.scanLink(ctx, name, links[name], false)
		}
	}
	m.setup(ctx, m.global)
	m.adjust(m.global)
	m.eval(ctx, m.global)
	if m.start == nil {
		return
	}
	m.logf("initial state: %s", m.start.name)
	m.next, m.cur = m.start, nil
	for m.stateChange(ctx) && ctx.Err() == nil {
		m.do(ctx, m.cur.init)
		m.do(ctx, m.cur.body)
	}
}

// setup is external_evtimer_setup(IFSD_EVTIMER_ADD): each test runs once,
// waited for, and is scheduled its interval later.
func (m *Machine) setup(ctx context.Context, s *rstate) {
	for _, t := range s.exts {
		m.syncRun(ctx, t)
		t.armed, t.due = true, m.stepNow.Add(t.every)
	}
}

// teardown is IFSD_EVTIMER_DEL: running tests are killed, timers removed.
func (m *Machine) teardown(s *rstate) {
	for _, t := range s.exts {
		if t.run != nil {
			m.kill(t)
		}
		t.armed = false
	}
}

func (m *Machine) shutdown() {
	m.teardown(m.global)
	if m.cur != nil {
		m.teardown(m.cur)
	}
}

// syncRun is external_exec(external, 0): the daemon waits; the result is
// taken only if the test exited by itself, and does not count as the
// asynchronous run eval's guard waits for.
func (m *Machine) syncRun(ctx context.Context, t *extTest) {
	if t.run != nil {
		m.logf("test %q still running, killing it", t.cmd)
		m.kill(t)
	}
	code, err := m.Exec(ctx, t.cmd)
	m.result(t, code, err)
}

// result records an exit status; it reports whether it changed.
func (m *Machine) result(t *extTest, code int, err error) bool {
	if err != nil {
		m.logf("test %q exited abnormally: %v", t.cmd, err)
		return false
	}
	if code == t.prev {
		return false
	}
	m.logf("test %q: exit %d", t.cmd, code)
	t.prev = code
	return true
}

func (m *Machine) startAsync(ctx context.Context, t *extTest) {
	rctx, cancel := context.WithCancel(context.WithValue(ctx, asyncKey{}, true))
	r := &asyncRun{ext: t, cancel: cancel, finished: make(chan struct{})}
	t.run = r
	m.running++
	go func() {
		code, err := m.Exec(rctx, t.cmd)
		cancel()
		m.doneMu.Lock()
		r.code, r.err = code, err
		m.done = append(m.done, r)
		m.doneCond.Broadcast()
		m.doneMu.Unlock()
		close(r.finished)
		select {
		case m.kick <- struct{}{}:
		default:
		}
	}()
}

// kill is kill(pid, SIGKILL) and waitpid: the result is thrown away, so the
// test keeps its previous value.
func (m *Machine) kill(t *extTest) {
	r := t.run
	r.cancel()
	<-r.finished
	m.doneMu.Lock()
	m.done = slices.DeleteFunc(m.done, func(x *asyncRun) bool { return x == r })
	m.doneMu.Unlock()
	m.running--
	t.run = nil
}

func (m *Machine) nextDue() (time.Time, bool) {
	var due time.Time
	ok := false
	for _, t := range m.timed() {
		if t.armed && (!ok || t.due.Before(due)) {
			due, ok = t.due, true
		}
	}
	return due, ok
}

// timed lists the tests with timers: the global ones and the current state's.
func (m *Machine) timed() []*extTest {
	ts := slices.Clone(m.global.exts)
	if m.cur != nil {
		ts = append(ts, m.cur.exts...)
	}
	return ts
}

// fireDue is external_handler for each test that is due, earliest first:
// schedule the next run, kill the previous one if it still runs, start.
func (m *Machine) fireDue(ctx context.Context) {
	now := m.Clock.Now()
	for {
		var t *extTest
		for _, x := range m.timed() {
			if x.armed && !x.due.After(now) && (t == nil || x.due.Before(t.due)) {
				t = x
			}
		}
		if t == nil {
			return
		}
		t.due = now.Add(t.every)
		if t.run != nil {
			m.logf("test %q still running, killing it", t.cmd)
			m.kill(t)
		}
		m.startAsync(ctx, t)
	}
}

// reap is sigchld_handler: the finished runs, global tests first.
func (m *Machine) reap(ctx context.Context) {
	m.doneMu.Lock()
	batch := m.done
	m.done = nil
	m.doneMu.Unlock()
	m.running -= len(batch)
	results := map[*extTest]*asyncRun{}
	for _, r := range batch {
		if r.ext.run == r {
			r.ext.run = nil
		}
		results[r.ext] = r
	}
	m.checkStatus(ctx, m.global, results)
	if m.cur != nil {
		m.checkStatus(ctx, m.cur, results)
	}
}

// checkStatus is check_external_status: each finished test moves to the end
// of the list (so the first is the one that reported longest ago); if any
// exit status changed, the expressions are updated and the state evaluated.
func (m *Machine) checkStatus(ctx context.Context, s *rstate, results map[*extTest]*asyncRun) {
	changed := false
	for _, t := range slices.Clone(s.exts) {
		r, ok := results[t]
		if !ok {
			continue
		}
		if r.err != nil {
			m.result(t, r.code, r.err)
			continue
		}
		if m.result(t, r.code, nil) {
			changed = true
		}
		t.lastexec = m.unix()
		s.exts = append(slices.DeleteFunc(s.exts, func(x *extTest) bool { return x == t }), t)
	}
	if changed {
		m.adjust(s)
		m.eval(ctx, s)
	}
}

// adjust is adjust_external_expressions: every test with a result sets its
// expressions, and the nodes above are computed again.
func (m *Machine) adjust(s *rstate) {
	for _, t := range s.exts {
		if t.prev == -1 {
			continue
		}
		for _, n := range t.leaves {
			n.truth = t.prev == 0
			propagate(n)
		}
	}
}

func propagate(n *node) {
	for p := n.parent; p != nil; p = p.parent {
		switch p.op {
		case Not:
			p.truth = !p.x.truth
		case And:
			p.truth = p.x.truth && p.y.truth
		case Or:
			p.truth = p.x.truth || p.y.truth
		}
	}
}

// eval is eval_state. Its guard: the body runs only if the state's first
// test (the one that reported longest ago) has reported since the state was
// entered, or never has. So after coming back to a state, a change is noted
// but not acted on until every test has run once more.
func (m *Machine) eval(ctx context.Context, s *rstate) {
	if len(s.exts) > 0 {
		first := s.exts[0]
		if first.lastexec != 0 && first.lastexec < s.entered {
			m.logf("state %s not evaluated: test %q has not run since the state was entered", s.name, first.cmd)
			return
		}
	}
	m.do(ctx, s.body)
	for m.stateChange(ctx) && ctx.Err() == nil {
		m.do(ctx, m.cur.init)
		m.do(ctx, m.cur.body)
	}
}

// stateChange is state_change. A set-state naming the current state does
// nothing: the state is not entered again.
func (m *Machine) stateChange(ctx context.Context) bool {
	if m.next == nil || m.next == m.cur {
		return false
	}
	m.logf("changing state to %s", m.next.name)
	if m.cur != nil {
		m.teardown(m.cur)
	}
	m.cur, m.next = m.next, nil
	m.cur.entered = m.unix()
	m.setup(ctx, m.cur)
	m.adjust(m.cur)
	return true
}

// do is do_action: run waits for the command and ignores its status,
// set-state only records the next state (the rest of the body still runs),
// if runs its block when its condition is true.
func (m *Machine) do(ctx context.Context, acts []*ract) {
	for _, a := range acts {
		switch a.kind {
		case Run:
			m.logf("running %s", a.cmd)
			_, _ = m.Exec(ctx, a.cmd)
		case SetState:
			m.next = a.target
		case If:
			if a.cond.truth {
				m.do(ctx, a.then)
			}
		}
	}
}

// scanLink is scan_ifstate: the link tests of every state follow the
// interface; the global actions and the current state are evaluated if
// theirs changed.
func (m *Machine) scanLink(ctx context.Context, ifname string, s LinkState, eval bool) {
	if m.scanLinkState(ifname, s, m.global) && eval {
		m.eval(ctx, m.global)
	}
	evalCur := false
	for _, st := range m.states {
		if m.scanLinkState(ifname, s, st) && eval && st == m.cur {
			evalCur = true
		}
	}
	if evalCur {
		m.eval(ctx, m.cur)
	}
}

func (m *Machine) scanLinkState(ifname string, s LinkState, st *rstate) bool {
	changed := false
	for _, t := range st.links {
		if t.ifname != ifname || t.prev == s {
			continue
		}
		var truth bool
		switch t.cond {
		case LinkUnknown:
			truth = s == LinkStateUnknown
		case LinkDown:
			truth = !s.isUp()
		case LinkUp:
			truth = s.isUp()
		}
		for _, n := range t.leaves {
			n.truth = truth
			propagate(n)
			changed = true
		}
		t.prev = s
	}
	return changed
}
