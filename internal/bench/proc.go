package bench

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Cmd is one command line to measure.
type Cmd struct {
	Label string   // what the report calls it
	Argv  []string // argv[0] an absolute path
	Env   []string // the whole environment; nil: a bare PATH
	Dir   string   // working directory; "": the harness's
	Exit  int      // the exit status it must end with
	// AnyExit takes any exit status: a test whose answer changes.
	AnyExit bool
}

// Line is the command line as a person would type it.
func (c Cmd) Line() string { return strings.Join(c.Argv, " ") }

// bareEnv is what the commands run with: as bare as ifstated's children.
var bareEnv = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"}

func (c Cmd) command(argv []string) *exec.Cmd {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = c.Env
	if cmd.Env == nil {
		cmd.Env = bareEnv
	}
	cmd.Dir = c.Dir
	return cmd
}

// runOnce runs argv for c and checks its exit status; out is what it
// printed on stdout and stderr together.
func (c Cmd) runOnce(argv []string) (took time.Duration, out []byte, err error) {
	took, _, out, err = c.run(argv)
	return took, out, err
}

// run is runOnce that also returns the CPU time (user and system) of the
// process and of the children it waited for.
func (c Cmd) run(argv []string) (took, cpu time.Duration, out []byte, err error) {
	cmd := c.command(argv)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	start := time.Now()
	err = cmd.Run()
	took = time.Since(start)
	if ps := cmd.ProcessState; ps != nil {
		cpu = ps.UserTime() + ps.SystemTime()
	}
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		return took, cpu, buf.Bytes(), fmt.Errorf("%s: %w", c.Label, err)
	}
	if code != c.Exit && !c.AnyExit {
		return took, cpu, buf.Bytes(), fmt.Errorf("%s: %s: exit %d, want %d: %s",
			c.Label, strings.Join(argv, " "), code, c.Exit, bytes.TrimSpace(buf.Bytes()))
	}
	return took, cpu, buf.Bytes(), nil
}

// output runs c and returns what it printed on stdout.
func (c Cmd) output() ([]byte, error) {
	out, err := c.command(c.Argv).Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return nil, fmt.Errorf("%s: %w: %s", c.Line(), err, bytes.TrimSpace(ee.Stderr))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Line(), err)
	}
	return out, nil
}

// Times are the wall and CPU times of one command's runs.
type Times struct {
	Wall, CPU []time.Duration
}

// TimeRuns runs every command rounds times and returns each one's wall
// and CPU times, in the order of cmds. The commands are interleaved: each round
// runs all of them once, starting one further along every round, so that
// a burst of background load hits all alike. warmup rounds go first and
// are not kept (page cache, the first use of a binary).
func TimeRuns(cmds []Cmd, rounds, warmup int) ([]Times, error) {
	times := make([]Times, len(cmds))
	for r := -warmup; r < rounds; r++ {
		for k := range cmds {
			i := (k + r + warmup) % len(cmds)
			took, cpu, _, err := cmds[i].run(cmds[i].Argv)
			if err != nil {
				return nil, err
			}
			if r >= 0 {
				times[i].Wall = append(times[i].Wall, took)
				times[i].CPU = append(times[i].CPU, cpu)
			}
		}
	}
	return times, nil
}
