package bench

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func sample(d time.Duration) Summary { return Summarize([]time.Duration{d}) }

func testReport() *Report {
	ms, us := time.Millisecond, time.Microsecond
	proc := func(label string, d time.Duration, kb int64) ProcRow {
		return ProcRow{Cmd: Cmd{Label: label, Argv: []string{"/x/" + label}}, Wall: sample(d), PeakKB: kb}
	}
	probe := func(label string, d time.Duration) ProbeRow {
		return ProbeRow{Cmd: Cmd{Label: label, Argv: []string{"/x"}}, Wall: sample(d)}
	}
	return &Report{
		Date:    time.Date(2026, 11, 23, 21, 0, 0, 0, time.UTC),
		Command: "make bench",
		Procs: []ProcRow{
			proc(LabelTrue, 1*ms, 1000), proc(LabelPingLo, 2*ms, 2000), proc(LabelCheckTunnel, 9*ms, 9000),
			proc(LabelGoFloor, 1500*us, 1500), proc(LabelVersion, 5*ms, 7000), proc(LabelConfigTest, 6*ms, 7000),
			proc(LabelIfconfig, 2*ms, 1500), proc(LabelCheckTunnelStatic, 5*ms, 9000), proc(LabelIfconfigStatic, 1500*us, 1500),
		},
		Probes: []ProbeRow{
			probe(LabelAnyLive4, 10*ms), probe(LabelAnyBoth4, 15*ms), probe(LabelSeqBoth4, 1010*ms),
			probe(LabelAnyLive6, 10*ms), probe(LabelAnyBoth6, 25*ms), probe(LabelSeqBoth6, 1010*ms),
		},
		Noop: &NoopResult{
			Cmd: Cmd{Argv: []string{"gifctl", "restart", "gif0"}}, Wall: sample(12 * ms), CallsPerRun: []string{"ifconfig gif0"},
			Files: []FileObs{{Path: "DIR/etc/hostname.gif0", Before: "inode 1", After: "inode 1"}},
		},
		Recovery: []Recovery{
			{Style: GeneratedStyle, Runs: []RecoveryRun{{Took: 4 * time.Second}, {Took: 6 * time.Second}, {Took: 5 * time.Second}}},
			{Style: WatchStyle, Runs: []RecoveryRun{
				{Took: 700 * time.Millisecond, Restarts: 1, Noticed: 100 * time.Millisecond, RestartTook: 500 * time.Millisecond},
				{Took: 900 * time.Millisecond, Restarts: 1, Noticed: 200 * time.Millisecond, RestartTook: 600 * time.Millisecond,
					Timeline: " +0.010 s  watch    gifctl: gif0: restart\n"},
				{Took: 1200 * time.Millisecond, Restarts: 2, Noticed: 300 * time.Millisecond, RestartTook: 700 * time.Millisecond},
			}},
			{Style: PingStyle, Runs: []RecoveryRun{{Took: 30 * time.Second}, {Err: errors.New("no reply\nevents: ...")}}},
		},
		Cost: []Arrangement{
			{Name: ArrPing, Tests: []TestCost{
				{Label: "ping LIVE4", Every: time.Minute, CPU: sample(5 * ms)},
				{Label: "ping6 LIVE6", Every: time.Minute, CPU: sample(5 * ms)},
			}},
			{Name: ArrWatch, Tests: []TestCost{
				{Label: "gifctl check ipv4", Every: 30 * time.Second, CPU: sample(20 * ms)},
				{Label: "gifctl check ipv6", Every: 30 * time.Second, CPU: sample(20 * ms)},
			}, Watch: &WatchCost{Window: 30 * time.Second, Idle: ms, Pass: 5 * ms, Passes: 30}},
		},
		Sizes: []Size{{GOOS: "openbsd", GOARCH: "amd64", Bytes: 8 << 20, Line: "go build"}},
	}
}

