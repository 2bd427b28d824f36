package bench

import (
	"fmt"
	"os/exec"
	"time"
)

// ProcRow is the cost of one command as a process.
type ProcRow struct {
	Cmd    Cmd
	Wall   Summary
	CPU    Summary // user and system time, the process's and its children's
	PeakKB int64
}

// ProcOptions say how many times to run each command.
type ProcOptions struct {
	Rounds  int      // timed runs of each command
	Warmup  int      // untimed rounds first
	RSSRuns int      // runs under the RSS meter
	Meter   RSSMeter // how peak RSS is read
	GoFloor string   // an empty Go program, or "" to leave that row out
}

// Row labels the report and the targets refer to.
const (
	LabelTrue        = "/bin/true"
	LabelGoFloor     = "empty Go program"
	LabelPingLo      = "ping -c1 -w1 127.0.0.1"
	LabelPingLive4   = "ping -c1 -w1 LIVE4"
	LabelPingLive6   = "ping -6 -c1 -w1 LIVE6"
	LabelVersion     = "gifctl --version"
	LabelConfigTest  = "gifctl -n"
	LabelCheckTunnel = "gifctl check tunnel gif0"
	LabelIfconfig    = "ifconfig stand-in gif0"
	// With the static Go ifconfig (World.UseStaticIfconfig).
	LabelCheckTunnelStatic = "gifctl check tunnel gif0, static ifconfig"
	LabelIfconfigStatic    = "static ifconfig stand-in gif0"
	LabelCheckIPv4         = "gifctl check ipv4 LIVE4"
	LabelCheckIPv6         = "gifctl check ipv6 LIVE6"
	LabelNoop              = "gifctl restart gif0 (nothing to do)"
)

// ProcessCmds are the commands whose per-process cost is compared, all
// run inside the World's router namespace, each expected to exit 0. The
// restart must have nothing to do: run MeasureNoopRestart first. With
// World.UseStaticIfconfig run, check tunnel also runs with the static
// ifconfig, and that stand-in alone.
func ProcessCmds(w *World, goFloor string) ([]Cmd, error) {
	ping, err := exec.LookPath("ping")
	if err != nil {
		return nil, fmt.Errorf("ping (iputils-ping): %w", err)
	}
	cmds := []Cmd{{Label: LabelTrue, Argv: []string{"/bin/true"}}}
	if goFloor != "" {
		cmds = append(cmds, Cmd{Label: LabelGoFloor, Argv: []string{goFloor}})
	}
	cmds = append(cmds,
		Cmd{Label: LabelPingLo, Argv: []string{ping, "-c1", "-w1", "127.0.0.1"}},
		Cmd{Label: LabelPingLive4, Argv: []string{ping, "-c1", "-w1", Live4.String()}},
		Cmd{Label: LabelPingLive6, Argv: []string{ping, "-6", "-c1", "-w1", Live6.String()}},
		w.Cmd(LabelVersion, 0, "--version"),
		w.Cmd(LabelConfigTest, 0, "-n"),
		w.Cmd(LabelCheckTunnel, 0, "check", "tunnel", "gif0"),
		Cmd{Label: LabelIfconfig, Argv: []string{w.path("ifconfig"), "gif0"}},
		w.Cmd(LabelCheckIPv4, 0, "check", "ipv4", Live4.String()),
		w.Cmd(LabelCheckIPv6, 0, "check", "ipv6", Live6.String()),
		w.Cmd(LabelNoop, 0, "restart", "gif0"),
	)
	if w.StaticConf != "" {
		cmds = append(cmds, w.StaticCmd(LabelCheckTunnelStatic, "check", "tunnel", "gif0"),
			Cmd{Label: LabelIfconfigStatic, Argv: []string{w.StaticIfconfig, "gif0"}})
	}
	return cmds, nil
}

