package bsd

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/elastic/go-seccomp-bpf/arch"
	ll "github.com/landlock-lsm/go-landlock/landlock/syscall"
	"golang.org/x/sys/unix"
)

// The enforcement cases run in a child: the test binary again, with
// envCase naming the case and envDir its directory. The child applies the
// case's plan and makes the case's call; it exits 0 if the call worked,
// 3 if the call failed (the error on stderr), 4 if Apply failed, and dies
// by SIGSYS if the filter refused the call.
const (
	envCase = "GIFCTL_TEST_ENFORCE_CASE"
	envDir  = "GIFCTL_TEST_ENFORCE_DIR"
)

func TestMain(m *testing.M) {
	if name := os.Getenv(envCase); name != "" {
		os.Exit(runEnforceCase(name, os.Getenv(envDir)))
	}
	os.Exit(m.Run())
}

type enforceCase struct {
	name string // says the call and the plan
	plan func(dir string) Plan
	env  []string // beyond GIFCTL_SANDBOX=enforce
	call func(dir string) error
	want string // "ok", "SIGSYS", or a substring of the call's error
}

func plan(promises string, unveil ...UnveilPath) func(string) Plan {
	return func(dir string) Plan {
		p := Plan{Promises: promises}
		for _, u := range unveil {
			p.Unveil = append(p.Unveil, UnveilPath{strings.ReplaceAll(u.Path, "DIR", dir), u.Perms})
		}
		return p
	}
}

func socketOf(domain, typ, proto int) error {
	fd, err := unix.Socket(domain, typ, proto)
	if err == nil {
		unix.Close(fd)
	}
	return err
}

func socketCall(domain int) func(string) error {
	return func(string) error { return socketOf(domain, unix.SOCK_DGRAM, 0) }
}

func readCall(name string) func(string) error {
	return func(dir string) error {
		_, err := os.ReadFile(filepath.Join(dir, name))
		return err
	}
}

// libDirs are where /bin/true's loader and libraries live on Linux.
const libDirs = "/lib:/lib64:/usr/lib:/usr/lib64:/etc/ld.so.cache"

