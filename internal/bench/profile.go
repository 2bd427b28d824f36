package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Step is one layer of a process's cost: the difference between two
// measured commands.
type Step struct {
	What     string
	From, To string // labels of the rows subtracted (From may be "")
	Cost     time.Duration
}

// Decompose splits the median wall time of `check tunnel` into layers,
// each the difference of two measured rows: the process floor, Go's
// runtime, gifctl's start-up (package initialisers, the CLI model),
// reading the configuration, and the check itself (with the static Go
// ifconfig), of which that stand-in (an ioctl on OpenBSD) is one part.
func Decompose(rows []ProcRow) []Step {
	med := func(l string) time.Duration { return FindProc(rows, l).Wall.Median }
	steps := []Step{
		{"a process: fork, exec, exit (C)", "", LabelTrue, 0},
		{"Go runtime start-up and exit (a static program)", LabelTrue, LabelGoFloor, 0},
		{"gifctl start-up: package init, kong's CLI model", LabelGoFloor, LabelVersion, 0},
		{"reading gifctl.conf, syslog dial, -n", LabelVersion, LabelConfigTest, 0},
		{"the check: egress address (netlink), endpoints (runs the static ifconfig), record", LabelConfigTest, LabelCheckTunnelStatic, 0},
		{"  of which the static ifconfig stand-in alone (an ioctl on OpenBSD)", "", LabelIfconfigStatic, 0},
	}
	var out []Step
	for _, s := range steps {
		if FindProc(rows, s.To).Cmd.Label == "" || (s.From != "" && FindProc(rows, s.From).Cmd.Label == "") {
			continue
		}
		s.Cost = med(s.To)
		if s.From != "" {
			s.Cost -= med(s.From)
		}
		out = append(out, s)
	}
	return out
}

// InitCost is one package initialiser as GODEBUG=inittrace=1 reports it.
type InitCost struct {
	Pkg   string
	Clock time.Duration
	Bytes int64
}

// InitTrace runs c once with GODEBUG=inittrace=1 and returns the total
// time of the package initialisers and the costliest ones.
func InitTrace(c Cmd, top int) (total time.Duration, costliest []InitCost, err error) {
	c.Env = append(slices.Clone(bareEnv), "GODEBUG=inittrace=1")
	_, out, err := c.runOnce(c.Argv)
	if err != nil {
		return 0, nil, err
	}
	var all []InitCost
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		// init internal/bytealg @0.008 ms, 0 ms clock, 0 bytes, 0 allocs
		f := strings.Fields(sc.Text())
		if len(f) < 9 || f[0] != "init" || f[5] != "ms" || f[6] != "clock," {
			continue
		}
		clock, err1 := strconv.ParseFloat(f[4], 64)
		bytes, err2 := strconv.ParseInt(f[7], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		ic := InitCost{Pkg: f[1], Clock: time.Duration(clock * float64(time.Millisecond)), Bytes: bytes}
		all = append(all, ic)
		total += ic.Clock
	}
	slices.SortFunc(all, func(a, b InitCost) int { return int(b.Clock - a.Clock) })
	return total, all[:min(top, len(all))], nil
}

// PerfShare is the share of CPU samples in a function and what it calls.
type PerfShare struct {
	Symbol string
	Pct    float64
}

// PerfSymbols are the functions whose inclusive share tells where a
// gifctl process spends its time.
var PerfSymbols = []string{
	"runtime.rt0_go.abi0",
	"runtime.schedinit",
	"runtime.doInit1",
	"main.main",
	"github.com/alecthomas/kong.New",
	"github.com/alecthomas/kong.(*Kong).Parse",
	"main.(*app).loadConfig",
	"github.com/gifctl/gifctl/bsd.(*Logger).OpenSyslog",
	"github.com/gifctl/gifctl/bsd.IPv4Addrs",
	"github.com/gifctl/gifctl/bsd.TunnelEndpoints",
	"github.com/gifctl/gifctl/internal/checklog.Record",
	"runtime.mallocgc",
	"runtime.gcBgMarkWorker",
}

// PerfProfile builds gifctl with symbols from the module at dir, runs c
// (whose argv[0] is replaced by that build) runs times under
// `perf record -e cpu-clock -g`, and returns the inclusive share of
// PerfSymbols in the samples of gifctl itself. It needs perf(1); the
// caller runs it where c must run (the router's namespace).
func PerfProfile(ctx context.Context, goTool, dir string, c Cmd, runs int) (shares []PerfShare, line string, err error) {
	perf, err := exec.LookPath("perf")
	if err != nil {
		return nil, "", fmt.Errorf("perf is not installed")
	}
	tmp, err := os.MkdirTemp("", "gifperf")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "gifctl")
	build := exec.CommandContext(ctx, goTool, "build", "-trimpath", "-o", bin, "./cmd/gifctl")
	build.Dir = dir
	if msg, err := build.CombinedOutput(); err != nil {
		return nil, "", fmt.Errorf("go build: %w\n%s", err, msg)
	}
	argv := append([]string{bin}, c.Argv[1:]...)
	loop := fmt.Sprintf("i=0; while [ $i -lt %d ]; do %s >/dev/null 2>&1; i=$((i+1)); done", runs, shellJoin(argv))
	data := filepath.Join(tmp, "perf.data")
	rec := exec.CommandContext(ctx, perf, "record", "-q", "-e", "cpu-clock", "-F", "10000", "-g", "-o", data, "--", "/bin/sh", "-c", loop)
	if msg, err := rec.CombinedOutput(); err != nil {
		return nil, "", fmt.Errorf("perf record: %w\n%s", err, msg)
	}
	rep := exec.CommandContext(ctx, perf, "report", "-i", data, "--comm", "gifctl", "--children",
		"--sort", "sym", "--stdio", "-g", "none", "--percent-limit", "0.5")
	out, err := rep.Output()
	if err != nil {
		return nil, "", fmt.Errorf("perf report: %w", err)
	}
	pct := parsePerfChildren(out)
	for _, s := range PerfSymbols {
		if p, ok := pct[s]; ok {
			shares = append(shares, PerfShare{Symbol: s, Pct: p})
		}
	}
	line = fmt.Sprintf("perf record -e cpu-clock -F 10000 -g -- (%d x %s, built without -s -w); perf report --comm gifctl --children --sort sym",
		runs, strings.Join(c.Argv[1:], " "))
	return shares, line, nil
}

// parsePerfChildren reads `perf report --children --stdio -g none` lines:
// "    40.63%     0.00%  [.] runtime.main".
func parsePerfChildren(out []byte) map[string]float64 {
	m := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasSuffix(f[0], "%") || (f[2] != "[.]" && f[2] != "[k]") {
			continue
		}
		p, err := strconv.ParseFloat(strings.TrimSuffix(f[0], "%"), 64)
		if err != nil {
			continue
		}
		m[strings.Join(f[3:], " ")] = p
	}
	return m
}

// shellJoin quotes argv for sh.
func shellJoin(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
