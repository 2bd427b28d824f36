package bench

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/gifctl/gifctl/internal/sim/netns"
)

// Report is everything one run of the harness measured, and how.
type Report struct {
	Date    time.Time
	Command string // how the report was produced, e.g. "make bench"
	Machine Machine
	Gifctl  string // the binary measured, and its version

	Procs    []ProcRow
	ProcOpt  ProcOptions
	CABundle string

	Steps     []Step
	InitTotal time.Duration
	InitTop   []InitCost
	Perf      []PerfShare
	PerfLine  string
	PerfErr   string

	Probes      []ProbeRow
	ProbeRounds int // runs of gifctl's any-of probes
	SeqRounds   int // runs of the sequential pings

	Noop *NoopResult

	Cost       []Arrangement // the ping style, gifctl under ifstated, watch
	CostRounds int           // runs of each test

	Recovery     []Recovery
	RecoverySkip string // why recovery was not measured
	Sizes        []Size
	GoBench      []GoBench
	GoBenchLine  string
	Failures     []string // sections that failed, with why
	Duration     time.Duration
}

// Machine describes where the figures were taken.
type Machine struct {
	Host, CPU, Memory, Go string
	Cores                 int
	LoadBefore, LoadAfter string
}

// Target is one goal the benchmarks check, met or not.
type Target struct {
	ID     string // tunnel-time, tunnel-rss, probe-IPv4, probe-IPv6, recovery, recovery-watch, cost, noop
	What   string
	Figure string
	Met    bool
	Known  bool // false: not measured
}

// Target limits.
const (
	TunnelFactor  = 3.0 // check tunnel against an empty static Go program
	RSSLimitKB    = 15 * 1024
	ProbeFactor   = 2.0
	RecoveryLimit = 5*time.Second + 2*time.Second
	// Under gifctl watch: one restart and one broker round trip.
	WatchRecoveryLimit = time.Second
	WatchRecoveryAim   = 500 * time.Millisecond
	NoopLimit          = 20 * time.Millisecond
)

// Targets evaluates the goals against the figures.
func (r *Report) Targets() []Target {
	var ts []Target
	static, floor := FindProc(r.Procs, LabelCheckTunnelStatic), FindProc(r.Procs, LabelGoFloor)
	if static.Wall.N > 0 && floor.Wall.N > 0 {
		ratio := Ratio(static.Wall.Median, floor.Wall.Median)
		ts = append(ts, Target{
			ID: "tunnel-time",
			What: fmt.Sprintf("`check tunnel` within %gx an empty static Go program, its ifconfig a static Go stand-in, run side by side",
				TunnelFactor),
			Figure: fmt.Sprintf("%s vs %s (%.2fx)", ms(static.Wall.Median), ms(floor.Wall.Median), ratio),
			Met:    ratio <= TunnelFactor, Known: true,
		})
	} else {
		ts = append(ts, Target{ID: "tunnel-time", What: "`check tunnel` cost", Figure: "not measured"})
	}
	if tun := FindProc(r.Procs, LabelCheckTunnel); tun.Wall.N > 0 {
		ts = append(ts, Target{
			ID:     "tunnel-rss",
			What:   "`check tunnel` under 15 MB peak RSS",
			Figure: kb(tun.PeakKB), Met: tun.PeakKB < RSSLimitKB, Known: true,
		})
	}
	for _, fam := range []struct{ name, both, live string }{
		{"IPv4", LabelAnyBoth4, LabelAnyLive4}, {"IPv6", LabelAnyBoth6, LabelAnyLive6},
	} {
		both, live := FindProbe(r.Probes, fam.both), FindProbe(r.Probes, fam.live)
		if both.Wall.N == 0 || live.Wall.N == 0 {
			ts = append(ts, Target{ID: "probe-" + fam.name, What: fam.name + " [silent, live] probe", Figure: "not measured"})
			continue
		}
		ratio := Ratio(both.Wall.Median, live.Wall.Median)
		ts = append(ts, Target{
			What:   fmt.Sprintf("%s probe of [silent, live] within %gx the live round trip (`gifctl check` of [live])", fam.name, ProbeFactor),
			Figure: fmt.Sprintf("%s vs %s (%.2fx)", ms(both.Wall.Median), ms(live.Wall.Median), ratio),
			Met:    ratio <= ProbeFactor, Known: true,
		})
	}
	if gen := r.recovery(GeneratedStyle.Name); gen != nil {
		s, failed := gen.Median()
		t := Target{ID: "recovery", What: "recovery in the simulation within the tunnel-check interval (5 s) plus 2 s"}
		if s.N > 0 {
			t.Figure = fmt.Sprintf("median %.1f s over %d runs", s.Median.Seconds(), s.N)
			t.Met, t.Known = s.Median <= RecoveryLimit && failed == 0, true
			if failed > 0 {
				t.Figure += fmt.Sprintf(", %d runs without recovery", failed)
			}
		} else {
			t.Figure = "no run recovered"
			t.Known = true
		}
		ts = append(ts, t)
	} else {
		ts = append(ts, Target{ID: "recovery", What: "recovery in the simulation within 5 s + 2 s", Figure: "not measured: " + r.RecoverySkip})
	}
	ts = append(ts, r.watchRecoveryTarget(), r.costTarget())
	if n := r.Noop; n != nil {
		ts = append(ts, Target{
			ID:   "noop",
			What: "restart with nothing to do under 20 ms (and writing, calling, sending nothing)",
			Figure: fmt.Sprintf("%s; files written: %s; calls: %s; broker requests: %d",
				ms(n.Wall.Median), n.written(), quoteList(n.CallsPerRun), n.Updates),
			Met:   n.Wall.Median < NoopLimit && !n.Wrote() && n.Updates == 0 && !slices.ContainsFunc(n.CallsPerRun, isNotRead),
			Known: true,
		})
	} else {
		ts = append(ts, Target{ID: "noop", What: "restart with nothing to do", Figure: "not measured"})
	}
	return ts
}

