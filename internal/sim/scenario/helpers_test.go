package scenario

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/sim"
	"github.com/gifctl/gifctl/internal/sim/gifsim"
	"github.com/gifctl/gifctl/internal/sim/netns"
	"github.com/gifctl/gifctl/internal/sim/ugif"
)

// testScale runs ifstated's clock five times faster than real time: its
// tunnel check every second, its ping checks every 6 s. Faster, a loaded
// 2-core machine has ifstated kill checks that overrun their interval.
const testScale = 5

var build struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// parallel is how many scenarios run at once unless -test.parallel says:
// all of them. They spend their time waiting for ifstated's intervals, not
// on the CPU, and the default (GOMAXPROCS) would run them two by two on
// the 2-core machines CI has.
const parallel = 8

func TestMain(m *testing.M) {
	gifsim.RunIfRequested()
	runDemoHelper()
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", strconv.Itoa(parallel))
	}
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// gifctlBinary builds gifctl once per test run, into a temporary directory.
func gifctlBinary(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		if build.dir, build.err = os.MkdirTemp("", "gifsim-gifctl"); build.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		build.path, build.err = BuildGifctl(ctx, build.dir)
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

// mode is how the router runs gifctl: under ifstated alone, whose check
// tunnel finds an address change, or with gifctl watch as well, which the
// kernel tells of it (Options.Watch).
type mode struct {
	name  string
	watch bool
}

var (
	ifstatedAlone = mode{"ifstated", false}
	withWatch     = mode{"watch", true}
	modes         = []mode{ifstatedAlone, withWatch}
)

// newWorld builds a Lab and a World in it for t, ifstated alone running
// and all well.
func newWorld(t *testing.T) *World {
	t.Helper()
	return ifstatedAlone.world(t)
}

// world builds a Lab and a World in it for t, run in mode m, and all
// well. On failure, and with go test -v, the whole event log is printed.
func (m mode) world(t *testing.T) *World {
	t.Helper()
	lab := netns.NewForTest(t)
	prog, err := sim.SelfProgram()
	if err != nil {
		t.Fatal(err)
	}
	w, err := Start(context.Background(), lab, Options{
		Program: prog, Gifctl: gifctlBinary(t), Dir: t.TempDir(), Scale: testScale, Watch: m.watch,
	})
	t.Cleanup(func() {
		if t.Failed() {
			logTunnelPath(t, w)
		}
		w.Stop()
		if t.Failed() || testing.Verbose() {
			t.Logf("events:\n%s", w.Events())
		}
		if t.Failed() {
			// The daemons netstart and ifconfig started in the router.
			logs, _ := filepath.Glob(filepath.Join(w.RouterCtl, "*.log"))
			for _, l := range logs {
				data, _ := os.ReadFile(l)
				t.Logf("%s:\n%s", l, data)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// logTunnelPath logs, while the World still runs, what tells where the
// tunnel's packets stopped: both gifs' endpoints and counters, and the
// ISP's connection tracking of protocol 41 (what its NAT maps).
func logTunnelPath(t *testing.T, w *World) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, side := range []struct{ name, dir string }{{"router", w.RouterCtl}, {"pop", w.PoPCtl}} {
		st, err := ugif.Get(ctx, side.dir, "gif0")
		t.Logf("%s gif0: %+v %v", side.name, st, err)
	}
	err := w.Lab.ISP.Do(func() error {
		data, err := os.ReadFile("/proc/thread-self/net/nf_conntrack")
		for line := range strings.Lines(string(data)) {
			if strings.Contains(line, " 41 ") {
				t.Logf("isp conntrack: %s", strings.TrimSpace(line))
			}
		}
		return err
	})
	if err != nil {
		t.Logf("isp conntrack: %v", err)
	}
}

// finish stops ifstated and gifctl watch, which must stop cleanly, tears
// the Lab down and checks that nothing is left: no run of gifctl, no
// namespace, no process in one. It also checks that the update key never
// showed: not in any event, command output or state file.
func finish(t *testing.T, w *World) {
	t.Helper()
	if err := w.StopWatch(); err != nil {
		t.Error(err)
	}
	w.Stop()
	if err := w.WaitFor(context.Background(), 10*time.Second, "no command running", func() bool { return len(w.Running()) == 0 }); err != nil {
		t.Errorf("%v: %q", err, w.Running())
	}
	if err := w.Lab.CloseAndVerify(); err != nil {
		t.Errorf("teardown: %v", err)
	}
	if strings.Contains(w.Events().String(), w.Key) {
		t.Errorf("the update key shows in the events")
	}
	filepath.WalkDir(filepath.Join(w.Dir, "state"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, _ := os.ReadFile(path); strings.Contains(string(data), w.Key) {
				t.Errorf("%s holds the update key", path)
			}
		}
		return nil
	})
}

// waitRun waits until a run of cmd has ended that match accepts, and
// returns the first such run.
func waitRun(t *testing.T, w *World, cmd string, timeout time.Duration, what string, match func(Run) bool) Run {
	t.Helper()
	var got Run
	err := w.WaitFor(context.Background(), timeout, fmt.Sprintf("a run of %q %s", cmd, what), func() bool {
		for _, r := range w.Runs(cmd) {
			if match(r) {
				got = r
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// lastRun waits until a run of cmd that started after since has ended,
// and returns the first such run.
func lastRun(t *testing.T, w *World, cmd string, since time.Duration, timeout time.Duration) Run {
	t.Helper()
	return waitRun(t, w, cmd, timeout, "", func(r Run) bool { return r.Start >= since })
}

// runSaying waits until a run of cmd that ended after since has said text,
// and returns the first such run. It may have started before since: a
// restart ifstated began for another reason can take in a change made
// while it runs.
func runSaying(t *testing.T, w *World, cmd string, since time.Duration, text string, timeout time.Duration) Run {
	t.Helper()
	return waitRun(t, w, cmd, timeout, "saying "+text, func(r Run) bool {
		return r.End >= since && strings.Contains(r.Output, text)
	})
}

// updates is the number of update requests the broker has had, and its
// answers.
func updates(t *testing.T, w *World) (int, []string) {
	t.Helper()
	n, answers, err := w.Updates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n, answers
}

func wantHostnameSource(t *testing.T, w *World, src string) {
	t.Helper()
	want := "tunnel " + src + " " + netns.PoPPrefix.Addr().String() + "\n"
	if got := w.ReadFile("etc/hostname.gif0"); !strings.Contains(got, want) {
		t.Errorf("hostname.gif0:\n%s\nwant the line %q", got, want)
	}
}
