package bench

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/sim/netns"
)

// TestWorldSmoke runs every per-process measurement once, in a real
// World, with few samples: the harness must work before `make bench`
// spends minutes on it. It checks what the report's claims rest on.
func TestWorldSmoke(t *testing.T) {
	netns.Require(t)
	gifctl := filepath.Join(t.TempDir(), "gifctl")
	if out, err := exec.Command("go", "build", "-o", gifctl, "github.com/gifctl/gifctl/cmd/gifctl").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	w, err := NewWorld(gifctl)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	}()

	n, err := MeasureNoopRestart(w, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(n.First.Calls, "netstart gif0") || n.First.Updates != 1 {
		t.Errorf("first restart: calls %q, %d updates; want netstart and one update", n.First.Calls, n.First.Updates)
	}
	if want := []string{"ifconfig gif0"}; !slices.Equal(n.CallsPerRun, want) || n.Updates != 0 || n.Wrote() {
		t.Errorf("no-op restart: calls %q, %d updates, files %+v; want %q only", n.CallsPerRun, n.Updates, n.Files, want)
	}
	if !slices.ContainsFunc(n.Files, func(f FileObs) bool { return f.Path == "DIR/etc/hostname.gif0" }) {
		t.Errorf("hostname.gif0 not watched: %+v", n.Files)
	}

	// check tunnel with the static ifconfig must answer true, as with the
	// shell stand-in: MeasureProcesses checks every exit status.
	if err := w.UseStaticIfconfig(context.Background(), "go"); err != nil {
		t.Fatal(err)
	}
	cmds, err := ProcessCmds(w, "")
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := MeasureProcesses(w, cmds, ProcOptions{Rounds: 1, RSSRuns: 1, Meter: NewRSSMeter(self)})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Wall.N != 1 || r.PeakKB <= 0 {
			t.Errorf("%s: %+v", r.Cmd.Label, r)
		}
	}

	if r := FindProc(rows, LabelNoop); r.Wall.N != 1 {
		t.Errorf("no row for the restart with nothing to do: %+v", rows)
	}
	if calls := w.Calls(); !slices.Contains(calls, "ifconfig gif0") || slices.Contains(calls, "netstart gif0") {
		t.Errorf("the processes called %q: ifconfig only, never netstart", calls)
	}
	if n := w.Updates(); n != 1 {
		t.Errorf("%d broker updates in all, want the first restart's only", n)
	}

	anyOf, seq, err := ProbeCmds(w)
	if err != nil {
		t.Fatal(err)
	}
	// Each command is checked for its exit status: the silent targets
	// must be silent and the live ones live for the figures to mean
	// anything.
	anyOf = append(anyOf, w.Cmd("silent ipv4", 1, "check", "ipv4", "--timeout=300ms", Silent4.String()),
		w.Cmd("silent ipv6", 1, "check", "ipv6", "--timeout=300ms", Silent6.String()))
	probes, err := MeasureProbes(w, anyOf, seq, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(probes) != len(anyOf)+len(seq) {
		t.Errorf("%d probe rows, want %d", len(probes), len(anyOf)+len(seq))
	}

	arrs, err := Arrangements(w)
	if err != nil {
		t.Fatal(err)
	}
	if err := MeasureCost(w, arrs, 1); err != nil {
		t.Fatal(err)
	}
	tunnelChecked := map[string]bool{}
	for _, a := range arrs {
		for _, tc := range a.Tests {
			if tc.CPU.N != 1 || tc.CPU.Median <= 0 {
				t.Errorf("%s: %q not measured: %+v", a.Name, tc.Label, tc.CPU)
			}
			tunnelChecked[a.Name] = tunnelChecked[a.Name] || strings.Contains(tc.Label, "check tunnel")
		}
	}
	if want := map[string]bool{ArrPing: false, ArrGenerated: true, ArrWatch: false}; !maps.Equal(tunnelChecked, want) {
		t.Errorf("check tunnel among the tests: %v, want %v", tunnelChecked, want)
	}
	c, err := MeasureWatch(context.Background(), w, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if c.IdlePasses != 0 || c.Passes == 0 || c.Pass <= 0 {
		t.Errorf("watch: %+v, want no pass of the idle one, and some of the other", c)
	}
	if n := w.Updates(); n != 1 {
		t.Errorf("%d broker updates after watch, want the first restart's only", n)
	}
}