// watchRecoveryTarget checks recovery under gifctl watch.
func (r *Report) watchRecoveryTarget() Target {
	t := Target{ID: "recovery-watch", What: fmt.Sprintf("recovery under gifctl watch in the simulation under %v (aim: %v)", WatchRecoveryLimit, WatchRecoveryAim)}
	rec := r.recovery(WatchStyle.Name)
	if rec == nil {
		t.Figure = "not measured: " + r.RecoverySkip
		return t
	}
	s, failed := rec.Median()
	t.Known = true
	if s.N == 0 {
		t.Figure = "no run recovered"
		return t
	}
	aim := map[bool]string{true: "the aim reached", false: "the aim not reached"}[s.Median <= WatchRecoveryAim]
	t.Figure = fmt.Sprintf("median %.2f s over %d runs; %s", s.Median.Seconds(), s.N, aim)
	if failed > 0 {
		t.Figure += fmt.Sprintf(", %d runs without recovery", failed)
	}
	t.Met = s.Median < WatchRecoveryLimit && failed == 0
	return t
}

// costTarget compares the watch arrangement's CPU a day with the ping
// style's.
func (r *Report) costTarget() Target {
	t := Target{ID: "cost", What: "CPU a day of gifctl watch with its ifstated.conf below the ping-style ifstated.conf's"}
	ping, watch := r.arrangement(ArrPing), r.arrangement(ArrWatch)
	if ping == nil || watch == nil || watch.Watch == nil {
		t.Figure = "not measured"
		return t
	}
	t.Figure = fmt.Sprintf("%s vs %s a day (%.2fx)", secs(watch.PerDay()), secs(ping.PerDay()), Ratio(watch.PerDay(), ping.PerDay()))
	t.Met, t.Known = watch.PerDay() < ping.PerDay(), true
	return t
}

func (r *Report) arrangement(name string) *Arrangement {
	for i := range r.Cost {
		if r.Cost[i].Name == name {
			return &r.Cost[i]
		}
	}
	return nil
}

// minutes formats d as gifctl's flags write it, e.g. 10m.
func minutes(d time.Duration) string { return fmt.Sprintf("%gm", d.Minutes()) }