var enforceCases = []enforceCase{
	{name: "socket(AF_INET) under stdio", plan: plan("stdio"), call: socketCall(unix.AF_INET), want: "SIGSYS"},
	{name: "socket(AF_INET) under stdio inet", plan: plan("stdio inet"), call: socketCall(unix.AF_INET), want: "ok"},
	{name: "socket(AF_INET, SOCK_RAW) under stdio inet", plan: plan("stdio inet"), want: "SIGSYS",
		call: func(string) error { return socketOf(unix.AF_INET, unix.SOCK_RAW, unix.IPPROTO_ICMP) }},
	{name: "socket(AF_INET6, SOCK_STREAM) under stdio inet", plan: plan("stdio inet"), want: "ok",
		call: func(string) error {
			return socketOf(unix.AF_INET6, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
		}},
	{name: "socket(AF_UNIX) under stdio inet", plan: plan("stdio inet"), call: socketCall(unix.AF_UNIX), want: "SIGSYS"},
	{name: "socket(AF_UNIX) under stdio unix", plan: plan("stdio unix"), call: socketCall(unix.AF_UNIX), want: "ok"},
	{name: "socket(AF_INET) under stdio, without GIFCTL_SANDBOX", plan: plan("stdio"), env: []string{envSandbox + "="},
		call: socketCall(unix.AF_INET), want: "ok"},
	{name: "socket(AF_INET) under stdio inet, inet dropped", plan: plan("stdio inet"), env: []string{envDrop + "=inet"},
		call: socketCall(unix.AF_INET), want: "SIGSYS"},
	{name: "socket(AF_INET) on a thread started before Apply, under stdio", plan: plan("stdio"), want: "SIGSYS",
		call: func(dir string) error { return onOtherThread(func() error { return socketCall(unix.AF_INET)(dir) }) }},
	{name: "openat(O_RDONLY) under stdio", plan: plan("stdio", UnveilPath{"DIR", "r"}), call: readCall("in"), want: "SIGSYS"},
	{name: "openat(O_RDONLY) of an unveiled directory's file under stdio rpath", plan: plan("stdio rpath", UnveilPath{"DIR", "r"}),
		call: readCall("in"), want: "ok"},
	{name: "openat(O_RDONLY) of an unveiled directory's file on another thread", plan: plan("stdio rpath", UnveilPath{"DIR/sub", "r"}),
		call: func(dir string) error { return onOtherThread(func() error { return readCall("in")(dir) }) }, want: "permission denied"},
	{name: "openat(O_RDONLY) of a file outside the unveiled directory", plan: plan("stdio rpath", UnveilPath{"DIR/sub", "r"}),
		call: readCall("in"), want: "permission denied"},
	{name: "openat(O_RDONLY) of a file in an unveiled directory, the directory dropped", plan: plan("stdio rpath", UnveilPath{"DIR", "r"}),
		env: []string{envDrop + "=DIR"}, call: readCall("in"), want: "permission denied"},
	{name: "openat(O_WRONLY) under stdio rpath", plan: plan("stdio rpath", UnveilPath{"DIR", "rw"}), want: "SIGSYS",
		call: func(dir string) error { return os.WriteFile(filepath.Join(dir, "in"), nil, 0) }},
	{name: "openat(O_CREAT) in a directory unveiled rw", plan: plan("stdio rpath wpath cpath", UnveilPath{"DIR", "rw"}),
		want: "permission denied", call: func(dir string) error { return os.WriteFile(filepath.Join(dir, "new"), nil, 0o600) }},
	{name: "openat(O_CREAT) under stdio rpath cpath", plan: plan("stdio rpath cpath", UnveilPath{"DIR", "rwc"}),
		want: "SIGSYS", call: func(dir string) error { return os.WriteFile(filepath.Join(dir, "new"), nil, 0o600) }},
	{name: "openat(O_CREAT) and rename in a directory unveiled rwc", plan: plan("stdio rpath wpath cpath", UnveilPath{"DIR", "rwc"}),
		want: "ok", call: func(dir string) error {
			if err := os.WriteFile(filepath.Join(dir, "new"), nil, 0o600); err != nil {
				return err
			}
			return os.Rename(filepath.Join(dir, "new"), filepath.Join(dir, "in"))
		}},
	{name: "fchmod under stdio rpath wpath", plan: plan("stdio rpath wpath", UnveilPath{"DIR", "rw"}), want: "SIGSYS",
		call: fchmodCall},
	{name: "fchmod under stdio rpath wpath fattr", plan: plan("stdio rpath wpath fattr", UnveilPath{"DIR", "rw"}), want: "ok",
		call: fchmodCall},
	{name: "kill(another pid) under stdio", plan: plan("stdio"), want: "SIGSYS",
		call: func(string) error { return unix.Kill(os.Getppid(), 0) }},
	{name: "kill(another pid) under stdio proc", plan: plan("stdio proc"), want: "ok",
		call: func(string) error { return unix.Kill(os.Getppid(), 0) }},
	{name: "execve(/bin/true) under stdio rpath proc", plan: plan("stdio rpath proc", UnveilPath{"/bin/true", "x"}), want: "SIGSYS",
		env: []string{envExec + "=" + libDirs}, call: execTrue},
	{name: "execve(/bin/true) unveiled r under exec", plan: plan("stdio rpath proc exec", UnveilPath{"/bin/true", "r"}),
		want: "permission denied", env: []string{envExec + "=" + libDirs}, call: execTrue},
	{name: "execve(/bin/true) unveiled x under exec", plan: plan("stdio rpath proc exec", UnveilPath{"/bin/true", "x"}),
		want: "ok", env: []string{envExec + "=" + libDirs}, call: execTrue},
}

func fchmodCall(dir string) error {
	f, err := os.OpenFile(filepath.Join(dir, "in"), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Chmod(0o600)
}

// execTrue replaces the child with /bin/true, which exits 0.
func execTrue(string) error {
	return unix.Exec("/bin/true", []string{"true"}, nil)
}

// threadReady and threadCall hand a call to a thread that existed before
// Apply: the filter and the ruleset must reach it too.
var (
	threadReady = make(chan struct{})
	threadCall  = make(chan func() error)
	threadErr   = make(chan error)
)

func onOtherThread(call func() error) error {
	threadCall <- call
	return <-threadErr
}

func runEnforceCase(name, dir string) int {
	for _, c := range enforceCases {
		if c.name != name {
			continue
		}
		go func() {
			runtime.LockOSThread() // this thread serves the calls, never another goroutine
			close(threadReady)
			for call := range threadCall {
				threadErr <- call()
			}
		}()
		<-threadReady
		if err := c.plan(dir).Apply(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 4
		}
		if err := c.call(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
		return 0
	}
	fmt.Fprintf(os.Stderr, "no case %q\n", name)
	return 5
}

// requireEnforcement skips where the kernel cannot enforce a plan, unless
// in CI, which must run these.
func requireEnforcement(t *testing.T) {
	t.Helper()
	if v, err := ll.LandlockGetABIVersion(); err != nil || v < 5 {
		if os.Getenv("CI") == "" {
			t.Skipf("Landlock ABI %d (%v): the kernel cannot enforce a plan", v, err)
		}
		t.Fatalf("Landlock ABI %d (%v), want 5 or later", v, err)
	}
}

func TestEnforce(t *testing.T) {
	requireEnforcement(t)
	for _, c := range enforceCases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "in"), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), envCase+"="+c.name, envDir+"="+dir, envSandbox+"=enforce")
			for _, e := range c.env {
				cmd.Env = append(cmd.Env, strings.ReplaceAll(e, "DIR", dir))
			}
			out, err := cmd.CombinedOutput()
			got := "ok"
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				got = fmt.Sprintf("exit %d: %s", ee.ExitCode(), out)
				if ws := ee.Sys().(syscall.WaitStatus); ws.Signaled() {
					got = unix.SignalName(ws.Signal())
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(got, c.want) || (c.want == "ok") != (got == "ok") {
				t.Errorf("%s: got %s, want %s", c.name, got, c.want)
			}
		})
	}
}

// TestPledgeSyscallsExist catches a misspelt system call, which the policy
// would skip as one this architecture lacks.
func TestPledgeSyscallsExist(t *testing.T) {
	for promise, rules := range pledgeSyscalls(1) {
		for _, r := range rules {
			_, amd64 := arch.X86_64.SyscallNames[r.name]
			_, arm64 := arch.AARCH64.SyscallNames[r.name]
			if !amd64 && !arm64 {
				t.Errorf("%s: no system call %q on amd64 or arm64", promise, r.name)
			}
		}
	}
	for _, p := range promiseOrder {
		if _, err := seccompPolicy([]string{p}); err != nil {
			t.Errorf("promise %s: %v", p, err)
		}
	}
}