// MeasureProcesses times cmds and reads their peak RSS, inside the
// router's namespace.
func MeasureProcesses(w *World, cmds []Cmd, o ProcOptions) ([]ProcRow, error) {
	rows := make([]ProcRow, len(cmds))
	err := w.InRouter(func() error {
		times, err := TimeRuns(cmds, o.Rounds, o.Warmup)
		if err != nil {
			return err
		}
		for i, c := range cmds {
			rows[i] = ProcRow{Cmd: c, Wall: Summarize(times[i].Wall), CPU: Summarize(times[i].CPU)}
			if rows[i].PeakKB, err = o.Meter.Peak(c, o.RSSRuns); err != nil {
				return err
			}
		}
		return nil
	})
	return rows, err
}

// ProbeRow is the time of one way of asking "does any target answer?".
type ProbeRow struct {
	Cmd  Cmd
	Wall Summary
}

// Probe labels.
const (
	LabelAnyLive4 = "gifctl check ipv4 LIVE4"
	LabelAnyBoth4 = "gifctl check ipv4 SILENT4 LIVE4"
	LabelSeqBoth4 = "ping -c1 -w1 SILENT4 || ping -c1 -w1 LIVE4"
	LabelAnyLive6 = "gifctl check ipv6 LIVE6"
	LabelAnyBoth6 = "gifctl check ipv6 SILENT6 LIVE6"
	LabelSeqBoth6 = "ping6 -c1 -w1 SILENT6 || ping6 -c1 -w1 LIVE6"
)

// ProbeCmds are gifctl's any-of probes, for [silent, live] and for [live]
// alone, and the usual sequential pings of [silent, live], which take a
// second each.
func ProbeCmds(w *World) (anyOf, seq []Cmd, err error) {
	ping, err := exec.LookPath("ping")
	if err != nil {
		return nil, nil, fmt.Errorf("ping (iputils-ping): %w", err)
	}
	sequential := func(label, flag string, silent, live fmt.Stringer) Cmd {
		script := fmt.Sprintf("%[1]s %[2]s -c1 -w1 %[3]s >/dev/null || %[1]s %[2]s -c1 -w1 %[4]s >/dev/null", ping, flag, silent, live)
		return Cmd{Label: label, Argv: []string{"/bin/sh", "-c", script}}
	}
	anyOf = []Cmd{
		w.Cmd(LabelAnyLive4, 0, "check", "ipv4", Live4.String()),
		w.Cmd(LabelAnyBoth4, 0, "check", "ipv4", Silent4.String(), Live4.String()),
		w.Cmd(LabelAnyLive6, 0, "check", "ipv6", Live6.String()),
		w.Cmd(LabelAnyBoth6, 0, "check", "ipv6", Silent6.String(), Live6.String()),
	}
	seq = []Cmd{sequential(LabelSeqBoth4, "-4", Silent4, Live4), sequential(LabelSeqBoth6, "-6", Silent6, Live6)}
	return anyOf, seq, nil
}

// MeasureProbes times the any-of probes anyRounds times and the
// sequential ones seqRounds times, each group interleaved, inside the
// router's namespace.
func MeasureProbes(w *World, anyOf, seq []Cmd, anyRounds, seqRounds int) ([]ProbeRow, error) {
	var rows []ProbeRow
	err := w.InRouter(func() error {
		for _, g := range []struct {
			cmds   []Cmd
			rounds int
		}{{anyOf, anyRounds}, {seq, seqRounds}} {
			times, err := TimeRuns(g.cmds, g.rounds, 1)
			if err != nil {
				return err
			}
			for i, c := range g.cmds {
				rows = append(rows, ProbeRow{Cmd: c, Wall: Summarize(times[i].Wall)})
			}
		}
		return nil
	})
	return rows, err
}

// FindProc returns the row labelled label, or a zero row.
func FindProc(rows []ProcRow, label string) ProcRow {
	for _, r := range rows {
		if r.Cmd.Label == label {
			return r
		}
	}
	return ProcRow{}
}

// FindProbe returns the row labelled label, or a zero row.
func FindProbe(rows []ProbeRow, label string) ProbeRow {
	for _, r := range rows {
		if r.Cmd.Label == label {
			return r
		}
	}
	return ProbeRow{}
}

// ms formats d in milliseconds with enough digits for a process.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
