package bench

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDecompose(t *testing.T) {
	row := func(label string, median time.Duration) ProcRow {
		return ProcRow{Cmd: Cmd{Label: label}, Wall: Summary{N: 1, Median: median}}
	}
	ms := time.Millisecond
	rows := []ProcRow{
		row(LabelTrue, 1*ms), row(LabelGoFloor, 2*ms), row(LabelVersion, 5*ms),
		row(LabelConfigTest, 6*ms), row(LabelCheckTunnelStatic, 9*ms), row(LabelIfconfigStatic, 2*ms),
	}
	var got []time.Duration
	for _, s := range Decompose(rows) {
		got = append(got, s.Cost)
	}
	if diff := cmp.Diff([]time.Duration{1 * ms, 1 * ms, 3 * ms, 1 * ms, 3 * ms, 2 * ms}, got); diff != "" {
		t.Errorf("layers (-want +got):\n%s", diff)
	}
	// Without the Go floor, the layers that need it are left out.
	if n := len(Decompose(append(rows[:1:1], rows[2:]...))); n != 4 {
		t.Errorf("%d layers without the Go floor, want 4", n)
	}
}

func TestInitTrace(t *testing.T) {
	script := `cat >&2 <<'X'
init internal/bytealg @0.008 ms, 0.010 ms clock, 0 bytes, 0 allocs
init runtime @0.1 ms, 0.30 ms clock, 0 bytes, 0 allocs
something else
init net/http @9 ms, 0.29 ms clock, 4712 bytes, 49 allocs
X`
	total, top, err := InitTrace(Cmd{Label: "sh", Argv: []string{"/bin/sh", "-c", script}}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := 600 * time.Microsecond; total != want {
		t.Errorf("total %s, want %s", total, want)
	}
	want := []InitCost{{"runtime", 300 * time.Microsecond, 0}, {"net/http", 290 * time.Microsecond, 4712}}
	if diff := cmp.Diff(want, top); diff != "" {
		t.Errorf("costliest (-want +got):\n%s", diff)
	}
}

func TestParsePerfChildren(t *testing.T) {
	out := `# Samples: 10K of event 'cpu-clock'
#
# Children      Self  Symbol
# ........  ........  ...................
#
    40.63%     0.00%  [.] runtime.goexit.abi0
    13.21%     0.13%  [.] github.com/alecthomas/kong.New
     2.57%     0.02%  [k] __x64_sys_nanosleep
     1.00%     0.01%  [.] main.(*app).loadConfig
`
	want := map[string]float64{
		"runtime.goexit.abi0":            40.63,
		"github.com/alecthomas/kong.New": 13.21,
		"__x64_sys_nanosleep":            2.57,
		"main.(*app).loadConfig":         1.00,
	}
	if diff := cmp.Diff(want, parsePerfChildren([]byte(out))); diff != "" {
		t.Errorf("parsePerfChildren (-want +got):\n%s", diff)
	}
}

func TestShellJoin(t *testing.T) {
	if got, want := shellJoin([]string{"/x y/gifctl", "-c", "it's"}), `'/x y/gifctl' '-c' 'it'\''s'`; got != want {
		t.Errorf("shellJoin = %s, want %s", got, want)
	}
}
