package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// StartTests takes the tests of the start state and those outside any
// state, each once, and none of the other states'.
func TestStartTests(t *testing.T) {
	conf := `retry = '( ( "exit 1" every 30 ) || ! ( "exit 1" every 30 ) )'
if ( "global" every 10 ) {
	run "x"
}
init-state auto
state other {
	if ( "other" every 5 ) {
		set-state auto
	}
}
state auto {
	init {
		if ( "init" every 60 ) {
			run "y"
		}
	}
	if ( "body" every 5 ) && $retry {
		set-state other
	}
	if ( "body" every 7 ) {
		run "z"
	}
}
`
	tests, err := StartTests("t.conf", []byte(conf))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tc := range tests {
		got = append(got, tc.Command+" every "+tc.Every.String())
	}
	want := []string{"global every 10s", "init every 1m0s", "body every 5s", "exit 1 every 30s", "body every 7s"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tests (-want +got):\n%s", diff)
	}

	// The ping style: its two pings every minute.
	tests, err = StartTests("ping", []byte(PingStyleConf))
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) != 2 || tests[0].Every != time.Minute || !strings.HasPrefix(tests[0].Command, "ping ") || !strings.HasPrefix(tests[1].Command, "ping6 ") {
		t.Errorf("ping style: %+v", tests)
	}
	if _, err := StartTests("bad", []byte("state {")); err == nil {
		t.Error("a file that does not parse: no error")
	}
}

func TestCostPerDay(t *testing.T) {
	ms := time.Millisecond
	a := Arrangement{
		Tests: []TestCost{{Every: 5 * time.Second, CPU: sample(10 * ms)}, {Every: time.Minute, CPU: sample(6 * ms)}},
		Watch: &WatchCost{Window: 30 * time.Second, Idle: ms, Pass: 4 * ms},
	}
	// 17280 x 10 ms + 1440 x 6 ms + 2880 x 1 ms + 144 x 4 ms
	if got, want := a.PerDay(), 172800*ms+8640*ms+2880*ms+576*ms; got != want {
		t.Errorf("PerDay = %v, want %v", got, want)
	}
	if got := a.ChildrenPerDay(); got != 17280+1440+144 {
		t.Errorf("ChildrenPerDay = %v", got)
	}
}

func TestReadCPU(t *testing.T) {
	p := readCPU(os.Getpid())
	if p.err != nil || p.run <= 0 {
		t.Errorf("this process: %+v", p)
	}
	if p := readCPU(1 << 30); p.err == nil {
		t.Errorf("no such process: %+v, want an error", p)
	}
}

func TestIfconfigCalls(t *testing.T) {
	dir := t.TempDir()
	trace := "10 ifconfig gif0\n11 ifconfig gif0\n10 netstart gif0\n10 ifconfig gif0\nbogus\n"
	if err := os.WriteFile(filepath.Join(dir, "trace"), []byte(trace), 0o600); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[int]int{10: 2, 11: 1}, ifconfigCalls(dir)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}
