package ifstatedsim

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"fmt"

	"github.com/google/go-cmp/cmp"
)

// answers is a fake world for hand-written files: each command exits with
// the status set for it, 0 when none is; other commands are actions.
type answers struct {
	mu sync.Mutex
	m  map[string]int
}

func (a *answers) set(cmd string, code int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.m[cmd] = code
}

func (a *answers) answer(cmd string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.m[cmd]
}

func mustParse(t *testing.T, text string) *File {
	t.Helper()
	f, err := Parse("test.conf", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func newAnswers(kv ...any) *answers {
	a := &answers{m: map[string]int{}}
	for i := 0; i < len(kv); i += 2 {
		a.m[kv[i].(string)] = kv[i+1].(int)
	}
	return a
}

func (h *harness) calls() []string {
	h.quiet()
	h.exec.mu.Lock()
	defer h.exec.mu.Unlock()
	out := h.exec.calls
	h.exec.calls = nil
	return out
}

// Entering a state runs its tests, in the order the file names them (init
// blocks too), waiting for each, then init, then the body.
func TestEnterOrder(t *testing.T) {
	f := mustParse(t, `
state one {
	if "b" every 20 {
		run "body-b"
	}
	init {
		if "a" every 10 {
			run "init-a"
		}
	}
	if "a" every 10 {
		run "body-a"
	}
}
`)
	h := newHarness(t, f, nil, newAnswers().answer)
	want := []string{"b", "a", "init-a", "body-b", "body-a"}
	if diff := cmp.Diff(want, h.calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// set-state naming the current state does not enter it again, and the
// actions after a set-state still run.
func TestSetStateSelfAndRest(t *testing.T) {
	f := mustParse(t, `
state one {
	init {
		run "init"
	}
	if "t" every 5 {
		set-state one
		run "after"
	}
}
`)
	a := newAnswers("t", 1)
	h := newHarness(t, f, nil, a.answer)
	a.set("t", 0)
	h.advance(sec(5))
	wantTranscript(t, h, []string{"0 state one", "0 run init", "5 run after"})
}

// A change of any test evaluates the whole body: every true if runs.
func TestEveryTrueIfRuns(t *testing.T) {
	f := mustParse(t, `
state s {
	if "a" every 5 {
		run "A"
	}
	if "b" every 7 {
		run "B"
	}
}
`)
	a := newAnswers("b", 1)
	h := newHarness(t, f, nil, a.answer)
	a.set("b", 0)
	h.advance(sec(7))
	a.set("b", 2) // still false, but another exit status: a change
	h.advance(sec(7))
	h.advance(sec(30)) // nothing changes: nothing runs
	wantTranscript(t, h, []string{"0 state s", "0 run A", "7 run A", "7 run B", "14 run A"})
}

// Back in a state, a change is noted but not acted on until the test that
// reported longest ago has run again (eval_state's guard).
func TestEvalGuardAfterReentry(t *testing.T) {
	f := mustParse(t, `
state one {
	if "go" every 5 {
		set-state two
	}
	if ! "fast" every 5 {
		run "R"
	}
	if "slow" every 30 {
		run "S"
	}
}
state two {
	if ! "go" every 5 {
		set-state one
	}
}
`)
	a := newAnswers("go", 1, "slow", 1)
	h := newHarness(t, f, nil, a.answer)
	h.advance(sec(32))
	a.set("go", 0)
	h.advance(sec(10)) // 42: in two since 35
	a.set("go", 1)
	h.advance(sec(5)) // 47: in one since 45
	a.set("fast", 1)
	h.advance(sec(53)) // 100: R is due since 50, but slow ran last at 30
	a.set("fast", 0)
	h.advance(sec(7))
	a.set("fast", 1)
	h.advance(sec(5)) // 112
	want := `50 state one not evaluated: test "slow" has not run since the state was entered`
	if got := h.logged(); !slices.Contains(got, want) {
		t.Errorf("log lacks %q:\n%s", want, strings.Join(got, "\n"))
	}
	wantTranscript(t, h, []string{"0 state one", "35 state two", "45 state one", "110 run R"})
}

// A test without a result leaves its expressions false, ! included: a
// killed first run keeps ! "t" false until t reports.
func TestAbnormalSyncRun(t *testing.T) {
	f := mustParse(t, `
state s {
	if ! "t" every 5 {
		run "N"
	}
}
`)
	a := newAnswers("t", 1)
	var once sync.Once
	h := newHarness(t, f, nil, a.answer, func(m *Machine) {
		inner := m.Exec
		m.Exec = func(ctx context.Context, cmd string) (int, error) {
			if cmd == "t" {
				killed := false
				once.Do(func() { killed = true })
				if killed {
					return -1, context.Canceled
				}
			}
			return inner(ctx, cmd)
		}
	})
	h.advance(sec(5))
	wantTranscript(t, h, []string{"0 state s", "5 run N"})
}

// Link tests follow the link state, and unknown counts as up
// (LINK_STATE_IS_UP).
func TestLinkTests(t *testing.T) {
	f := mustParse(t, `
state s {
	if em0.link.down {
		run "down"
	}
	if em0.link.up {
		run "up"
	}
	if em0.link.unknown {
		run "unknown"
	}
}
`)
	h := newHarness(t, f, nil, newAnswers().answer, func(m *Machine) {
		m.Links = func() map[string]LinkState { return map[string]LinkState{"em0": LinkStateUp, "em1": LinkStateDown} }
	})
	h.link("em0", LinkStateDown)
	h.link("em0", LinkStateDown) // no change: nothing
	h.link("em0", LinkStateUnknown)
	h.link("em1", LinkStateUp)
	wantTranscript(t, h, []string{"0 state s", "0 run up", "0 run down", "0 run up", "0 run unknown"})
}

// Actions outside any state run at start-up and when their tests change,
// whatever the state; their tests are not run again on a state change.
func TestGlobalActions(t *testing.T) {
	f := mustParse(t, `
if "g" every 10 {
	run "G"
}
state one {
	if ! "t" every 5 {
		set-state two
	}
}
state two {
	if "t" every 5 {
		set-state one
	}
}
`)
	a := newAnswers()
	h := newHarness(t, f, nil, a.answer)
	a.set("t", 1)
	h.advance(sec(5))
	a.set("g", 1)
	h.advance(sec(5))
	a.set("g", 0)
	h.advance(sec(10))
	wantTranscript(t, h, []string{"0 run G", "0 state one", "5 state two", "20 run G"})
	gs := 0
	for _, c := range h.calls() {
		if c == "g" {
			gs++
		}
	}
	if gs != 3 { // 0, 10, 20
		t.Errorf("g ran %d times, want 3", gs)
	}
}

// Run ends with its context, killing a test that hangs.
func TestRunStopsKillingHungTest(t *testing.T) {
	f := mustParse(t, "state s {\n\tif \"t\" every 5 {\n\t\trun \"x\"\n\t}\n}\n")
	h := newHarness(t, f, nil, newAnswers().answer)
	h.exec.mu.Lock()
	h.exec.hang["t"] = true
	h.exec.mu.Unlock()
	h.advance(sec(5))
	h.stop()
	if n := h.exec.hungCount(); n != 0 {
		t.Errorf("%d tests still hang after Run returned", n)
	}
}

// The real seams: sh and the wall clock, stopped once the init block ran.
func TestRunWithShell(t *testing.T) {
	dir := t.TempDir()
	mark := filepath.Join(dir, "ran")
	f := mustParse(t, "state s {\n\tinit {\n\t\trun \"echo x > "+mark+"\"\n\t}\n\tif ! \"exit 3\" every 60 {\n\t\tset-state done\n\t}\n}\nstate done {\n\tinit run \"true\"\n}\n")
	m := NewMachine(f)
	ctx, cancel := context.WithCancel(context.Background())
	var lines []string
	m.Logf = func(format string, args ...any) {
		l := strings.TrimSpace(strings.ReplaceAll(sprintf(format, args...), mark, "MARK"))
		lines = append(lines, l)
		if l == "changing state to done" {
			cancel()
		}
	}
	if err := m.Run(ctx); err != context.Canceled {
		t.Fatalf("Run: %v", err)
	}
	if _, err := os.Stat(mark); err != nil {
		t.Error(err)
	}
	want := []string{"initial state: s", "changing state to s", `test "exit 3": exit 3`, "running echo x > MARK", "changing state to done"}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

func TestShellExec(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		cmd     string
		code    int
		wantErr bool
	}{
		{"true", 0, false},
		{"exit 3", 3, false},
		{"kill -9 $$", -1, true},
	} {
		code, err := ShellExec(ctx, tc.cmd)
		if code != tc.code || (err != nil) != tc.wantErr {
			t.Errorf("ShellExec(%q) = %d, %v; want %d, error %v", tc.cmd, code, err, tc.code, tc.wantErr)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ShellExec(cctx, "true"); err == nil {
		t.Error("ShellExec with an ended context: no error")
	}
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
