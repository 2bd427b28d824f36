package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gifctl/gifctl/internal/sim/ifstatedsim"
)

// day is what the monitoring costs are scaled to.
const day = 24 * time.Hour

// WatchEvery is gifctl watch's safety-net period when --every is not
// given (its default, as etc/rc.d/gifctl starts it).
const WatchEvery = 10 * time.Minute

// Arrangement is one way of keeping the tunnel working, costed as it runs
// while all is well: ifstated in its start state, running that state's
// tests, and for gifctl watch the daemon too.
type Arrangement struct {
	Name  string
	Tests []TestCost
	Watch *WatchCost // nil: no gifctl watch
}

// TestCost is one of ifstated's tests ("cmd" every N): ifstated forks
// `/bin/sh -c cmd` every N seconds.
type TestCost struct {
	Command string
	Label   string // Command written short, for the report
	Every   time.Duration
	CPU     Summary // of one run: sh and what it starts
}

// RunsPerDay is how often ifstated starts the test in a day.
func (t TestCost) RunsPerDay() float64 { return float64(day) / float64(t.Every) }

// PerDay is the test's CPU time in a day.
func (t TestCost) PerDay() time.Duration {
	return time.Duration(t.RunsPerDay() * float64(t.CPU.Median))
}

// WatchCost is gifctl watch's own CPU time: while idle (no routing
// message, no safety-net pass), and per safety-net pass.
type WatchCost struct {
	Window time.Duration // how long each watch was measured
	// Idle is the CPU time of the watch with the default --every over
	// Window: its threads' run time (/proc/PID/task/*/schedstat) and
	// its children's (none while idle; cutime+cstime of /proc/PID/stat).
	Idle       time.Duration
	IdleTicks  int64 // utime+stime of /proc/PID/stat over Window, in clock ticks
	IdlePasses int   // passes of that watch in Window (ifconfig calls): 0 when idle
	// Pass is the CPU time of one pass (the decision: the egress's
	// addresses, the gif's endpoints by ifconfig): a watch with --every
	// 1s over Window, less Idle, over the passes it made.
	Pass   time.Duration
	Passes int
}

// Tick is the unit of /proc/PID/stat's times: USER_HZ, 100 on Linux
// (proc(5)).
const Tick = 10 * time.Millisecond

// IdlePerDay is Idle scaled from Window to a day.
func (c WatchCost) IdlePerDay() time.Duration {
	return time.Duration(float64(c.Idle) * float64(day) / float64(c.Window))
}

// PassesPerDay is how many safety-net passes watch makes in a day.
func (c WatchCost) PassesPerDay() float64 { return float64(day) / float64(WatchEvery) }

// SafetyPerDay is the CPU time of the safety-net passes in a day.
func (c WatchCost) SafetyPerDay() time.Duration {
	return time.Duration(c.PassesPerDay() * float64(c.Pass))
}

// PerDay is watch's own CPU time in a day: idle, and the safety net.
func (c WatchCost) PerDay() time.Duration { return c.IdlePerDay() + c.SafetyPerDay() }

// TestsPerDay is the CPU time of ifstated's tests in a day.
func (a Arrangement) TestsPerDay() time.Duration {
	var d time.Duration
	for _, t := range a.Tests {
		d += t.PerDay()
	}
	return d
}

// PerDay is the arrangement's CPU time in a day.
func (a Arrangement) PerDay() time.Duration {
	d := a.TestsPerDay()
	if a.Watch != nil {
		d += a.Watch.PerDay()
	}
	return d
}

// ChildrenPerDay is how many processes the arrangement starts in a day:
// ifstated's test runs (each one `/bin/sh -c`), and watch's passes (each
// runs ifconfig).
func (a Arrangement) ChildrenPerDay() float64 {
	var n float64
	for _, t := range a.Tests {
		n += t.RunsPerDay()
	}
	if a.Watch != nil {
		n += a.Watch.PassesPerDay()
	}
	return n
}

