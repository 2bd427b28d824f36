package netns

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helperEnv makes the test binary act as a demo that builds a Lab and
// waits to be interrupted.
const helperEnv = "NETNS_TEST_SIGNAL_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" {
		signalHelper()
	}
	os.Exit(m.Run())
}

// signalHelper builds a Lab, starts a daemon in it, prints the namespace
// names and blocks: only the signal handler can end it.
func signalHelper() {
	l, err := New()
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	if _, err := l.Router.Start(nil, "sleep", "303"); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	var names []string
	for _, ns := range l.Namespaces() {
		names = append(names, ns.Name)
	}
	fmt.Println("ready", strings.Join(names, " "))
	select {}
}

func TestSignalTearsDown(t *testing.T) {
	Require(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), helperEnv+"=1")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); Sweep() })
			line, err := bufio.NewReader(stdout).ReadString('\n')
			f := strings.Fields(line)
			if err != nil || len(f) != 4 || f[0] != "ready" {
				t.Fatalf("helper said %q, %v; stderr:\n%s", line, err, stderr.String())
			}
			names := f[1:]
			inodes := make([]uint64, len(names))
			for i, name := range names {
				if inodes[i], err = (&Namespace{Name: name}).Inode(); err != nil {
					t.Fatal(err)
				}
			}
			cmd.Process.Signal(sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				t.Fatalf("helper did not exit after %v", sig)
			}
			if code := cmd.ProcessState.ExitCode(); code != 128+int(sig) {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, 128+int(sig), stderr.String())
			}
			left, _ := List()
			for i, name := range names {
				if slices.Contains(left, name) {
					t.Errorf("%s: left behind after %v", name, sig)
				}
				if pids := PidsIn(inodes[i]); len(pids) > 0 {
					t.Errorf("%s: processes %v left after %v", name, pids, sig)
				}
			}
		})
	}
}
