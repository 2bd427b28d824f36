package scenario

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/sim"
	"github.com/gifctl/gifctl/internal/sim/netns"
)

// demoHelperEnv makes the test binary run the demo (as gifsim demo would)
// with the arguments in it, separated by spaces.
const demoHelperEnv = "GIFSIM_TEST_DEMO"

// runDemoHelper is called from TestMain.
func runDemoHelper() {
	args := os.Getenv(demoHelperEnv)
	if args == "" {
		return
	}
	prog, err := sim.SelfProgram()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(Demo(strings.Fields(args), prog, os.Stdout, os.Stderr))
}

func demoCommand(t *testing.T) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), demoHelperEnv+"=-gifctl "+gifctlBinary(t)+" -scale 5")
	return cmd
}

var recovered = regexp.MustCompile(`^recovered in [0-9]+\.[0-9] s$`)

// TestDemo runs the demo to its end (ifstated's clock 5x): it must say what
// it needs, show the story (gifctl watch restarting the tunnel, ifstated
// running no check tunnel), end with the recovery time and leave nothing.
func TestDemo(t *testing.T) {
	t.Parallel()
	netns.Require(t)
	cmd := demoCommand(t)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("demo: %v\n%s%s", err, out, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	t.Logf("demo output:\n%s", out)
	if !strings.HasPrefix(lines[1], "needs: root, ip(8)") {
		t.Errorf("second line %q: want the prerequisites", lines[1])
	}
	if last := lines[len(lines)-1]; !recovered.MatchString(last) {
		t.Errorf("last line %q: want \"recovered in N.N s\"", last)
	}
	for _, want := range []string{
		"isp      renumbers the router",
		"router   gifctl: $SIM/etc/hostname.gif0: tunnel source set to 198.18.2.2",
		`pop      broker: GET /nic/update?hostname=123456&myip=198.18.2.2 from 198.18.2.2: 200 "good 198.18.2.2"`,
		"ping     2001:db8:ffff::1 answers through the tunnel",
		"watch    gifctl: gif0: restart done",
		"watch    gifctl: stopped",
		"sim      torn down: no namespace and no process left",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	// Why watch restarts is its judgement (the source is not em0's
	// address, or ifconfig did not answer on a loaded machine).
	if !regexp.MustCompile(`(?m)^ *[0-9.]+  watch    gifctl: gif0: .*: gifctl restart gif0$`).Match(out) {
		t.Errorf("the demo does not show gifctl watch restarting gif0")
	}
	if strings.Contains(string(out), "check tunnel") {
		t.Errorf("the demo ran check tunnel: gifctl ifstated --watch prints none")
	}
	checkDemoGone(t, cmd.Process.Pid, simDir(lines))
}

// TestDemoInterrupted sends SIGINT to the demo once the network is up, as
// Ctrl-C does: it must tear everything down and remove its directory.
func TestDemoInterrupted(t *testing.T) {
	t.Parallel()
	netns.Require(t)
	cmd := demoCommand(t)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var seen []string
	dir := ""
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		seen = append(seen, sc.Text())
		if dir == "" {
			dir = simDir(seen)
		}
		if strings.Contains(sc.Text(), "isp      renumbers the router") {
			break
		}
	}
	if dir == "" {
		t.Fatalf("the demo never got going:\n%s\n%s", strings.Join(seen, "\n"), stderr.String())
	}
	cmd.Process.Signal(syscall.SIGINT)
	go func() {
		for sc.Scan() {
		}
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the demo did not exit after SIGINT")
	}
	if code := cmd.ProcessState.ExitCode(); code != 128+int(syscall.SIGINT) {
		t.Errorf("exit status %d after SIGINT, want %d; stderr:\n%s", code, 128+int(syscall.SIGINT), stderr.String())
	}
	checkDemoGone(t, cmd.Process.Pid, dir)
}

// simDir finds the demo's directory in its output (SIM=DIR).
func simDir(lines []string) string {
	for _, l := range lines {
		if d, ok := strings.CutPrefix(l, "SIM="); ok {
			return d
		}
	}
	return ""
}

// checkDemoGone checks that the demo with process id pid left no
// namespace, no process working in its directory, and no directory.
func checkDemoGone(t *testing.T, pid int, dir string) {
	t.Helper()
	if dir == "" {
		t.Fatal("no SIM= line in the demo's output")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s: still there (%v)", dir, err)
	}
	names, err := netns.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if strings.HasPrefix(n, netns.Prefix+strconv.Itoa(pid)+"-") {
			t.Errorf("namespace %s left behind", n)
		}
	}
	cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, c := range cmdlines {
		data, _ := os.ReadFile(c)
		if strings.Contains(string(data), dir) {
			t.Errorf("%s: %q still running", c, strings.ReplaceAll(string(data), "\x00", " "))
		}
	}
}
