package netnstest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// runDir is where ip-netns(8) keeps the bind mounts that name namespaces.
const runDir = "/run/netns"

// prefix starts the name of every namespace this package makes; the
// process id follows, so stale ones can be told from live ones.
const prefix = "gt-"

var (
	counter atomic.Uint64
	sweep   sync.Once
)

// NS is a named network namespace made for one test.
type NS struct {
	Name string
	t    testing.TB
}

// Require skips t unless the process can build namespaces: it must be
// root and have ip(8). Outside CI a missing privilege skips; under CI
// (CI non-empty) it fails, so a CI run can never pass by skipping.
func Require(t testing.TB) {
	t.Helper()
	why := ""
	if runtime.GOOS != "linux" {
		why = "needs Linux network namespaces"
	} else if os.Geteuid() != 0 {
		why = "needs root: network namespaces"
	} else if _, err := exec.LookPath("ip"); err != nil {
		why = "needs ip(8) from iproute2: " + err.Error()
	}
	if why == "" {
		return
	}
	if os.Getenv("CI") == "" {
		t.Skip(why)
	}
	t.Fatalf("%s (CI is set, so this is a failure)", why)
}

// New makes a fresh namespace with its loopback up, deleted when the test
// ends.
func New(t testing.TB) *NS {
	t.Helper()
	Require(t)
	sweep.Do(sweepStale)
	ns := &NS{
		Name: fmt.Sprintf("%s%d-%d", prefix, os.Getpid(), counter.Add(1)),
		t:    t,
	}
	ip(t, "netns", "add", ns.Name)
	t.Cleanup(func() {
		// Sockets still open in it keep the namespace alive until they are
		// closed; the name goes now, and the veths with the namespace.
		if out, err := exec.Command("ip", "netns", "del", ns.Name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", ns.Name, err, bytes.TrimSpace(out))
		}
	})
	ns.IP("link", "set", "lo", "up")
	return ns
}

// IP runs `ip -n NAME ARGS...` and fails the test on error.
func (ns *NS) IP(args ...string) {
	ns.t.Helper()
	ip(ns.t, append([]string{"-n", ns.Name}, args...)...)
}

// Exec runs argv inside the namespace with `ip netns exec` and returns
// its combined output.
func (ns *NS) Exec(argv ...string) ([]byte, error) {
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns.Name}, argv...)...)
	return cmd.CombinedOutput()
}

// Sysctl sets a sysctl inside the namespace (net.* keys are per
// namespace), failing the test on error. It writes /proc/sys from a thread
// inside the namespace, so sysctl(8) need not be installed.
func (ns *NS) Sysctl(key, value string) {
	ns.t.Helper()
	path := "/proc/sys/" + strings.ReplaceAll(key, ".", "/")
	err := ns.Do(func() error { return os.WriteFile(path, []byte(value+"\n"), 0) })
	if err != nil {
		ns.t.Fatalf("%s: sysctl %s=%s: %v", ns.Name, key, value, err)
	}
}

// AddAddr puts prefix (e.g. 198.18.0.1/24 or 2001:db8::1/64) on ifname.
// IPv6 addresses skip duplicate address detection so they are usable at
// once.
func (ns *NS) AddAddr(ifname, prefix string) {
	ns.t.Helper()
	args := []string{"addr", "add", prefix, "dev", ifname}
	if strings.Contains(prefix, ":") {
		args = append(args, "nodad")
	}
	ns.IP(args...)
}

// Link connects a and b with a veth pair, aName in a and bName in b, both
// up. The pair is made inside the namespaces, so the names need only be
// unique there.
func Link(t testing.TB, a *NS, aName string, b *NS, bName string) {
	t.Helper()
	a.IP("link", "add", aName, "type", "veth", "peer", "name", bName, "netns", b.Name)
	a.IP("link", "set", aName, "up")
	b.IP("link", "set", bName, "up")
}

func ip(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
}

// sweepStale deletes namespaces of this package whose test process is
// gone (killed by a timeout before its cleanups ran). Best effort.
func sweepStale() {
	entries, err := os.ReadDir(runDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok {
			continue
		}
		pid, _, ok := strings.Cut(rest, "-")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(pid)
		if err != nil || n == os.Getpid() {
			continue
		}
		if _, err := os.Stat("/proc/" + pid); err == nil {
			continue
		}
		exec.Command("ip", "netns", "del", e.Name()).Run()
	}
}
