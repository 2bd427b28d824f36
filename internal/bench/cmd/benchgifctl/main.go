package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gifctl/gifctl/internal/bench"
	"github.com/gifctl/gifctl/internal/sim"
	"github.com/gifctl/gifctl/internal/sim/gifsim"
)

func main() {
	// The same binary is the simulation's gifsim (stand-ins, gif daemons,
	// broker) and the small parent that reads a child's peak RSS.
	gifsim.RunIfRequested()
	if len(os.Args) > 1 && os.Args[1] == bench.RSSHelperArg {
		os.Exit(bench.RSSHelper(os.Args[2:]))
	}
	os.Exit(run())
}

type options struct {
	gifctl, out, goTool, command string
	rounds, rssRuns, probeRounds int
	noopRuns, recoveryRuns       int
	perfRuns, costRounds         int
	watchWindow                  time.Duration
	benchtime                    string
	recovery, quick              bool
	budget                       time.Duration
}

func parseFlags() options {
	var o options
	flag.StringVar(&o.gifctl, "gifctl", "./gifctl", "the gifctl binary to measure")
	flag.StringVar(&o.out, "out", "BENCHMARKS.md", "where to write the report")
	flag.StringVar(&o.goTool, "go", "go", "the go command, for the benchmarks and builds")
	flag.StringVar(&o.command, "command", "make bench", "how the report was produced, as it says")
	flag.IntVar(&o.rounds, "rounds", 150, "timed runs of each command for the per-process cost")
	flag.IntVar(&o.rssRuns, "rss-runs", 10, "runs of each command under the RSS meter")
	flag.IntVar(&o.probeRounds, "probe-rounds", 10, "runs of each sequential probe (gifctl's, which take milliseconds, run 5 times as many)")
	flag.IntVar(&o.noopRuns, "noop-runs", 50, "restarts with nothing to do")
	flag.IntVar(&o.recoveryRuns, "recovery-runs", 5, "address changes per ifstated.conf")
	flag.IntVar(&o.perfRuns, "perf-runs", 200, "runs of check tunnel under perf record (0: no profile)")
	flag.IntVar(&o.costRounds, "cost-rounds", 30, "runs of each ifstated test for the monitoring cost")
	flag.DurationVar(&o.watchWindow, "watch-window", 30*time.Second, "how long gifctl watch's idle CPU time is measured")
	flag.StringVar(&o.benchtime, "benchtime", "300ms", "-benchtime for go test -bench")
	flag.BoolVar(&o.recovery, "recovery", true, "measure recovery in the simulation")
	flag.BoolVar(&o.quick, "quick", false, "few samples of everything, to try the harness")
	flag.DurationVar(&o.budget, "budget", 9*time.Minute, "give up on what is left after this long")
	flag.Parse()
	if o.quick {
		o.rounds, o.rssRuns, o.probeRounds, o.noopRuns, o.recoveryRuns, o.perfRuns = 10, 2, 2, 5, 1, 20
		o.costRounds, o.watchWindow = 3, 5*time.Second
		o.benchtime = "100ms"
	}
	return o
}

// began is when the harness started; the log says how far along it is.
var began = time.Now()

// probeFactor is how many more runs gifctl's probes get than the
// sequential pings, which take a second each.
const probeFactor = 5

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: %5.1fs "+format+"\n", append([]any{time.Since(began).Seconds()}, args...)...)
}