func TestTargets(t *testing.T) {
	r := testReport()
	type result struct {
		Met, Known bool
	}
	var got []result
	for _, tt := range r.Targets() {
		got = append(got, result{tt.Met, tt.Known})
	}
	want := []result{
		{false, true}, // check tunnel 5 ms > 3 x the empty Go program's 1.5 ms
		{true, true},  // 9000 KB < 15 MB
		{true, true},  // IPv4 15 ms <= 2 x 10 ms
		{false, true}, // IPv6 25 ms > 2 x 10 ms
		{true, true},  // recovery median 5 s <= 7 s
		{true, true},  // recovery under watch median 0.9 s < 1 s
		{false, true}, // watch 115.2 s + 3.6 s a day > ping 14.4 s
		{true, true},  // no-op 12 ms, nothing written, no request
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}

	// A file changed, or a run did not recover: missed.
	r.Noop.Files[0].After = "inode 2"
	r.Recovery[0].Runs = append(r.Recovery[0].Runs, RecoveryRun{Err: errors.New("no reply")})
	ts := r.Targets()
	if ts[4].Met || ts[7].Met {
		t.Errorf("a failed recovery run or a written file must miss the target: %+v, %+v", ts[4], ts[7])
	}

	// check tunnel within 3x, and watch cheaper than the pings: met.
	r = testReport()
	r.Procs[7].Wall = sample(4 * time.Millisecond)
	r.Cost[1].Tests = r.Cost[1].Tests[:1]
	r.Cost[1].Tests[0].Every = time.Hour
	if ts := r.Targets(); !ts[0].Met || !ts[6].Met {
		t.Errorf("check tunnel at 2.7x and watch at 0.5 s + 3.6 s a day against 14.4 s must meet their targets: %+v, %+v", ts[0], ts[6])
	}

	// Recovery under watch in 1 s or more, or a run without: missed.
	r = testReport()
	r.Recovery[1].Runs[1].Took = time.Second
	if ts := r.Targets(); ts[5].Met || !ts[5].Known {
		t.Errorf("a median of 1 s must miss the watch recovery target: %+v", ts[5])
	}
	r = testReport()
	r.Recovery[1].Runs = append(r.Recovery[1].Runs, RecoveryRun{Err: errors.New("no reply")})
	if ts := r.Targets(); ts[5].Met {
		t.Errorf("a run without recovery must miss the watch recovery target: %+v", ts[5])
	}

	// Nothing measured: every target says so.
	for _, tt := range (&Report{RecoverySkip: "the simulation is missing"}).Targets() {
		if tt.Known || !strings.Contains(tt.Figure, "not measured") {
			t.Errorf("empty report: %+v", tt)
		}
	}
}

func TestWrite(t *testing.T) {
	var b strings.Builder
	if err := testReport().Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Generated by `make bench` on 2026-11-23 21:00 UTC",
		"| `check tunnel` within 3x an empty static Go program, its ifconfig a static Go stand-in, run side by side | 5.00 ms vs 1.50 ms (3.33x) | **missed** |",
		"| CPU a day of gifctl watch with its ifstated.conf below the ping-style ifstated.conf's | 118.8 s vs 14.4 s a day (8.25x) | **missed** |",
		"| gifctl watch, with ifstated --watch | 5904 | 118.8 s | 8.25 |",
		"| `gifctl check ipv4` | 30 s | 2880 | 20.00 ms | 57.6 s |",
		"| gifctl watch, idle | | | | 2.9 s |",
		"| gifctl watch, its safety-net pass | 600 s | 144 | 5.00 ms | 0.7 s |",
		"| all | | 2880 | | **14.4 s** |",
		"ran for 30 s after 2 s to start, and made no pass in that time",
		"The largest part is `gifctl check ipv4`, 48 % of the whole.",
		"| `check tunnel` under 15 MB peak RSS | 8.8 MB | **met** |",
		"the usual sequential pings take **67x** as long as gifctl's any-of",
		"Median **5.00 s** over 3 runs",
		"| recovery under gifctl watch in the simulation under 1s (aim: 500ms) | median 0.90 s over 3 runs; the aim not reached | **met** |",
		"| 0.0 s | 0.70 s | 0.10 s | 0.50 s | 1 |",
		"<details><summary>the median run's events after the change (0.90 s)</summary>\n\n```\n +0.010 s  watch    gifctl: gif0: restart\n```",
		"The ping-style configuration takes **33.3x** as long as gifctl watch, with gifctl ifstated --watch's ifstated.conf to bring IPv6 back.",
		"failed: no reply |",
		"The ping-style configuration takes **6.0x** as long as gifctl's generated ifstated.conf",
		"- Calls of each no-op restart: `ifconfig gif0`.",
		"| DIR/etc/hostname.gif0 | inode 1 | inode 1 | unchanged |",
		"| openbsd/amd64 | 8388608 bytes (8.0 MB) | `go build` |",
		"- `check tunnel` with the static ifconfig (5.00 ms) takes 3.3x the empty static Go program (1.50 ms). " +
			"Above that floor, gifctl's own start-up (`gifctl --version`, 5.00 ms, less the empty Go program) is 3.50 ms",
		"Reading gifctl.conf adds 1.00 ms (`gifctl -n`), the check itself -1.00 ms, of which the static ifconfig stand-in, a second Go process, costs 1.50 ms alone. " +
			"On OpenBSD check tunnel reads the endpoints with the SIOCGLIFPHYADDR ioctl and starts no process: without the stand-in it would take about 3.50 ms here, 2.3x the empty Go program.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("report:\n%s", out)
	}

	var skipped strings.Builder
	(&Report{RecoverySkip: "the simulation is missing"}).Write(&skipped)
	if !strings.Contains(skipped.String(), "Not measured: the simulation is missing.") {
		t.Errorf("a report without recovery must say why:\n%s", skipped.String())
	}
}