// StartTests are the tests ifstated runs while in the ifstated.conf's
// start state: those of that state (its init blocks and body) and those
// outside any state, each (command, interval) once, as ifstated keeps
// one test for each (parse.y).
func StartTests(name string, conf []byte) ([]TestCost, error) {
	f, err := ifstatedsim.Parse(name, conf)
	if err != nil {
		return nil, err
	}
	var tests []TestCost
	for _, e := range f.StartExternals() {
		tests = append(tests, TestCost{Command: e.Command, Every: time.Duration(e.Every) * time.Second})
	}
	return tests, nil
}

// Arrangement names.
const (
	ArrPing      = "ping-style ifstated.conf"
	ArrGenerated = "gifctl under ifstated"
	ArrWatch     = "gifctl watch, with ifstated --watch"
)

// Arrangements are the three ways of running gifctl, or not, on the
// World's configuration: PingStyleConf (its targets the World's live
// ones), what `gifctl ifstated` prints, and what `gifctl ifstated
// --watch` prints, beside gifctl watch. Their tests are not measured yet
// (MeasureCost).
func Arrangements(w *World) ([]Arrangement, error) {
	ping := strings.NewReplacer("GIFCTL", w.Gifctl+" -c "+w.Conf, "POP6", Live6.String(), "POP4", Live4.String()).Replace(PingStyleConf)
	generated, err := w.Cmd("gifctl ifstated", 0, "ifstated", "--gifctl", w.Gifctl).output()
	if err != nil {
		return nil, err
	}
	watch, err := w.Cmd("gifctl ifstated --watch", 0, "ifstated", "--gifctl", w.Gifctl, "--watch").output()
	if err != nil {
		return nil, err
	}
	short := strings.NewReplacer(w.Gifctl+" -f "+w.Conf, "gifctl", w.Gifctl+" -c "+w.Conf, "gifctl",
		Live4.String(), "LIVE4", Live6.String(), "LIVE6")
	var out []Arrangement
	for _, a := range []struct {
		name string
		conf []byte
	}{{ArrPing, []byte(ping)}, {ArrGenerated, generated}, {ArrWatch, watch}} {
		tests, err := StartTests(a.name, a.conf)
		if err != nil {
			return nil, err
		}
		for i := range tests {
			tests[i].Label = short.Replace(tests[i].Command)
		}
		out = append(out, Arrangement{Name: a.name, Tests: tests})
	}
	return out, nil
}

// MeasureCost measures the CPU time of every arrangement's tests, each
// run as ifstated runs it (`/bin/sh -c`), rounds times, interleaved, in
// the router's namespace; a test shared by two arrangements is run once.
func MeasureCost(w *World, arrs []Arrangement, rounds int) error {
	var cmds []Cmd
	for _, a := range arrs {
		for _, t := range a.Tests {
			if !slices.ContainsFunc(cmds, func(c Cmd) bool { return c.Label == t.Command }) {
				// The minute test behind $retry exits 0 or 1.
				cmds = append(cmds, Cmd{Label: t.Command, Argv: []string{"/bin/sh", "-c", t.Command}, AnyExit: true})
			}
		}
	}
	return w.InRouter(func() error {
		times, err := TimeRuns(cmds, rounds, 1)
		if err != nil {
			return err
		}
		for _, a := range arrs {
			for i, t := range a.Tests {
				k := slices.IndexFunc(cmds, func(c Cmd) bool { return c.Label == t.Command })
				a.Tests[i].CPU = Summarize(times[k].CPU)
			}
		}
		return nil
	})
}

