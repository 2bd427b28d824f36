package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gifctl/gifctl/internal/sim"
	"github.com/gifctl/gifctl/internal/sim/ifstatedsim"
	"github.com/gifctl/gifctl/internal/sim/netns"
	"github.com/gifctl/gifctl/internal/sim/scenario"
)

// PingStyleConf is the ifstated.conf people run today, in the shape of one a
// user published (internal/sim/ifstatedsim/testdata/restart-ipv6.conf),
// pointed at the simulation: IPv4 and IPv6 pinged every 60 s, and when
// IPv6 fails, a restart of the tunnel. That user runs their own script there;
// here it is gifctl restart, so that the two runs differ only in how the
// failure is noticed. GIFCTL, POP4 and POP6 are replaced.
const PingStyleConf = `# the usual ping-and-restart ifstated.conf, for the simulation
ipv6_up = '( "ping6 -c1 -q -w 1 POP6 >/dev/null" every 60 )'
ipv4_up = '( "ping -c1 -q -w 1 POP4 >/dev/null" every 60 )'

state auto {
	if ! $ipv4_up {
		set-state no_ipv4
	}
	if ! $ipv6_up {
		set-state no_ipv6
	}
}

state no_ipv4 {
	if ! $ipv4_up {
		run "GIFCTL restart --egress gif0"
	}
	if $ipv4_up {
		set-state auto
	}
}

state no_ipv6 {
	if ! $ipv6_up {
		run "GIFCTL restart gif0"
	}
	if $ipv6_up {
		set-state auto
	}
}

init-state auto
`

// Style is one way of driving gifctl from ifstated.
type Style struct {
	Name string
	// Interval is the period of the test that notices an address change:
	// the phases of the changes are spread over it.
	Interval time.Duration
	// Timeout bounds the wait for IPv6 after the change.
	Timeout time.Duration
	// Conf returns the ifstated.conf text for w.
	Conf func(w *scenario.World) ([]byte, error)
	// Watch runs gifctl watch in the router too (scenario.Options.Watch).
	Watch bool
}

// GeneratedStyle runs what `gifctl ifstated` prints for the World's
// configuration (tunnel check every 5 s).
var GeneratedStyle = Style{
	Name: "gifctl's generated ifstated.conf", Interval: 5 * time.Second, Timeout: 40 * time.Second,
	Conf: func(w *scenario.World) ([]byte, error) { return os.ReadFile(w.IfstatedConf) },
}

// PingStyle runs PingStyleConf (ping every 60 s).
var PingStyle = Style{
	Name: "ping-style ifstated.conf (ping every 60 s)", Interval: 60 * time.Second, Timeout: 100 * time.Second,
	Conf: func(w *scenario.World) ([]byte, error) {
		r := strings.NewReplacer("GIFCTL", strings.TrimSpace(w.Gifctl("")),
			"POP6", netns.PoPHost.String(), "POP4", netns.PoPPrefix.Addr().String())
		return []byte(r.Replace(PingStyleConf)), nil
	},
}

// WatchStyle runs gifctl watch as etc/rc.d/gifctl starts it, beside what
// `gifctl ifstated --watch` prints. Watch polls nothing: the changes are
// spread over the first 5 s of ifstated, as for GeneratedStyle.
var WatchStyle = Style{
	Name: "gifctl watch, with gifctl ifstated --watch's ifstated.conf", Interval: 5 * time.Second, Timeout: 40 * time.Second,
	Conf:  func(w *scenario.World) ([]byte, error) { return os.ReadFile(w.IfstatedConf) },
	Watch: true,
}

// RecoveryRun is one address change and how long IPv6 took to come back.
type RecoveryRun struct {
	Phase time.Duration // when the change came, after ifstated started
	Took  time.Duration // from the change to the first IPv6 echo reply
	// The restarts (ifstated's or watch's) that started after the change:
	// how many, when the first started after the change, how long it took.
	Restarts             int
	Noticed, RestartTook time.Duration
	// Timeline is the World's events from the change on, each at its time
	// after the change: what gifctl and watch logged, the broker, the ping.
	Timeline string
	Err      error
}

// Recovery is the result of several runs of one style.
type Recovery struct {
	Style Style
	Runs  []RecoveryRun
	Conf  string // the ifstated.conf text of the first run
}

// MedianRun is the successful run whose time is the median's (the
// lower middle one of an even count), or nil.
func (r Recovery) MedianRun() *RecoveryRun {
	var ok []*RecoveryRun
	for i := range r.Runs {
		if r.Runs[i].Err == nil {
			ok = append(ok, &r.Runs[i])
		}
	}
	if len(ok) == 0 {
		return nil
	}
	slices.SortFunc(ok, func(a, b *RecoveryRun) int { return cmp.Compare(a.Took, b.Took) })
	return ok[(len(ok)-1)/2]
}