// secs formats a CPU time a day in seconds.
func secs(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

func (r *Report) recovery(name string) *Recovery {
	for i := range r.Recovery {
		if r.Recovery[i].Style.Name == name {
			return &r.Recovery[i]
		}
	}
	return nil
}

// written says which files the no-op restarts changed.
func (r *NoopResult) written() string {
	var names []string
	for _, f := range r.Files {
		if !f.Same() {
			names = append(names, f.Path)
		}
	}
	switch {
	case len(names) == 0:
		return "none"
	case !r.Wrote():
		return "none but the lock's pid"
	}
	return strings.Join(names, ", ")
}

// isNotRead says whether a stand-in call changes something: everything
// but `ifconfig IF`, the read of the endpoints.
func isNotRead(call string) bool {
	f := strings.Fields(call)
	return !(len(f) == 2 && f[0] == "ifconfig")
}

func kb(k int64) string { return fmt.Sprintf("%.1f MB", float64(k)/1024) }

// legend explains the placeholders in the labels.
func legend() string {
	return fmt.Sprintf("LIVE4 = %s and LIVE6 = %s: the ISP's end of the router's em0, one veth hop away. "+
		"SILENT4 = %s and SILENT6 = %s: routed through the ISP into a blackhole route, which drops them without an ICMP error. "+
		"IPv6 probes leave from %s on em0, standing in for the tunnel's inner address.",
		Live4, Live6, Silent4, Silent6, Inner6)
}

// Write renders the report as Markdown.
func (r *Report) Write(out io.Writer) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# gifctl benchmarks\n\n")
	p("Generated by `%s` on %s in %s. Do not edit by hand: run it again.\n",
		r.Command, r.Date.UTC().Format("2006-01-02 15:04 MST"), r.Duration.Round(time.Second))
	p("What is measured, why and how: package internal/bench (its doc comment).\n\n")

	p("## Machine\n\n| | |\n|---|---|\n")
	p("| system | %s |\n| CPU | %s, %d cores |\n| memory | %s |\n| load average (1, 5, 15 min) | %s before, %s after |\n| Go | %s |\n| gifctl | %s |\n\n",
		r.Machine.Host, r.Machine.CPU, r.Machine.Cores, r.Machine.Memory, r.Machine.LoadBefore, r.Machine.LoadAfter, r.Machine.Go, r.Gifctl)
	p("The machine is shared (other builds and tests run on it), so absolute times are noisy; " +
		"the ratios compare commands run interleaved under the same load. " +
		"This is Linux: where gifctl uses an ioctl on OpenBSD (reading gif0's endpoints), it runs the configured ifconfig here, a stand-in: a shell script, or a static Go program where a row says so.\n\n")

	p("## Targets\n\n| target | figure | met |\n|---|---|---|\n")
	for _, t := range r.Targets() {
		met := "not measured"
		if t.Known {
			met = map[bool]string{true: "**met**", false: "**missed**"}[t.Met]
		}
		p("| %s | %s | %s |\n", t.What, t.Figure, met)
	}
	p("\n")
	if why := r.Why(); len(why) > 0 {
		p("Why the missed targets are missed, from this run's figures (details in the sections below):\n\n")
		for _, w := range why {
			p("- %s\n", w)
		}
		p("\n")
	}
	if len(r.Failures) > 0 {
		p("Sections that failed:\n\n")
		for _, f := range r.Failures {
			p("- %s\n", indentCode(f))
		}
		p("\n")
	}

	r.writeProcs(p)
	r.writeProbes(p)
	r.writeRecovery(p)
	r.writeCost(p)
	r.writeNoop(p)
	r.writeSizes(p)
	r.writeGoBench(p)
	_, err := io.WriteString(out, b.String())
	return err
}