// A missed watch recovery is split into its parts' medians.
func TestWhyWatchRecovery(t *testing.T) {
	r := testReport()
	r.Recovery[1].Runs[1].Took = 1100 * time.Millisecond
	why := strings.Join(r.Why(), "\n")
	want := "IPv6 came back after a median 1.10 s (runs with a restart): the first restart started a median 0.20 s after the change"
	if !strings.Contains(why, want) || !strings.Contains(why, "took a median 0.60 s") || !strings.Contains(why, "the rest, about 0.30 s") {
		t.Errorf("Why = %q, want %q and the restart's and the rest's medians", why, want)
	}
}

func TestWhyNoopRestart(t *testing.T) {
	r := testReport()
	r.Procs, r.Cost, r.Recovery = nil, nil, nil // only the restart is explained
	r.Noop.Wall = sample(25 * time.Millisecond)
	why := r.Why()
	if len(why) != 1 || !strings.HasPrefix(why[0], "The restart with nothing to do takes 25.00 ms") {
		t.Errorf("Why = %q, want the no-op restart explained", why)
	}
}

// The no-op restart's explanation says what it would take without the
// Linux stand-in, and whether that is within the target.
func TestWhyNoopRestartWithoutStandin(t *testing.T) {
	for _, tc := range []struct {
		noop time.Duration
		want string
	}{
		{22 * time.Millisecond, "without the stand-in the restart would take about 18.00 ms here, within the 20.00 ms target."},
		{26 * time.Millisecond, "without the stand-in the restart would take about 22.00 ms here, still over the 20.00 ms target."},
	} {
		r := testReport()
		r.Procs = []ProcRow{
			{Cmd: Cmd{Label: LabelNoop}, Wall: sample(tc.noop)},
			{Cmd: Cmd{Label: LabelConfigTest}, Wall: sample(15 * time.Millisecond)},
			{Cmd: Cmd{Label: LabelIfconfig}, Wall: sample(4 * time.Millisecond)},
		}
		r.Noop.Wall = sample(tc.noop)
		why := strings.Join(r.Why(), "\n")
		if !strings.Contains(why, tc.want) {
			t.Errorf("noop %v: Why = %q, want %q in it", tc.noop, why, tc.want)
		}
	}
}

func TestMedianRun(t *testing.T) {
	s := time.Second
	rec := Recovery{Runs: []RecoveryRun{{Took: 3 * s}, {Err: errors.New("no reply")}, {Took: 1 * s}, {Took: 4 * s}, {Took: 2 * s}}}
	if m := rec.MedianRun(); m == nil || m.Took != 2*s {
		t.Errorf("MedianRun = %+v, want the 2 s run (lower middle of 1, 2, 3, 4 s)", m)
	}
	if m := (Recovery{Runs: []RecoveryRun{{Err: errors.New("no reply")}}}).MedianRun(); m != nil {
		t.Errorf("MedianRun of failed runs = %+v, want nil", m)
	}
}
