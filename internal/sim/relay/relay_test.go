package relay

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the client when clientEnv is set.
const clientEnv = "RELAY_TEST_CLIENT"

func TestMain(m *testing.M) {
	if os.Getenv(clientEnv) == "1" && len(os.Args) > 1 && os.Args[1] == "relay" {
		os.Exit(ClientMain(os.Args[2:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// start serves on a socket in a temporary directory and writes a client
// script there for the command real.
func start(t *testing.T, real string) (script string, s *Server) {
	t.Helper()
	dir := t.TempDir()
	sock := filepath.Join(dir, "relay.sock")
	s, err := Listen(sock, func(args []string) *exec.Cmd { return exec.Command(args[0], args[1:]...) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	script = filepath.Join(dir, "standin")
	if err := os.Rename(real, script); err != nil {
		t.Fatal(err)
	}
	if err := Wrap(dir, os.Args[0], []string{clientEnv + "=1"}, sock, "standin"); err != nil {
		t.Fatal(err)
	}
	return script, s
}

func writeScript(t *testing.T, dir, text string) string {
	t.Helper()
	p := filepath.Join(dir, "real")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+text), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRelayOutputAndStatus(t *testing.T) {
	real := writeScript(t, t.TempDir(), `echo "out $*"; echo err >&2; exit 3`+"\n")
	script, _ := start(t, real)
	out, err := exec.Command("/bin/sh", script, "a b", "c").CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("err = %v, want exit 3", err)
	}
	if got, want := string(out), "out a b c\nerr\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}

func TestRelaySignal(t *testing.T) {
	real := writeScript(t, t.TempDir(), "kill -TERM $$\n")
	script, _ := start(t, real)
	err := exec.Command(script).Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("err = %v, want death by SIGTERM", err)
	}
	if ws := ee.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("status %v, want killed by SIGTERM", ws)
	}
}

// A client killed (gifctl's deadline) takes the real stand-in's whole
// process group with it.
func TestRelayClientKilled(t *testing.T) {
	tmp := t.TempDir()
	pids := filepath.Join(tmp, "pids")
	real := writeScript(t, tmp, "sleep 3600 & echo $$ $! > "+pids+".tmp; mv "+pids+".tmp "+pids+"; wait\n")
	script, _ := start(t, real)
	c := exec.Command(script)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	var data []byte
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if data, _ = os.ReadFile(pids); len(data) > 0 || time.Now().After(deadline) {
			break
		}
	}
	c.Process.Kill()
	c.Wait()
	for _, f := range strings.Fields(string(data)) {
		pid, _ := strconv.Atoi(f)
		for deadline := time.Now().Add(10 * time.Second); syscall.Kill(pid, 0) == nil; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("pid %d still runs after its client was killed", pid)
			}
		}
	}
	if len(data) == 0 {
		t.Fatal("the stand-in never started")
	}
}

// The stand-in gets the client's environment, and its caller's pid.
func TestRelayEnvironment(t *testing.T) {
	real := writeScript(t, t.TempDir(), `echo "$`+CallerEnv+` $FOO"`+"\n")
	script, _ := start(t, real)
	c := exec.Command(script)
	c.Env = []string{"FOO=bar", "PATH=/usr/bin:/bin"}
	out, err := c.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(out), fmt.Sprintf("%d bar\n", os.Getpid()); got != want {
		t.Errorf("stand-in saw %q, want %q", got, want)
	}
}

// observed is what an Observer was told of one command.
type observed struct {
	args []string
	out  string
	code int
}

// observe has s report each command on the channel returned once it ended,
// and close started when one has written its first output.
func observe(s *Server) (ends chan observed, started chan struct{}) {
	ends, started = make(chan observed, 1), make(chan struct{})
	var once sync.Once
	s.Observe(func(args []string) (io.Writer, func(int)) {
		out := &lockedBuilder{}
		w := writerFunc(func(p []byte) (int, error) {
			once.Do(func() { close(started) })
			return out.Write(p)
		})
		return w, func(code int) { ends <- observed{args, out.String(), code} }
	})
	return ends, started
}

// An Observer sees each command's line, output and exit status.
func TestRelayObserve(t *testing.T) {
	real := writeScript(t, t.TempDir(), `echo "out $*"; exit 4`+"\n")
	script, s := start(t, real)
	ends, _ := observe(s)
	exec.Command(script, "a").Run()
	got := <-ends
	if want := (observed{[]string{script + ".real", "a"}, "out a\n", 4}); !reflect.DeepEqual(got, want) {
		t.Errorf("observed %+v, want %+v", got, want)
	}
}

// A command whose client was killed ends with -1 for the Observer.
func TestRelayObserveKilled(t *testing.T) {
	real := writeScript(t, t.TempDir(), "echo started; sleep 3600\n")
	script, s := start(t, real)
	ends, started := observe(s)
	c := exec.Command(script)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	<-started
	c.Process.Kill()
	c.Wait()
	if got := <-ends; got.code != -1 || got.out != "started\n" {
		t.Errorf("observed %+v, want exit -1 after \"started\"", got)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