func indentCode(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n  ") }

type printer func(format string, args ...any)

func (r *Report) writeProcs(p printer) {
	p("## 1. Cost of one process\n\n")
	if len(r.Procs) == 0 {
		p("Not measured.\n\n")
		return
	}
	true_, lo := FindProc(r.Procs, LabelTrue), FindProc(r.Procs, LabelPingLo)
	p("Each command ran %d times (after %d untimed rounds), interleaved round by round, inside the router namespace of the simulation's network, started directly by the harness (fork, exec, wait; no `ip netns exec` in the figure). "+
		"Peak RSS: the largest of %d runs, read with %s. %s\n\n",
		r.ProcOpt.Rounds, r.ProcOpt.Warmup, r.ProcOpt.RSSRuns, r.ProcOpt.Meter.How, legend())
	p("| command | median wall | p10 - p90 | x /bin/true | x ping loopback | median CPU | CPU x ping loopback | peak RSS |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, row := range r.Procs {
		p("| `%s` | %s | %s - %s | %.1f | %.2f | %s | %.2f | %s |\n", row.Cmd.Label, ms(row.Wall.Median), ms(row.Wall.P10), ms(row.Wall.P90),
			Ratio(row.Wall.Median, true_.Wall.Median), Ratio(row.Wall.Median, lo.Wall.Median),
			ms(row.CPU.Median), Ratio(row.CPU.Median, lo.CPU.Median), kb(row.PeakKB))
	}
	p("\nCPU is user plus system time of the process and the children it waited for (getrusage via wait4): less disturbed by the machine's load than wall time, and what a small router's one core pays. " +
		"A Go program runs several threads at start-up, so its CPU time can exceed its wall time.\n")
	if FindProc(r.Procs, LabelCheckTunnelStatic).Wall.N > 0 {
		p("\nThe empty Go program and the static ifconfig stand-in are built by the harness without cgo (statically linked) and stripped, as gifctl is. " +
			"The stand-in prints what the shell stand-in printed for gif0 (its tunnel and inner addresses) and starts nothing; " +
			"`check tunnel gif0, static ifconfig` runs with a copy of the configuration whose ifconfig is that stand-in.\n")
	}
	p("\nThe command lines:\n\n")
	for _, row := range r.Procs {
		p("- `%s`: `%s`\n", row.Cmd.Label, row.Cmd.Line())
	}
	p("\nThe configuration's ca-file is %s.\n\n", r.CABundle)

	if len(r.Steps) > 0 {
		p("### Where the time of `check tunnel` goes (with the static ifconfig)\n\n")
		p("Each layer is the difference of two medians above (so it carries their noise):\n\n| layer | time | from rows |\n|---|---:|---|\n")
		for _, s := range r.Steps {
			from := "`" + s.To + "`"
			if s.From != "" {
				from = "`" + s.To + "` - `" + s.From + "`"
			}
			p("| %s | %s | %s |\n", s.What, ms(s.Cost), from)
		}
		p("\n")
	}
	if len(r.InitTop) > 0 {
		p("Package initialisers (`GODEBUG=inittrace=1 gifctl check tunnel gif0`, one run): %s in all; the costliest:", ms(r.InitTotal))
		for i, ic := range r.InitTop {
			sep := ","
			if i == 0 {
				sep = ""
			}
			p("%s %s %s", sep, ic.Pkg, ms(ic.Clock))
		}
		p(". Each includes the page faults of its code's first use: the first package to compile a regexp pays for paging in the regexp code, which kong needs anyway.\n\n")
	}
	switch {
	case len(r.Perf) > 0:
		p("CPU profile of gifctl's own samples (`%s`), inclusive share:\n\n| function | share |\n|---|---:|\n", r.PerfLine)
		for _, s := range r.Perf {
			p("| `%s` | %.1f %% |\n", s.Symbol, s.Pct)
		}
		p("\n")
	case r.PerfErr != "":
		p("No CPU profile: %s.\n\n", r.PerfErr)
	}
}

func (r *Report) writeProbes(p printer) {
	p("## 2. Probes of [silent, live]\n\n")
	if len(r.Probes) == 0 {
		p("Not measured.\n\n")
		return
	}
	p("gifctl's any-of (one echo request to every target at once, done at the first reply) against the usual sequential `ping -c1 -w1 A || ping -c1 -w1 B`, "+
		"in the router namespace: gifctl's run %d times, the sequential pings %d times, each group interleaved. %s\n\n", r.ProbeRounds, r.SeqRounds, legend())
	p("| command | median | p10 - p90 |\n|---|---:|---:|\n")
	for _, row := range r.Probes {
		p("| `%s` | %s | %s - %s |\n", row.Cmd.Label, ms(row.Wall.Median), ms(row.Wall.P10), ms(row.Wall.P90))
	}
	p("\n")
	for _, fam := range []struct{ name, both, live, seq string }{
		{"IPv4", LabelAnyBoth4, LabelAnyLive4, LabelSeqBoth4}, {"IPv6", LabelAnyBoth6, LabelAnyLive6, LabelSeqBoth6},
	} {
		both, live, seq := FindProbe(r.Probes, fam.both), FindProbe(r.Probes, fam.live), FindProbe(r.Probes, fam.seq)
		p("- %s: the usual sequential pings take **%.0fx** as long as gifctl's any-of for [silent, live] (%s vs %s); "+
			"adding the silent target costs gifctl %.2fx its time for [live] alone.\n",
			fam.name, Ratio(seq.Wall.Median, both.Wall.Median), ms(seq.Wall.Median), ms(both.Wall.Median),
			Ratio(both.Wall.Median, live.Wall.Median))
	}
	p("\nThe command lines:\n\n")
	for _, row := range r.Probes {
		p("- `%s`: `%s`\n", row.Cmd.Label, row.Cmd.Line())
	}
	p("\n")
}

func (r *Report) writeRecovery(p printer) {
	p("## 3. Recovery after an address change\n\n")
	if len(r.Recovery) == 0 {
		p("Not measured: %s.\n\n", r.RecoverySkip)
		return
	}
	p("In the simulation (package internal/sim/scenario): a router namespace whose em0 the ISP renumbers from %s to %s, "+
		"a PoP namespace with the broker's end of a real protocol-41 tunnel (userspace gif) and its HTTPS update endpoint, which pings the new address before it accepts it. "+
		"Each run builds a fresh World as the scenario package does (first `gifctl restart`, IPv6 through the tunnel), then runs the ifstated.conf below in ifstatedsim.Machine "+
		"(ifstated's rules, real time, every test and action run with `/bin/sh -c` in the router), renumbers the router at a phase of the noticing test's interval "+
		"(spread evenly: (k+0.5)/n of it), and pings the PoP's IPv6 host %s through the tunnel every 100 ms. "+
		"The figure is the time from the change to the first echo reply. "+
		"With gifctl watch, the World also runs `gifctl watch` in the router as etc/rc.d/gifctl starts it (its plan enforced, its restarts run through the relay of package internal/sim/relay), "+
		"beside the ifstated.conf that `gifctl ifstated --watch` prints. "+
		"The restarts are those of `gifctl restart`, ifstated's or watch's, that started after the change: the first one's start after the change (noticed) and its duration.\n\n",
		netns.RouterPrefix.Addr(), netns.RenumberedPrefix.Addr(), netns.PoPHost)
	for _, rec := range r.Recovery {
		s, failed := rec.Median()
		p("### %s\n\n| change after ifstated started | IPv6 back after | restart started after | restart took | restarts |\n|---:|---:|---:|---:|---:|\n", rec.Style.Name)
		for _, run := range rec.Runs {
			if run.Err != nil {
				p("| %.1f s | failed: %s | | | |\n", run.Phase.Seconds(), firstLine(run.Err.Error()))
				continue
			}
			p("| %.1f s | %.2f s | %.2f s | %.2f s | %d |\n", run.Phase.Seconds(), run.Took.Seconds(), run.Noticed.Seconds(), run.RestartTook.Seconds(), run.Restarts)
		}
		if s.N > 0 {
			p("\nMedian **%.2f s** over %d runs (min %.2f s, max %.2f s)", s.Median.Seconds(), s.N, s.Min.Seconds(), s.Max.Seconds())
		} else {
			p("\nNo run recovered")
		}
		if failed > 0 {
			p("; %d runs did not recover", failed)
		}
		p(".\n\n<details><summary>the ifstated.conf</summary>\n\n```\n%s```\n</details>\n\n", rec.Conf)
		if m := rec.MedianRun(); m != nil && m.Timeline != "" {
			p("<details><summary>the median run's events after the change (%.2f s)</summary>\n\n```\n%s```\n</details>\n\n", m.Took.Seconds(), m.Timeline)
		}
	}
	ping := r.recovery(PingStyle.Name)
	for _, other := range []*Recovery{r.recovery(GeneratedStyle.Name), r.recovery(WatchStyle.Name)} {
		if ping == nil || other == nil {
			continue
		}
		ps, _ := ping.Median()
		os, _ := other.Median()
		if ps.N > 0 && os.N > 0 {
			p("The ping-style configuration takes **%.1fx** as long as %s to bring IPv6 back.\n\n", Ratio(ps.Median, os.Median), other.Style.Name)
		}
	}
	for _, rec := range r.Recovery {
		for _, run := range rec.Runs {
			if run.Err != nil {
				p("<details><summary>%s, change at %.1f s: failure</summary>\n\n```\n%s\n```\n</details>\n\n", rec.Style.Name, run.Phase.Seconds(), run.Err)
			}
		}
	}
}

func (r *Report) writeCost(p printer) {
	p("## 4. Monitoring cost per day\n\n")
	if len(r.Cost) == 0 {
		p("Not measured.\n\n")
		return
	}
	p("What each arrangement costs the router's CPU in a day while all is well. ifstated runs only the tests of its current state and those outside any state (ifstated.c), "+
		"each as `/bin/sh -c COMMAND` every N seconds: a run's CPU is the median of %d runs of that command line here, in the router namespace of section 1, interleaved "+
		"(user plus system time of sh and what it started, by wait4), and a test costs that times its runs a day. "+
		"The files are the ping-style one of section 3 (its targets LIVE4 and LIVE6 here) and what `gifctl ifstated` and `gifctl ifstated --watch` print for section 1's configuration; "+
		"`gifctl` stands for the binary measured with that configuration (`-c` or `-f`). ifstated itself runs in all three and is not counted.\n\n", r.CostRounds)
	ping := r.arrangement(ArrPing)
	p("| arrangement | processes started a day | CPU a day | x %s |\n|---|---:|---:|---:|\n", ArrPing)
	for _, a := range r.Cost {
		cpu, ratio := secs(a.PerDay()), fmt.Sprintf("%.2f", Ratio(a.PerDay(), ping.PerDay()))
		if a.Name == ArrWatch && a.Watch == nil {
			cpu, ratio = "watch not measured", ""
		}
		p("| %s | %.0f | %s | %s |\n", a.Name, a.ChildrenPerDay(), cpu, ratio)
	}
	p("\n")
	for _, a := range r.Cost {
		p("### %s\n\n| what | every | runs a day | CPU a run | CPU a day |\n|---|---:|---:|---:|---:|\n", a.Name)
		for _, t := range a.Tests {
			p("| `%s` | %.0f s | %.0f | %s | %s |\n", t.Label, t.Every.Seconds(), t.RunsPerDay(), ms(t.CPU.Median), secs(t.PerDay()))
		}
		if c := a.Watch; c != nil {
			p("| gifctl watch, idle | | | | %s |\n", secs(c.IdlePerDay()))
			p("| gifctl watch, its safety-net pass | %.0f s | %.0f | %s | %s |\n", WatchEvery.Seconds(), c.PassesPerDay(), ms(c.Pass),
				secs(c.SafetyPerDay()))
		}
		p("| all | | %.0f | | **%s** |\n\n", a.ChildrenPerDay(), secs(a.PerDay()))
		if c := a.Watch; c != nil {
			passes := "made no pass in that time (no routing message came, and its safety net was not due)"
			if c.IdlePasses > 0 {
				passes = fmt.Sprintf("made %d passes in that time, woken by routing messages: the figure includes them", c.IdlePasses)
			}
			p("gifctl watch, as etc/rc.d/gifctl starts it (`--every %s`), ran for %.0f s after 2 s to start, and %s: "+
				"it used %s of CPU (its threads' run time, the first field of /proc/PID/task/*/schedstat; its utime+stime in /proc/PID/stat grew by %d ticks of %v), "+
				"which scaled from %.0f s to a day is %s. "+
				"A safety-net pass (the egress's addresses, and gif0's endpoints by running ifconfig) costs %s: what a second watch, run with `--every 1s` beside it, "+
				"used more than the idle one (its children's, cutime+cstime, included), over the %d passes it made, counted by the ifconfig stand-in's calls.\n\n",
				minutes(WatchEvery), c.Window.Seconds(), passes, ms(c.Idle), c.IdleTicks, Tick, c.Window.Seconds(), secs(c.IdlePerDay()), ms(c.Pass), c.Passes)
		} else if a.Name == ArrWatch {
			p("gifctl watch itself was not measured (see the failures above): only its ifstated.conf's tests are counted.\n\n")
		}
	}
}

// recoveryParts splits recovery into the medians of its parts: until the
// first restart started, the restart, and the wait for the echo reply.
func recoveryParts(rec *Recovery) string {
	var took, noticed, restart []time.Duration
	for _, run := range rec.Runs {
		if run.Err == nil && run.Restarts > 0 {
			took, noticed, restart = append(took, run.Took), append(noticed, run.Noticed), append(restart, run.RestartTook)
		}
	}
	if len(took) == 0 {
		return fmt.Sprintf("Under %s no run recovered with a restart: see section 3's failures.", rec.Style.Name)
	}
	t, n, x := Summarize(took).Median, Summarize(noticed).Median, Summarize(restart).Median
	rest := fmt.Sprintf("the rest, about %.2f s, is the wait for the first echo reply through the tunnel, pinged every 100 ms", (t - n - x).Seconds())
	if t < n+x {
		rest = fmt.Sprintf("IPv6 answered about %.2f s before the restart ended: what the restart does after the broker's update", (n + x - t).Seconds())
	}
	return fmt.Sprintf("Under %s IPv6 came back after a median %.2f s (runs with a restart): the first restart started a median %.2f s after the change began "+
		"(the renumbering's own ip(8) commands, the old address going before the new one comes; watch reading the routing messages, "+
		"judging the tunnel, whose ifconfig here is a stand-in run through the relay, and starting `gifctl restart`), and took a median %.2f s "+
		"(hostname.gif0, netstart, pf, and the broker's update, which pings the new address first); %s. "+
		"The median run's events in section 3 show each step at its time as gifctl logged it: here netstart, ifconfig and pfctl are stand-ins run through the relay, "+
		"each call starting `ip netns exec` and Go programs (the relay's client, gifsim) where OpenBSD runs its own netstart, ifconfig and pfctl.",
		rec.Style.Name, t.Seconds(), n.Seconds(), x.Seconds(), rest)
}

// costParts lists what an arrangement's CPU a day is made of.
func costParts(a *Arrangement) string {
	var parts []string
	for _, t := range a.Tests {
		parts = append(parts, fmt.Sprintf("`%s` every %.0f s, %s (%.0f runs of %s)", t.Label, t.Every.Seconds(), secs(t.PerDay()), t.RunsPerDay(), ms(t.CPU.Median)))
	}
	if c := a.Watch; c != nil {
		parts = append(parts, fmt.Sprintf("watch idle, %s", secs(c.IdlePerDay())),
			fmt.Sprintf("its safety-net pass every %s, %s", minutes(WatchEvery), secs(c.SafetyPerDay())))
	}
	return strings.Join(parts, "; ")
}

// largestPart names the costliest part of an arrangement and its share.
func largestPart(a *Arrangement) string {
	name, most := "", time.Duration(-1)
	for _, t := range a.Tests {
		if t.PerDay() > most {
			name, most = "`"+t.Label+"`", t.PerDay()
		}
	}
	if c := a.Watch; c != nil && c.IdlePerDay() > most {
		name, most = "watch idle", c.IdlePerDay()
	}
	return fmt.Sprintf("%s, %.0f %% of the whole", name, 100*Ratio(most, a.PerDay()))
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func (r *Report) writeNoop(p printer) {
	p("## 5. A restart with nothing to do\n\n")
	n := r.Noop
	if n == nil {
		p("Not measured.\n\n")
		return
	}
	p("`%s`, in the router namespace with the stand-ins (each appends its calls to a log) and the HTTPS test broker. "+
		"First one restart with work to do (hostname.gif0 missing): %s, called %s, %d broker update. "+
		"Then %d restarts with nothing to do: median **%s** (p10 %s, p90 %s).\n\n",
		n.Cmd.Line(), ms(n.First.Wall), quoteList(n.First.Calls), n.First.Updates,
		n.Wall.N, ms(n.Wall.Median), ms(n.Wall.P10), ms(n.Wall.P90))
	p("- Calls of each no-op restart: %s. ", quoteList(n.CallsPerRun))
	p("`ifconfig gif0` is how gifctl reads the tunnel's endpoints where SIOCGLIFPHYADDR is not available (here); on OpenBSD that read is an ioctl and no process is started. No netstart, no pfctl.\n")
	p("- Broker requests during the no-op restarts: %d.\n", n.Updates)
	p("- Files, before and after all of them:\n\n| path | before | after | |\n|---|---|---|---|\n")
	for _, f := range n.Files {
		same := "unchanged"
		switch {
		case !f.Same() && f.Lock:
			same = "the lock: every locked run writes its pid into it (bsd.Lock), for a waiting run to name the holder"
		case !f.Same():
			same = "**changed**"
		}
		p("| %s | %s | %s | %s |\n", f.Path, f.Before, f.After, same)
	}
	p("\n")
}

func quoteList(l []string) string {
	if len(l) == 0 {
		return "nothing"
	}
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = "`" + s + "`"
	}
	return strings.Join(q, ", ")
}

func (r *Report) writeSizes(p printer) {
	p("## 6. Binary size\n\n")
	if len(r.Sizes) == 0 {
		p("Not measured.\n\n")
		return
	}
	p("| platform | size | command |\n|---|---:|---|\n")
	for _, s := range r.Sizes {
		p("| %s/%s | %d bytes (%.1f MB) | `%s` |\n", s.GOOS, s.GOARCH, s.Bytes, float64(s.Bytes)/(1<<20), s.Line)
	}
	p("\n")
}

func (r *Report) writeGoBench(p printer) {
	p("## 7. Go benchmarks of the parsers\n\n")
	if len(r.GoBench) == 0 {
		p("Not measured.\n\n")
		return
	}
	p("`%s`\n\n| package | benchmark | ns/op | MB/s | B/op | allocs/op |\n|---|---|---:|---:|---:|---:|\n", r.GoBenchLine)
	for _, g := range r.GoBench {
		mbs := ""
		if g.MBPerS > 0 {
			mbs = fmt.Sprintf("%.1f", g.MBPerS)
		}
		p("| %s | %s | %.0f | %s | %d | %d |\n", strings.TrimPrefix(g.Pkg, "github.com/gifctl/gifctl/"), g.Name, g.NsPerOp, mbs, g.BytesPerOp, g.AllocsPerOp)
	}
	p("\n")
}

// Why explains each missed target from the measured rows: which layer of
// the process the time goes to, and what of it is Linux's stand-in.
func (r *Report) Why() []string {
	var out []string
	med := func(l string) time.Duration { return FindProc(r.Procs, l).Wall.Median }
	perf := func(sym string) string {
		for _, s := range r.Perf {
			if s.Symbol == sym {
				return fmt.Sprintf("%.0f %%", s.Pct)
			}
		}
		return "?"
	}
	missed := map[string]bool{}
	for _, t := range r.Targets() {
		missed[t.ID] = t.Known && !t.Met
	}
	if missed["tunnel-time"] {
		tun, gofloor, standin := med(LabelCheckTunnelStatic), med(LabelGoFloor), med(LabelIfconfigStatic)
		w := fmt.Sprintf("`check tunnel` with the static ifconfig (%s) takes %.1fx the empty static Go program (%s). "+
			"Above that floor, gifctl's own start-up (`gifctl --version`, %s, less the empty Go program) is %s: "+
			"the package initialisers of everything linked in (net/http, crypto/tls and x509 for the broker, kong and go/doc for the CLI; %s in all by GODEBUG=inittrace) "+
			"and kong's model of the CLI, built by reflection on every run",
			ms(tun), Ratio(tun, gofloor), ms(gofloor), ms(med(LabelVersion)), ms(med(LabelVersion)-gofloor), ms(r.InitTotal))
		if len(r.Perf) > 0 {
			w += fmt.Sprintf(" (CPU profile: runtime start-up `runtime.schedinit` %s, package initialisers `runtime.doInit1` %s, `kong.New` %s, page-faulting fresh heap under `runtime.mallocgc` %s)",
				perf("runtime.schedinit"), perf("runtime.doInit1"), perf("github.com/alecthomas/kong.New"), perf("runtime.mallocgc"))
		}
		w += fmt.Sprintf(". Reading gifctl.conf adds %s (`gifctl -n`), the check itself %s, of which the static ifconfig stand-in, a second Go process, costs %s alone. "+
			"On OpenBSD check tunnel reads the endpoints with the SIOCGLIFPHYADDR ioctl and starts no process: without the stand-in it would take about %s here, %.1fx the empty Go program",
			ms(med(LabelConfigTest)-med(LabelVersion)), ms(tun-med(LabelConfigTest)), ms(standin), ms(tun-standin), Ratio(tun-standin, gofloor))
		out = append(out, w+".")
	}
	if rec := r.recovery(WatchStyle.Name); missed["recovery-watch"] && rec != nil {
		out = append(out, recoveryParts(rec))
	}
	if missed["cost"] {
		ping, watch := r.arrangement(ArrPing), r.arrangement(ArrWatch)
		out = append(out, fmt.Sprintf("gifctl watch with its ifstated.conf costs %s of CPU a day, the ping-style ifstated.conf %s (section 4). "+
			"The watch arrangement's parts: %s. The ping style's: %s. The largest part is %s.",
			secs(watch.PerDay()), secs(ping.PerDay()), costParts(watch), costParts(ping), largestPart(watch)))
	}
	if missed["tunnel-rss"] {
		out = append(out, fmt.Sprintf("`check tunnel` peaks at %s: see the peak RSS column; an empty Go program peaks at %s.",
			kb(FindProc(r.Procs, LabelCheckTunnel).PeakKB), kb(FindProc(r.Procs, LabelGoFloor).PeakKB)))
	}
	if n := r.Noop; missed["noop"] && n.Wall.Median >= NoopLimit {
		w := fmt.Sprintf("The restart with nothing to do takes %s (its own runs, section 5)", ms(n.Wall.Median))
		if noop := med(LabelNoop); noop > 0 {
			standin := med(LabelIfconfig)
			w += fmt.Sprintf(". Run interleaved with the others in section 1 it takes %s, of which `gifctl -n` (start-up, reading gifctl.conf) is %s: "+
				"the start-up explained above is most of it. The rest, %s, is its own work: taking the lock (and writing its pid into it), "+
				"reading hostname.gif0, em0's addresses and the broker's state, and reading gif0's endpoints back through the ifconfig stand-in, "+
				"which alone costs %s here. On OpenBSD that read is an ioctl: without the stand-in the restart would take about %s here, %s the %s target",
				ms(noop), ms(med(LabelConfigTest)), ms(noop-med(LabelConfigTest)), ms(standin),
				ms(noop-standin), map[bool]string{true: "within", false: "still over"}[noop-standin < NoopLimit], ms(NoopLimit))
		}
		out = append(out, w+".")
	}
	return out
}