// Median is the median of the successful runs.
func (r Recovery) Median() (Summary, int) {
	var ds []time.Duration
	for _, x := range r.Runs {
		if x.Err == nil {
			ds = append(ds, x.Took)
		}
	}
	return Summarize(ds), len(r.Runs) - len(ds)
}

// RecoveryOptions configure MeasureRecovery.
type RecoveryOptions struct {
	Program sim.Program // gifsim
	Gifctl  string      // the binary under test
	Runs    int
	// Parallel runs all of a style's runs at once, each in its own Lab:
	// for the ping style, whose minute-long waits would otherwise add up.
	Parallel bool
	Log      func(format string, args ...any)
}

// MeasureRecovery runs o.Runs address changes with style, each in a fresh
// simulation: the World is built and brought up as the scenario package
// does it (first restart, IPv6 through the tunnel), then its ifstated is
// replaced by a Machine running style's file, started at a known time, and
// the ISP renumbers the router at a phase of that file's check interval.
// The phases are spread evenly over the interval, (k+0.5)/n of it, so the
// median stands for a change at any moment.
func MeasureRecovery(ctx context.Context, style Style, o RecoveryOptions) Recovery {
	rec := Recovery{Style: style, Runs: make([]RecoveryRun, o.Runs)}
	var mu sync.Mutex
	one := func(k int) {
		phase := time.Duration((float64(k) + 0.5) / float64(o.Runs) * float64(style.Interval))
		run, conf := recoverOnce(ctx, style, o, phase)
		mu.Lock()
		defer mu.Unlock()
		rec.Runs[k] = run
		took, err := run.Took, run.Err
		if rec.Conf == "" {
			rec.Conf = conf
		}
		if o.Log != nil {
			if err != nil {
				o.Log("recovery, %s, change %.1f s in: %v", style.Name, phase.Seconds(), err)
			} else {
				o.Log("recovery, %s, change %.1f s in: IPv6 back after %.1f s", style.Name, phase.Seconds(), took.Seconds())
			}
		}
	}
	if !o.Parallel {
		for k := range o.Runs {
			one(k)
		}
		return rec
	}
	var wg sync.WaitGroup
	for k := range o.Runs {
		wg.Go(func() { one(k) })
	}
	wg.Wait()
	return rec
}

func recoverOnce(ctx context.Context, style Style, o RecoveryOptions, phase time.Duration) (run RecoveryRun, conf string) {
	run.Phase = phase
	run.Err = func() (err error) {
		lab, err := netns.New()
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, lab.Close()) }()
		dir, err := os.MkdirTemp("", "gifbench-sim")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		w, err := scenario.Start(ctx, lab, scenario.Options{Program: o.Program, Gifctl: o.Gifctl, Dir: dir, Watch: style.Watch})
		if err != nil {
			return err
		}
		// The World's own ifstated is replaced by style's below; its relay,
		// through which the stand-ins run outside gifctl's sandbox, and its
		// gifctl watch stay.
		w.StopIfstated()
		defer w.Stop()
		text, err := style.Conf(w)
		if err != nil {
			return err
		}
		conf = string(text)
		f, err := ifstatedsim.Parse(style.Name, text)
		if err != nil {
			return err
		}
		m := ifstatedsim.NewMachine(f)
		m.Exec = w.Shell
		m.Logf = func(format string, args ...any) { w.Logf("ifstated: "+format, args...) }
		mctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		start := time.Now()
		go func() {
			defer close(done)
			m.Run(mctx)
		}()
		defer func() {
			stop()
			<-done
		}()
		select {
		case <-time.After(time.Until(start.Add(phase))):
		case <-ctx.Done():
			return ctx.Err()
		}
		change := w.Events().Since()
		if run.Took, err = scenario.AddressChange(ctx, w, style.Timeout); err != nil {
			return fmt.Errorf("%w\nevents:\n%s", err, w.Events())
		}
		// The restart that brought IPv6 back may still be finishing.
		restarting := func() bool { return slices.ContainsFunc(w.Running(), isRestart) }
		if err := w.WaitFor(ctx, 10*time.Second, "the restarts to end", func() bool { return !restarting() }); err != nil {
			return err
		}
		var b strings.Builder
		for _, ev := range w.Events().List() {
			if ev.At >= change {
				fmt.Fprintf(&b, "%+7.3f s  %-8s %s\n", (ev.At - change).Seconds(), ev.Who, strings.ReplaceAll(ev.Text, dir, "$SIM"))
			}
		}
		run.Timeline = b.String()
		for _, r := range w.Runs(" restart ") {
			if r.Start < change {
				continue
			}
			if run.Restarts++; run.Restarts == 1 || r.Start-change < run.Noticed {
				run.Noticed, run.RestartTook = r.Start-change, r.End-r.Start
			}
		}
		return nil
	}()
	return run, conf
}

func isRestart(cmd string) bool { return strings.Contains(cmd, " restart ") }
