package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/broker/brokertest"
)

// Helpers of the reliability tests (reliability_*_test.go): stand-ins that
// can be made slow or hung, that log which gifctl called them and dump
// what a child of gifctl can see, and ways to start gifctl and kill it.

// dumpScript appends what ps(1) would show of the stand-in and of its
// parent (gifctl): argv and environment, NULs made newlines. It also
// prints the child's environment, which gifctl then logs as netstart's
// output: a secret there would reach the log too.
const dumpScript = `{
	echo "== $$: argv"; tr '\0' '\n' < /proc/$$/cmdline
	echo "== $$: environ"; tr '\0' '\n' < /proc/$$/environ
	caller=${RELAY_CALLER:-$PPID}
	echo "== $caller (parent): argv"; tr '\0' '\n' < /proc/$caller/cmdline
	echo "== $caller (parent): environ"; tr '\0' '\n' < /proc/$caller/environ
} >> DIR/procdump 2>&1
env
`

// reliable adds what the stand-ins source when DIR/dump exists (package
// standin has the control files that make them slow or hang).
func (w *world) reliable() *world {
	w.write("dump.sh", strings.ReplaceAll(dumpScript, "DIR", w.dir), 0o755)
	return w
}

// flag creates (content != "") or removes a control file of the stand-ins.
func (w *world) flag(name, content string) {
	w.t.Helper()
	p := filepath.Join(w.dir, name)
	if content == "" {
		os.Remove(p)
		return
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// useBroker replaces newWorld's broker with one made from opts (the
// world's account when opts has none), serving a certificate of a new CA
// written over the world's ca-file, and points update-url at it.
func (w *world) useBroker(opts brokertest.Options) *brokertest.Broker {
	w.t.Helper()
	if len(opts.Accounts) == 0 {
		opts.Accounts = []brokertest.Account{{User: user, Key: key, Tunnels: map[string]netip.Addr{tunnelID: {}}}}
	}
	b := brokertest.New(opts)
	ca, err := brokertest.NewCA()
	if err != nil {
		w.t.Fatal(err)
	}
	if err := ca.WriteFile(filepath.Join(w.dir, "ca.pem")); err != nil {
		w.t.Fatal(err)
	}
	cert, err := ca.Issue("localhost")
	if err != nil {
		w.t.Fatal(err)
	}
	var ln net.Listener
	if err := w.ns.Do(func() (err error) { ln, err = net.Listen("tcp", "127.0.0.1:0"); return err }); err != nil {
		w.t.Fatal(err)
	}
	go b.ServeTLS(ln, cert)
	w.t.Cleanup(func() { b.Close() })
	w.setURL(fmt.Sprintf("https://%s:%s@%s/nic/update?hostname=%s", user, key, ln.Addr(), tunnelID))
	w.broker = b
	return b
}

// setURL rewrites the configuration's update-url.
func (w *world) setURL(u string) {
	w.t.Helper()
	conf, err := os.ReadFile(w.conf)
	if err != nil {
		w.t.Fatal(err)
	}
	w.writeConf(strings.Replace(string(conf), `update-url "`+w.url+`"`, `update-url "`+u+`"`, 1))
	w.url = u
}

// running is a gifctl started and not yet waited for.
type running struct {
	w              *world
	cmd            *exec.Cmd
	start          time.Time
	stdout, stderr bytes.Buffer
}

// start runs gifctl in the namespace without waiting. `ip netns exec`
// execs gifctl in place, so cmd.Process is gifctl once it runs.
func (w *world) start(args ...string) *running {
	w.t.Helper()
	return w.startArgv(append([]string{gifctlBinary, "-c", w.conf}, args...))
}

// startArgv runs argv in the namespace without waiting.
func (w *world) startArgv(argv []string) *running {
	w.t.Helper()
	argv = append([]string{"netns", "exec", w.ns.Name}, argv...)
	r := &running{w: w, cmd: exec.Command("ip", argv...)}
	r.cmd.Env = append([]string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}, w.env...)
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	r.start = time.Now()
	if err := r.cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	return r
}

// wait waits for gifctl and returns its result and how long it ran.
func (r *running) wait() (result, time.Duration) {
	r.w.t.Helper()
	err := r.cmd.Wait()
	elapsed := time.Since(r.start)
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && ee.Exited():
		code = ee.ExitCode()
	case errors.As(err, &ee):
		code = -1 // killed by a signal
	case err != nil:
		r.w.t.Fatal(err)
	}
	res := result{code, r.stdout.String(), r.stderr.String()}
	if strings.Contains(res.stdout+res.stderr, key) {
		r.w.t.Errorf("the update key appears in gifctl's output:\n%s%s", res.stdout, res.stderr)
	}
	return res, elapsed
}

// signal sends sig to gifctl (or to ip before it became gifctl).
func (r *running) signal(sig syscall.Signal) {
	if err := r.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		r.w.t.Fatal(err)
	}
}

// standinPids are the pids the stand-ins wrote to DIR/pids: each waiting
// script and its sleeping child.
func (w *world) standinPids() []int {
	data, _ := os.ReadFile(filepath.Join(w.dir, "pids"))
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		if n, err := strconv.Atoi(f); err == nil {
			pids = append(pids, n)
		}
	}
	return pids
}

// alive returns the pids of the list that still run (zombies count as
// dead: they are only waiting for init to reap them), waiting up to
// grace for them to go.
func alive(pids []int, grace time.Duration) []int {
	deadline := time.Now().Add(grace)
	for {
		var left []int
		for _, pid := range pids {
			stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
			if err != nil {
				continue
			}
			// pid (comm) STATE ...; comm may hold spaces and parentheses.
			s := string(stat)
			if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) && s[i+2] == 'Z' {
				continue
			}
			left = append(left, pid)
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// killLeftovers kills what a test leaves running, so a failing test does
// not leave sleeps behind for an hour.
func (w *world) killLeftovers() {
	w.t.Cleanup(func() {
		for _, pid := range alive(w.standinPids(), 0) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
}

// tempName is renameio's temp file for hostname.IF: "." + name + digits.
var tempName = regexp.MustCompile(`^\.hostname\.gif0[0-9]+$`)

// dirNames lists a directory's entries.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
