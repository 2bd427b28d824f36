package ifstatedsim

import (
	"context"
	"sync"
	"time"
)

// LinkState is an interface's link state, numbered as OpenBSD's
// LINK_STATE_* in net/if.h.
type LinkState int

// The link states.
const (
	LinkStateUnknown    LinkState = 0
	LinkStateInvalid    LinkState = 1
	LinkStateDown       LinkState = 2
	LinkStateKaliveDown LinkState = 3
	LinkStateUp         LinkState = 4
	LinkStateHalfDuplex LinkState = 5
	LinkStateFullDuplex LinkState = 6
)

// isUp is LINK_STATE_IS_UP: an unknown link counts as up, so gif0.link.up
// is true for a gif(4), which never reports its link.
func (s LinkState) isUp() bool { return s >= LinkStateUp || s == LinkStateUnknown }

// Machine runs a parsed ifstated.conf as ifstated(8) does (ifstated.c
// v1.68), with seams for running commands, for time and for its log, so
// that a simulation or a test can drive the file gifctl generates.
//
// Set the fields before Run; Exec and Clock default to ShellExec and the
// wall clock, Logf to nothing.
type Machine struct {
	// Exec runs cmd (a test or a run action) through sh -c and returns its
	// exit status. err != nil means it did not exit by itself, as when
	// killed: a test then keeps its previous result. ctx ends when the
	// Machine kills a test whose next run is due.
	Exec func(ctx context.Context, cmd string) (exitCode int, err error)
	// Clock gives the time and the timers.
	Clock Clock
	// Logf reports what happens, one line a call:
	//	initial state: NAME
	//	changing state to NAME
	//	running CMD                      a run action
	//	test "CMD": exit N               a test's result changed
	//	test "CMD" exited abnormally: ERR
	//	test "CMD" still running, killing it
	//	state NAME not evaluated: ...    ifstated's guard, see eval
	Logf func(format string, args ...any)
	// Links gives the link state of each interface at start-up, for link
	// tests; nil means none is known. Later changes come through Link.
	Links func() map[string]LinkState

	global *rstate // the actions outside any state
	states []*rstate
	start  *rstate
	cur    *rstate
	next   *rstate

	// mu is held by Run while it works; tests read the Machine under it.
	mu      sync.Mutex
	running int       // asynchronous test runs not yet reaped
	stepNow time.Time // libevent's cached time: when this step began

	doneMu   sync.Mutex
	doneCond *sync.Cond
	done     []*asyncRun // finished runs, reaped at the next kick
	kick     chan struct{}
	linkC    chan linkEvent

	// Counters and hooks for tests: how many timer and link events Run
	// handled; settle runs with mu held at the end of each step, idle after
	// mu is released, before Run waits.
	fires, links int
	settle, idle func()
}

type linkEvent struct {
	ifname string
	state  LinkState
}

// rstate is a state at run time: ifsd_state.
type rstate struct {
	name    string
	init    []*ract
	body    []*ract
	exts    []*extTest // in ifstated's order, which completions change
	links   []*linkTest
	entered int64 // time(NULL) when entered
}

type ract struct {
	kind   ActionKind
	cmd    string
	target *rstate
	cond   *node
	then   []*ract
}

// node is an expression with its truth, kept up to date from the leaves as
// ifstated does: a node no leaf below has reported on is false, so
// ! "test" is false until the test has a result.
type node struct {
	op     Op
	x, y   *node
	parent *node
	truth  bool
}

// extTest is an external test, shared by the expressions of one state that
// name the same command and interval (ifsd_external).
type extTest struct {
	cmd      string
	every    time.Duration
	prev     int   // last exit status, -1 before the first
	lastexec int64 // time(NULL) of the last asynchronous result, 0 never
	leaves   []*node
	armed    bool
	due      time.Time
	run      *asyncRun
	seq      int
}

type linkTest struct {
	ifname string
	cond   LinkCond
	prev   LinkState // -1 before the first report
	leaves []*node
	seq    int
}

type asyncRun struct {
	ext      *extTest
	cancel   context.CancelFunc
	finished chan struct{}
	code     int
	err      error
}

// NewMachine prepares f to run. f must come from Parse: every set-state
// names a state.
func NewMachine(f *File) *Machine {
	m := &Machine{
		kick:  make(chan struct{}, 1),
		linkC: make(chan linkEvent),
	}
	m.doneCond = sync.NewCond(&m.doneMu)
	byName := map[string]*rstate{}
	for _, s := range f.States {
		rs := &rstate{name: s.Name}
		m.states = append(m.states, rs)
		byName[s.Name] = rs
	}
	b := &builder{byName: byName}
	m.global = &rstate{name: "(global)"}
	b.state = m.global
	m.global.body = b.actions(f.Global)
	b.finish()
	for i, s := range f.States {
		rs := m.states[i]
		b.state = rs
		rs.init = b.actions(s.Init)
		rs.body = b.actions(s.Body)
		b.finish()
	}
	if s := f.Start(); s != nil {
		m.start = byName[s.Name]
	}
	return m
}

type builder struct {
	byName map[string]*rstate
	state  *rstate
}

func (b *builder) actions(acts []*Action) []*ract {
	var out []*ract
	for _, a := range acts {
		r := &ract{kind: a.Kind, cmd: a.Command, target: b.byName[a.State]}
		if a.Kind == If {
			r.cond = b.expr(a.Cond, nil)
			r.then = b.actions(a.Then)
		}
		out = append(out, r)
	}
	return out
}

func (b *builder) expr(e *Expr, parent *node) *node {
	n := &node{op: e.Op, parent: parent}
	switch e.Op {
	case Not:
		n.x = b.expr(e.X, n)
	case And, Or:
		n.x = b.expr(e.X, n)
		n.y = b.expr(e.Y, n)
	case External:
		t := b.external(e)
		t.leaves = append(t.leaves, n)
	case Link:
		t := b.link(e)
		t.leaves = append(t.leaves, n)
	}
	return n
}

// external is new_external: one test per command and interval in a state.
func (b *builder) external(e *Expr) *extTest {
	every := time.Duration(e.Every) * time.Second
	for _, t := range b.state.exts {
		if t.cmd == e.Command && t.every == every {
			return t
		}
	}
	t := &extTest{cmd: e.Command, every: every, prev: -1, seq: e.seq}
	b.state.exts = append(b.state.exts, t)
	return t
}

func (b *builder) link(e *Expr) *linkTest {
	for _, t := range b.state.links {
		if t.ifname == e.Interface && t.cond == e.Link {
			return t
		}
	}
	t := &linkTest{ifname: e.Interface, cond: e.Link, prev: -1, seq: e.seq}
	b.state.links = append(b.state.links, t)
	return t
}

// finish puts the state's tests in parse order, as the parser creates them
// (init blocks may come after the body's ifs).
func (b *builder) finish() {
	s := b.state.exts
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].seq < s[j-1].seq; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
