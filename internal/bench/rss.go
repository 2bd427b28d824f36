package bench

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
)

// TimeProgram is GNU time(1), the preferred way to read a child's peak
// resident set (see the package comment).
const TimeProgram = "/usr/bin/time"

// RSSHelperArg, as the first argument of the harness's own binary, makes
// it RSSHelper: `benchgifctl -rss-helper CMD ARGS...`.
const RSSHelperArg = "-rss-helper"

// RSSMeter measures the peak resident set of a command, in KiB.
type RSSMeter struct {
	// Wrap is the command line that runs a command and writes its peak
	// RSS in KiB as the last line of the file named by the token OUT.
	Wrap []string
	// How says in the report how it was measured.
	How string
}

// NewRSSMeter picks /usr/bin/time when it is there, otherwise self (the
// harness's binary) as RSSHelper.
func NewRSSMeter(self string) RSSMeter {
	if _, err := os.Stat(TimeProgram); err == nil {
		return RSSMeter{
			Wrap: []string{TimeProgram, "-f", "%M", "-o", "OUT"},
			How:  "GNU time(1) `/usr/bin/time -f %M` (ru_maxrss of wait4)",
		}
	}
	return RSSMeter{
		Wrap: []string{self, RSSHelperArg, "OUT"},
		How: "ru_maxrss of wait4 in a minimal Go helper (`" + filepath.Base(self) + " " + RSSHelperArg +
			"`): /usr/bin/time is missing, so each figure includes the helper's own ~2.5 MB",
	}
}

// Peak runs c runs times under the meter and returns the largest peak RSS
// seen, in KiB.
func (m RSSMeter) Peak(c Cmd, runs int) (int64, error) {
	f, err := os.CreateTemp("", "benchrss")
	if err != nil {
		return 0, err
	}
	out := f.Name()
	f.Close()
	defer os.Remove(out)
	var argv []string
	for _, a := range m.Wrap {
		if a == "OUT" {
			a = out
		}
		argv = append(argv, a)
	}
	argv = append(argv, c.Argv...)
	var peak int64
	for range runs {
		if _, _, err := c.runOnce(argv); err != nil {
			return 0, err
		}
		data, err := os.ReadFile(out)
		if err != nil {
			return 0, err
		}
		kb, err := lastNumber(data)
		if err != nil {
			return 0, fmt.Errorf("%s: peak RSS: %w", c.Label, err)
		}
		peak = max(peak, kb)
	}
	return peak, nil
}

// lastNumber parses the last non-empty line of data as an integer: time(1)
// writes "Command exited with non-zero status N" before it when the
// command failed.
func lastNumber(data []byte) (int64, error) {
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	last := bytes.TrimSpace(lines[len(lines)-1])
	n, err := strconv.ParseInt(string(last), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not a number: %q", last)
	}
	return n, nil
}

// RSSHelper is the harness re-executed as a small parent: it runs
// args[1:], writes the child's ru_maxrss (KiB on Linux) to the file
// args[0], and exits with the child's status.
func RSSHelper(args []string) int {
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: "+RSSHelperArg+" OUTFILE CMD [ARG...]")
		return 2
	}
	cmd := exec.Command(args[1], args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, err)
		return 127
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "no rusage on this system")
		return 127
	}
	if err := os.WriteFile(args[0], []byte(strconv.FormatInt(int64(ru.Maxrss), 10)+"\n"), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 127
	}
	return cmd.ProcessState.ExitCode()
}