func run() int {
	o := parseFlags()
	ctx, cancel := context.WithTimeout(context.Background(), o.budget)
	defer cancel()
	dir, err := os.Getwd()
	if err != nil {
		logf("%v", err)
		return 1
	}
	if o.gifctl, err = filepath.Abs(o.gifctl); err != nil {
		logf("%v", err)
		return 1
	}
	if _, err := os.Stat(o.gifctl); err != nil {
		logf("%v (run make first)", err)
		return 1
	}
	r := &bench.Report{Date: began, Command: o.command, Machine: machine(ctx, o.goTool), Gifctl: version(o.gifctl)}
	fail := func(what string, err error) {
		logf("%s: %v", what, err)
		r.Failures = append(r.Failures, what+": "+err.Error())
	}

	// Builds and the Go benchmarks first: they load the CPU, and nothing
	// is timed meanwhile.
	for _, t := range bench.SizeTargets {
		logf("size: building for %s/%s", t[0], t[1])
		s, err := bench.BuildSize(ctx, o.goTool, dir, t[0], t[1])
		if err != nil {
			fail("binary size", err)
			continue
		}
		r.Sizes = append(r.Sizes, s)
	}
	logf("go test -bench")
	r.GoBenchLine = o.goTool + " " + strings.Join(bench.GoBenchArgs(o.benchtime), " ")
	if r.GoBench, err = bench.RunGoBench(ctx, o.goTool, dir, o.benchtime); err != nil {
		fail("Go benchmarks", err)
	}
	tmp, err := os.MkdirTemp("", "benchgifctl")
	if err != nil {
		logf("%v", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	goFloor, err := bench.BuildGoFloor(ctx, o.goTool, tmp)
	if err != nil {
		fail("empty Go program", err)
		goFloor = ""
	}

	processes(ctx, o, dir, r, goFloor, fail)

	if o.recovery && ctx.Err() == nil {
		recovery(ctx, o, r)
	} else if !o.recovery {
		r.RecoverySkip = "-recovery=false was given"
	} else {
		r.RecoverySkip = "the time budget ran out before it"
	}

	r.Machine.LoadAfter = loadavg()
	r.Duration = time.Since(began)
	f, err := os.Create(o.out)
	if err != nil {
		logf("%v", err)
		return 1
	}
	if err := r.Write(f); err != nil {
		logf("%v", err)
		return 1
	}
	if err := f.Close(); err != nil {
		logf("%v", err)
		return 1
	}
	logf("wrote %s in %s", o.out, r.Duration.Round(time.Second))
	for _, t := range r.Targets() {
		state := "not measured"
		if t.Known {
			state = map[bool]string{true: "met", false: "MISSED"}[t.Met]
		}
		logf("target %s: %s: %s", state, t.What, t.Figure)
	}
	if len(r.Failures) > 0 {
		return 1
	}
	return 0
}

// processes measures everything that runs in the per-process World: the
// restarts, each command's cost, the probes and the profile.
func processes(ctx context.Context, o options, dir string, r *bench.Report, goFloor string, fail func(string, error)) {
	logf("world: building the router namespace")
	w, err := bench.NewWorld(o.gifctl)
	if err != nil {
		fail("world", err)
		return
	}
	defer func() {
		if err := w.Close(); err != nil {
			fail("world teardown", err)
		}
	}()
	r.CABundle = w.CABundle

	logf("restart: first, then %d with nothing to do", o.noopRuns)
	if n, err := bench.MeasureNoopRestart(w, o.noopRuns); err != nil {
		fail("no-op restart", err)
	} else {
		r.Noop = &n
	}

	if goFloor != "" {
		logf("static ifconfig: building the stand-in")
		if err := w.UseStaticIfconfig(ctx, o.goTool); err != nil {
			fail("static ifconfig", err)
		}
	}

	self, _ := os.Executable()
	r.ProcOpt = bench.ProcOptions{Rounds: o.rounds, Warmup: 3, RSSRuns: o.rssRuns, Meter: bench.NewRSSMeter(self), GoFloor: goFloor}
	cmds, err := bench.ProcessCmds(w, goFloor)
	if err == nil {
		logf("processes: %d commands x %d rounds", len(cmds), o.rounds)
		r.Procs, err = bench.MeasureProcesses(w, cmds, r.ProcOpt)
	}
	if err != nil {
		fail("per-process cost", err)
	} else {
		r.Steps = bench.Decompose(r.Procs)
	}

	tunnel := w.Cmd(bench.LabelCheckTunnel, 0, "check", "tunnel", "gif0")
	err = w.InRouter(func() (err error) {
		r.InitTotal, r.InitTop, err = bench.InitTrace(tunnel, 6)
		return err
	})
	if err != nil {
		fail("inittrace", err)
	}
	if o.perfRuns > 0 {
		logf("profile: perf record, %d runs of check tunnel", o.perfRuns)
		err = w.InRouter(func() (err error) {
			r.Perf, r.PerfLine, err = bench.PerfProfile(ctx, o.goTool, dir, tunnel, o.perfRuns)
			return err
		})
		if err != nil {
			r.PerfErr = err.Error()
			logf("profile: %v", err)
		}
	}

	anyOf, seq, err := bench.ProbeCmds(w)
	if err == nil {
		r.ProbeRounds, r.SeqRounds = o.probeRounds*probeFactor, o.probeRounds
		logf("probes: %d any-of x %d rounds, %d sequential x %d", len(anyOf), r.ProbeRounds, len(seq), r.SeqRounds)
		r.Probes, err = bench.MeasureProbes(w, anyOf, seq, r.ProbeRounds, r.SeqRounds)
	}
	if err != nil {
		fail("probes", err)
	}
	cost(ctx, o, w, r, fail)
}

// cost measures what each arrangement costs a day: ifstated's tests, and
// gifctl watch itself.
func cost(ctx context.Context, o options, w *bench.World, r *bench.Report, fail func(string, error)) {
	arrs, err := bench.Arrangements(w)
	if err == nil {
		logf("cost: the tests of %d ifstated.conf files x %d rounds", len(arrs), o.costRounds)
		err = bench.MeasureCost(w, arrs, o.costRounds)
	}
	if err != nil {
		fail("monitoring cost", err)
		return
	}
	r.Cost, r.CostRounds = arrs, o.costRounds
	logf("cost: gifctl watch, idle and with --every 1s, for %v", o.watchWindow)
	c, err := bench.MeasureWatch(ctx, w, o.watchWindow)
	if err != nil {
		fail("gifctl watch's cost", err)
		return
	}
	for i := range r.Cost {
		if r.Cost[i].Name == bench.ArrWatch {
			r.Cost[i].Watch = &c
		}
	}
}

// recovery runs the address change in the three arrangements: the ping
// style's runs all at once (each waits up to a minute for its ping),
// gifctl's under ifstated one after another meanwhile, then gifctl
// watch's, one after another.
func recovery(ctx context.Context, o options, r *bench.Report) {
	prog, err := sim.SelfProgram()
	if err != nil {
		r.RecoverySkip = err.Error()
		return
	}
	ro := bench.RecoveryOptions{Program: prog, Gifctl: o.gifctl, Runs: o.recoveryRuns, Log: logf}
	logf("recovery: %d runs of each arrangement", o.recoveryRuns)
	var pinged bench.Recovery
	var wg sync.WaitGroup
	wg.Go(func() {
		so := ro
		so.Parallel = true
		pinged = bench.MeasureRecovery(ctx, bench.PingStyle, so)
	})
	gen := bench.MeasureRecovery(ctx, bench.GeneratedStyle, ro)
	wg.Wait()
	// Recovery under watch takes about a second, in which building or
	// tearing down the ping style's Worlds would weigh: it runs alone.
	watch := bench.MeasureRecovery(ctx, bench.WatchStyle, ro)
	r.Recovery = []bench.Recovery{gen, watch, pinged}
}

func machine(ctx context.Context, goTool string) bench.Machine {
	m := bench.Machine{Cores: runtime.NumCPU(), LoadBefore: loadavg()}
	if out, err := exec.CommandContext(ctx, "uname", "-srm").Output(); err == nil {
		m.Host = strings.TrimSpace(string(out))
	}
	if out, err := exec.CommandContext(ctx, goTool, "version").Output(); err == nil {
		m.Go = strings.TrimSpace(string(out))
	}
	m.CPU = procField("/proc/cpuinfo", "model name")
	if mem := procField("/proc/meminfo", "MemTotal"); mem != "" {
		m.Memory = mem
	}
	return m
}

// procField returns the value of the first "key: value" line of a /proc
// file.
func procField(path, key string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// version is the binary's path and what it says its version is, and
// whether it is dynamically linked (as gifctl is on OpenBSD, where Go
// calls libc).
func version(gifctl string) string {
	out, err := exec.Command(gifctl, "--version").Output()
	v := strings.TrimSpace(string(out))
	if err != nil {
		v = "unknown version"
	}
	link := ""
	if data, err := os.ReadFile(gifctl); err == nil && bytes.Contains(data[:min(len(data), 4096)], []byte("ld-linux")) {
		link = ", dynamically linked"
	}
	return fmt.Sprintf("%s (version %s%s), built by `make gifctl`", gifctl, v, link)
}