// MeasureWatch runs two gifctl watch daemons in the World's router for
// window, after letting them start: one as rc.d starts it (--every 10m),
// idle, and one with --every 1s, whose extra CPU time over the idle one
// is the cost of its passes. The tunnel must be in place (run
// MeasureNoopRestart first), so that no pass restarts it.
func MeasureWatch(ctx context.Context, w *World, window time.Duration) (WatchCost, error) {
	c := WatchCost{Window: window}
	idle, err := w.Lab.Router.Start(nil, w.Gifctl, "-c", w.Conf, "watch")
	if err != nil {
		return c, err
	}
	defer idle.Stop()
	busy, err := w.Lab.Router.Start(nil, w.Gifctl, "-c", w.Conf, "watch", "--every", "1s")
	if err != nil {
		return c, err
	}
	defer busy.Stop()
	// Start-up and the first pass are over well within this.
	select {
	case <-time.After(2 * time.Second):
	case <-ctx.Done():
		return c, ctx.Err()
	}
	idle0, busy0 := readCPU(idle.Pid()), readCPU(busy.Pid())
	calls0 := ifconfigCalls(w.Dir)
	select {
	case <-time.After(window):
	case <-ctx.Done():
		return c, ctx.Err()
	}
	idle1, busy1 := readCPU(idle.Pid()), readCPU(busy.Pid())
	calls1 := ifconfigCalls(w.Dir)
	for _, p := range []struct {
		name string
		cpu  []procCPU
	}{{"watch", []procCPU{idle0, idle1}}, {"watch --every 1s", []procCPU{busy0, busy1}}} {
		for _, s := range p.cpu {
			if s.err != nil {
				return c, fmt.Errorf("%s: %w; it said: %s", p.name, s.err, idle.Output()+busy.Output())
			}
		}
	}
	c.Idle = idle1.total() - idle0.total()
	c.IdleTicks = idle1.ticks - idle0.ticks
	c.IdlePasses = calls1[idle.Pid()] - calls0[idle.Pid()]
	c.Passes = calls1[busy.Pid()] - calls0[busy.Pid()]
	if c.Passes == 0 {
		return c, fmt.Errorf("watch --every 1s made no pass in %v; it said: %s", window, busy.Output())
	}
	c.Pass = (busy1.total() - busy0.total() - c.Idle) / time.Duration(c.Passes)
	return c, nil
}

// procCPU is one reading of a process's CPU time.
type procCPU struct {
	run      time.Duration // its threads' run time, by the scheduler
	ticks    int64         // its utime+stime, in Ticks
	children int64         // cutime+cstime: the children it waited for, in Ticks
	err      error
}

func (p procCPU) total() time.Duration { return p.run + time.Duration(p.children)*Tick }

// readCPU reads pid's CPU time: the first field of each thread's
// /proc/PID/task/TID/schedstat (nanoseconds on the CPU), and utime,
// stime, cutime and cstime of /proc/PID/stat (fields 14 to 17).
func readCPU(pid int) (p procCPU) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err == nil && len(tasks) == 0 {
		err = fmt.Errorf("pid %d: not running", pid)
	}
	if err != nil {
		return procCPU{err: err}
	}
	for _, t := range tasks {
		data, err := os.ReadFile(t)
		if err != nil {
			return procCPU{err: err}
		}
		f := strings.Fields(string(data))
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return procCPU{err: fmt.Errorf("%s: %w", t, err)}
		}
		p.run += time.Duration(ns)
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procCPU{err: err}
	}
	// The command name, field 2, is in parentheses and may hold spaces:
	// the fields after it start at state, field 3.
	i := bytes.LastIndexByte(data, ')')
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 15 {
		return procCPU{err: fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f)+2)}
	}
	var n [4]int64
	for k := range n {
		if n[k], err = strconv.ParseInt(f[11+k], 10, 64); err != nil {
			return procCPU{err: fmt.Errorf("/proc/%d/stat: %w", pid, err)}
		}
	}
	p.ticks, p.children = n[0]+n[1], n[2]+n[3]
	return p
}

// ifconfigCalls counts the ifconfig stand-in's calls in dir by the pid of
// the gifctl that made them (the stand-ins' trace, package standin).
func ifconfigCalls(dir string) map[int]int {
	data, _ := os.ReadFile(filepath.Join(dir, "trace"))
	n := map[int]int{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[1] == "ifconfig" {
			if pid, err := strconv.Atoi(f[0]); err == nil {
				n[pid]++
			}
		}
	}
	return n
}
