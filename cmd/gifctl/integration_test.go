package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/broker/brokertest"
	"github.com/gifctl/gifctl/internal/sim"
	"github.com/gifctl/gifctl/internal/sim/gifsim"
	"github.com/gifctl/gifctl/internal/sim/ifstatedsim"
	"github.com/gifctl/gifctl/internal/sim/netns"
	"github.com/gifctl/gifctl/internal/sim/relay"
	"github.com/gifctl/gifctl/internal/sim/standin"
)

// The integration tests run the built binary, as ifstated would, inside a
// network namespace whose em0 is a veth end with a real IPv4 address. The
// configuration's set options point at the stand-in netstart, ifconfig and
// pfctl scripts of package standin, which keep the "kernel" tunnel in a
// file, and at an HTTPS test broker listening inside the same namespace
// with its own CA.

var gifctlBinary string

func TestMain(m *testing.M) {
	gifsim.RunIfRequested() // the relay's client, for the stand-ins
	dir, err := os.MkdirTemp("", "gifctl-it")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	gifctlBinary = filepath.Join(dir, "gifctl")
	// As make builds it: Go's resolver, which the pledge plan is for.
	build := exec.Command("go", "build", "-o", gifctlBinary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building gifctl:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	tunnelID = "123456"
	user     = "alice"
	key      = "0123456789abcdef0123" // the secret that must never show
	remote   = "216.66.80.26"
)

// world is one router: namespace, temp tree, stand-ins, broker.
type world struct {
	t      *testing.T
	ns     *netns.TestNS
	dir    string
	conf   string
	broker *brokertest.Broker
	url    string
	env    []string // makes gifctl enforce its plans (relay.Enforce)
}

func newWorld(t *testing.T, egress string) *world {
	t.Helper()
	ns := netns.NewTestNS(t)
	ns.IP("link", "add", "em0", "type", "veth", "peer", "name", "em0peer")
	ns.IP("link", "set", "em0", "up")
	ns.IP("link", "set", "em0peer", "up")
	if egress != "" {
		ns.AddAddr("em0", egress+"/24")
	}
	w := &world{t: t, ns: ns, dir: t.TempDir()}
	for _, d := range []string{"etc", "state"} {
		if err := os.Mkdir(filepath.Join(w.dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := standin.Write(w.dir, standin.Options{}); err != nil {
		t.Fatal(err)
	}
	w.enforce()
	w.write("etc/pf.conf", "pass\n", 0o600)

	// The broker listens inside the namespace, where gifctl runs.
	w.broker = brokertest.New(brokertest.Options{Accounts: []brokertest.Account{{
		User: user, Key: key, Tunnels: map[string]netip.Addr{tunnelID: {}},
	}}})
	ca, err := brokertest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(w.dir, "ca.pem")
	if err := ca.WriteFile(caFile); err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue("localhost")
	if err != nil {
		t.Fatal(err)
	}
	var ln net.Listener
	if err := ns.Do(func() (err error) { ln, err = net.Listen("tcp", "127.0.0.1:0"); return err }); err != nil {
		t.Fatal(err)
	}
	go w.broker.ServeTLS(ln, cert)
	t.Cleanup(func() { w.broker.Close() })
	w.url = fmt.Sprintf("https://%s:%s@%s/nic/update?hostname=%s", user, key, ln.Addr(), tunnelID)
	w.writeConf(fmt.Sprintf(`set hostname-dir "%[1]s/etc"
set state-dir "%[1]s/state"
set netstart "%[1]s/netstart"
set ifconfig "%[1]s/ifconfig"
set pfctl "%[1]s/pfctl"
set pf-conf "%[1]s/etc/pf.conf"
set ca-file "%[2]s"
tunnel gif0 {
	egress em0
	remote %[3]s
	inet6 2001:db8:1::2 peer 2001:db8:1::1
	mtu 1480
	update-url "%[4]s"
}
`, w.dir, caFile, remote, w.url))
	return w
}

// enforce makes every gifctl run of w enforce its plan; the stand-ins it
// starts hand their work to a relay outside the sandbox, in w.ns.
func (w *world) enforce() {
	prog, err := sim.SelfProgram()
	if err != nil {
		w.t.Fatal(err)
	}
	s, env, err := relay.Enforce(w.dir, prog.Path, prog.Env, func(args []string) *exec.Cmd {
		return exec.Command("ip", append([]string{"netns", "exec", w.ns.Name}, args...)...)
	})
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { s.Close() })
	w.env = env
}

// relayGifctl makes DIR/gifctl the relay's client for the gifctl under
// test, for gifctl watch to run restarts outside its own sandbox, each
// enforcing a plan of its own (relay.ForWatch).
func (w *world) relayGifctl() string {
	w.t.Helper()
	prog, err := sim.SelfProgram()
	if err != nil {
		w.t.Fatal(err)
	}
	p, err := relay.ForWatch(w.dir, gifctlBinary, prog.Path, prog.Env)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *world) write(name, content string, mode os.FileMode) {
	w.t.Helper()
	p := filepath.Join(w.dir, name)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		w.t.Fatal(err)
	}
	os.Chmod(p, mode)
}

func (w *world) writeConf(text string) {
	w.conf = filepath.Join(w.dir, "gifctl.conf")
	w.write("gifctl.conf", text, 0o600)
}

type result struct {
	code           int
	stdout, stderr string
}

// gifctl runs the binary in the namespace, as ifstated would.
func (w *world) gifctl(env []string, args ...string) result {
	w.t.Helper()
	argv := append([]string{"netns", "exec", w.ns.Name, gifctlBinary, "-c", w.conf}, args...)
	cmd := exec.Command("ip", argv...)
	cmd.Env = append(append([]string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}, w.env...), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		w.t.Fatal(err)
	}
	r := result{code, stdout.String(), stderr.String()}
	if strings.Contains(r.stdout+r.stderr, key) {
		w.t.Errorf("the update key appears in gifctl's output:\n%s%s", r.stdout, r.stderr)
	}
	return r
}

func (w *world) mustRun(args ...string) result {
	w.t.Helper()
	r := w.gifctl(nil, args...)
	if r.code != 0 {
		w.t.Fatalf("gifctl %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

func (w *world) read(name string) string {
	data, err := os.ReadFile(filepath.Join(w.dir, name))
	if err != nil {
		return ""
	}
	return string(data)
}

// calls returns the stand-ins' calls since the last call of calls.
func (w *world) calls() []string { return standin.Calls(w.dir) }

func (w *world) updates() int { return w.broker.Updates() }

func (w *world) renumber(from, to string) {
	w.ns.IP("addr", "del", from+"/24", "dev", "em0")
	w.ns.AddAddr("em0", to+"/24")
}

func wantCalls(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stand-in calls:\n  got  %q\n  want %q", got, want)
	}
}

const (
	calledNetstart = "netstart gif0"
	calledIfconfig = "ifconfig gif0"
	calledPfTest   = "pfctl -n -f DIR/etc/pf.conf"
	calledPfLoad   = "pfctl -f DIR/etc/pf.conf"
)

func TestRestartLifecycle(t *testing.T) {
	w := newWorld(t, "198.51.100.7")

	// First restart: no hostname.gif0 yet, so it is written from the
	// configuration; netstart, read-back, pf and the broker follow.
	first := w.mustRun("restart", "gif0")
	t.Logf("first restart:\n%s", first.stderr)
	if got := w.read("etc/hostname.gif0"); !strings.Contains(got, "tunnel 198.51.100.7 216.66.80.26\n") {
		t.Fatalf("hostname.gif0 after the first restart:\n%s", got)
	}
	fi, _ := os.Stat(filepath.Join(w.dir, "etc/hostname.gif0"))
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("hostname.gif0 mode %o, want 640", fi.Mode().Perm())
	}
	wantCalls(t, w.calls(), calledIfconfig, calledNetstart, calledIfconfig, calledPfTest, calledPfLoad)
	if n := w.updates(); n != 1 {
		t.Errorf("%d broker updates after the first restart, want 1", n)
	}
	if got, _ := w.broker.Endpoint(tunnelID); got != netip.MustParseAddr("198.51.100.7") {
		t.Errorf("broker has %s, want 198.51.100.7", got)
	}
	reqs := w.broker.Requests()
	if last := reqs[len(reqs)-1]; strings.Contains(last.RequestURI, key) || !last.Auth {
		t.Errorf("request %q (auth %t): the key belongs in the Authorization header only", last.RequestURI, last.Auth)
	}

	// Second restart: nothing to do, nothing called, no broker request.
	before := w.read("etc/hostname.gif0")
	w.mustRun("restart", "gif0")
	wantCalls(t, w.calls(), calledIfconfig)
	if n := w.updates(); n != 1 {
		t.Errorf("%d broker updates after a restart with nothing to do, want still 1", n)
	}
	if w.read("etc/hostname.gif0") != before {
		t.Error("hostname.gif0 changed although nothing had")
	}
	if r := w.mustRun("check", "tunnel", "gif0"); r.stdout != "" {
		t.Errorf("check tunnel printed %q without -v", r.stdout)
	}

	// The ISP renumbers: the check says so, -n shows the change, restart
	// makes it.
	w.renumber("198.51.100.7", "198.51.100.99")
	if r := w.gifctl(nil, "-v", "check", "tunnel", "gif0"); r.code != 1 || !strings.Contains(r.stderr, "198.51.100.7 is not em0's address") {
		t.Errorf("check tunnel after renumbering: exit %d, %q; want 1 naming the stale source", r.code, r.stderr)
	}
	w.calls()
	dry := w.mustRun("restart", "-n", "gif0")
	if !strings.Contains(dry.stdout, "-tunnel 198.51.100.7 216.66.80.26\n+tunnel 198.51.100.99 216.66.80.26\n") ||
		!strings.Contains(dry.stdout, "/bin/sh "+w.dir+"/netstart gif0") {
		t.Errorf("restart -n output:\n%s", dry.stdout)
	}
	if w.read("etc/hostname.gif0") != before || w.updates() != 1 {
		t.Error("restart -n changed something")
	}
	w.calls()
	w.mustRun("restart", "gif0")
	if got, want := w.read("etc/hostname.gif0"), strings.Replace(before, "198.51.100.7", "198.51.100.99", 1); got != want {
		t.Errorf("hostname.gif0 after the change:\n%s\nwant:\n%s", got, want)
	}
	wantCalls(t, w.calls(), calledIfconfig, calledNetstart, calledIfconfig, calledPfTest, calledPfLoad)
	if got, _ := w.broker.Endpoint(tunnelID); got != netip.MustParseAddr("198.51.100.99") {
		t.Errorf("broker has %s, want 198.51.100.99", got)
	}
	w.mustRun("check", "tunnel", "gif0")

	// status --json shows it all, and no secret.
	st := w.mustRun("status", "--json")
	var report statusReport
	if err := json.Unmarshal([]byte(st.stdout), &report); err != nil {
		t.Fatalf("status --json: %v\n%s", err, st.stdout)
	}
	if len(report.Tunnels) != 1 || !report.Tunnels[0].Consistent || report.Tunnels[0].Broker == nil ||
		report.Tunnels[0].Broker.Address != netip.MustParseAddr("198.51.100.99") || strings.Contains(st.stdout, "url_hash") {
		t.Errorf("status --json (want the broker's state without url_hash, a hash of the key):\n%s", st.stdout)
	}
	for _, f := range []string{"state/gif0.broker.json", "state/check.tunnel.gif0"} {
		if s := w.read(f); s == "" || strings.Contains(s, key) {
			t.Errorf("%s missing or holds the key: %q", f, s)
		}
	}
}

// status reports, it does not judge: a garbled state file is shown as
// such and the rest still printed, exit 0; and it calls the tunnel
// consistent exactly when check tunnel answers true, also when no remote
// is known.
func TestStatusShowsWhatItCan(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	w.mustRun("restart", "gif0")
	w.mustRun("check", "tunnel", "gif0")
	w.write("state/gif0.broker.json", "garbage", 0o600)
	w.write("state/check.ipv4", "garbage", 0o600)
	r := w.gifctl(nil, "status")
	if r.code != 0 || !strings.Contains(r.stdout, "gif0.broker.json") || !strings.Contains(r.stdout, "check.ipv4") ||
		!strings.Contains(r.stdout, "check tunnel gif0") {
		t.Errorf("status with garbled state files: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var report statusReport
	if err := json.Unmarshal([]byte(w.mustRun("status", "--json").stdout), &report); err != nil {
		t.Fatal(err)
	}
	if report.Tunnels[0].BrokerError == "" || report.ChecksError == "" || len(report.Checks) != 1 || !report.Tunnels[0].Consistent {
		t.Errorf("status --json with garbled state files: %+v", report)
	}

	// No remote in the configuration, none in hostname.gif0: the kernel's
	// destination is not compared, by either.
	w.writeConf(strings.Replace(w.read("gifctl.conf"), "\tremote "+remote+"\n", "", 1))
	os.Remove(filepath.Join(w.dir, "etc/hostname.gif0"))
	w.mustRun("check", "tunnel", "gif0")
	var noRemote statusReport
	if err := json.Unmarshal([]byte(w.mustRun("status", "--json").stdout), &noRemote); err != nil {
		t.Fatal(err)
	}
	if !noRemote.Tunnels[0].Consistent || noRemote.Tunnels[0].Remote.IsValid() {
		t.Errorf("status without a remote: %+v; check tunnel said true", noRemote.Tunnels[0])
	}
}

// -n changes nothing, and so creates no state directory either.
func TestNoActionCreatesNothing(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	w.mustRun("restart", "gif0")
	missing := filepath.Join(w.dir, "nothere", "state")
	w.writeConf(strings.Replace(w.read("gifctl.conf"), w.dir+"/state", missing, 1))
	for _, args := range [][]string{{"-n", "restart", "gif0"}, {"-n", "update", "gif0"}, {"-n", "check", "tunnel", "gif0"}} {
		if r := w.gifctl(nil, args...); r.code != 0 {
			t.Errorf("gifctl %q: exit %d\n%s", args, r.code, r.stderr)
		}
		if _, err := os.Stat(filepath.Dir(missing)); !os.IsNotExist(err) {
			t.Fatalf("gifctl %q made the state directory: %v", args, err)
		}
	}
}

func TestNoIPv4ChangesNothing(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	w.mustRun("restart", "gif0")
	before := w.read("etc/hostname.gif0")
	w.ns.IP("addr", "flush", "dev", "em0")
	w.calls()
	r := w.gifctl(nil, "restart", "gif0")
	if r.code != 1 || !strings.Contains(r.stderr, "gifctl: em0: no IPv4 address") {
		t.Errorf("restart without IPv4: exit %d, %q; want 1 and em0: no IPv4 address", r.code, r.stderr)
	}
	if w.read("etc/hostname.gif0") != before {
		t.Error("hostname.gif0 changed")
	}
	wantCalls(t, w.calls(), calledIfconfig)
	if n := w.updates(); n != 1 {
		t.Errorf("%d broker updates, want the first restart's only", n)
	}
}

func TestBadPFConf(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	w.write("etc/pf.conf", "pass\nBROKEN\n", 0o600)
	r := w.gifctl(nil, "restart", "gif0")
	if r.code != 1 || !strings.Contains(r.stderr, "pf.conf: not loaded") || !strings.Contains(r.stderr, "syntax error") {
		t.Errorf("restart with a bad pf.conf: exit %d\n%s", r.code, r.stderr)
	}
	wantCalls(t, w.calls(), calledIfconfig, calledNetstart, calledIfconfig, calledPfTest)
	if !strings.Contains(w.read("kernel.gif0"), "198.51.100.7 216.66.80.26") || w.updates() != 1 {
		t.Error("the tunnel restart and the broker update must still be done")
	}
}

func TestBrokerAnswers(t *testing.T) {
	for _, tt := range []struct {
		body string
		want string
	}{
		{"badauth", `"badauth"`},
		{"abuse", `"abuse"`},
		{"nohost", `"nohost"`},
		{"badip", `"badip"`},
		{"!yours", `"!yours"`},
		{"notfqdn", `"notfqdn"`},
		{"-ERROR: IP is not ICMP pingable", "not ICMP pingable"},
		{"<html>maintenance</html>", "maintenance"},
	} {
		// Subtest names become temp dir names: keep them path-safe.
		name := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' {
				return r
			}
			return '_'
		}, tt.body)
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, "198.51.100.7")
			w.broker.Force(200, tt.body)
			r := w.gifctl(nil, "restart", "gif0")
			if r.code != 1 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant 1 naming %s", r.code, r.stderr, tt.want)
			}
			// A refused update is not repeated at once: a back-off or the
			// next change of address decides.
			w.gifctl(nil, "restart", "gif0")
			if n := w.updates(); n > 2 {
				t.Errorf("%d updates after two restarts", n)
			}
		})
	}
	t.Run("good", func(t *testing.T) {
		w := newWorld(t, "198.51.100.7")
		w.broker.Force(200, "nochg 198.51.100.7")
		w.mustRun("restart", "gif0")
		w.mustRun("update", "gif0")
		if n := w.updates(); n != 1 {
			t.Errorf("%d updates, want 1: nochg is success and the address is known", n)
		}
		w.mustRun("update", "--force", "gif0")
		if n := w.updates(); n != 2 {
			t.Errorf("%d updates after --force, want 2", n)
		}
	})
}

func TestConfigErrorsExit2(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	if r := w.mustRun("-n"); r.stdout != "configuration OK\n" {
		t.Errorf("gifctl -n printed %q", r.stdout)
	}
	w.writeConf("tunnel gif0 {\n\tegres em0\n}\n")
	r := w.gifctl(nil, "-n")
	if r.code != 2 || !strings.Contains(r.stderr, `gifctl.conf:2: unknown keyword "egres"`) {
		t.Errorf("bad config: exit %d, %q", r.code, r.stderr)
	}
	w.writeConf("tunnel gif0 {\n\tegress em0\n}\n")
	os.Chmod(w.conf, 0o644)
	r = w.gifctl(nil, "restart")
	if r.code != 2 || !strings.Contains(r.stderr, "chmod 600") {
		t.Errorf("config readable by others: exit %d, %q", r.code, r.stderr)
	}
}

// TestLongInputIsClipped: an argument pasted wrong (a whole file, say) is
// echoed in the error clipped, not a screenful at a time, in kong's usage
// errors and in gifctl's own.
func TestLongInputIsClipped(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	long := strings.Repeat("z", 5000)
	for _, args := range [][]string{
		{"check", "ipv4", "--timeout", long},
		{"check", "bogus" + long},
		{"check", "ipv4", long},
		{"check", "tunnel", "gif" + long},
	} {
		r := w.gifctl(nil, args...)
		// Clipped by the logger, or quoted short by the value's parser.
		if r.code == 0 || len(r.stderr) > 400 || !strings.Contains(r.stderr, " bytes]...") && !strings.Contains(r.stderr, `"...`) {
			t.Errorf("gifctl %.30q...: exit %d, %d bytes on stderr: %.500q", args, r.code, len(r.stderr), r.stderr)
		}
	}
}

// TestIfstatedOutput checks what an admin pastes into /etc/ifstated.conf:
// it parses with ifstated(8)'s grammar and calls this configuration.
func TestIfstatedOutput(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	r := w.mustRun("ifstated", "--gifctl=/usr/local/sbin/gifctl")
	f, err := ifstatedsim.Parse("ifstated.conf", []byte(r.stdout))
	if err != nil {
		t.Fatalf("gifctl ifstated output does not parse: %v\n%s", err, r.stdout)
	}
	if f.InitState != "auto" || !strings.Contains(r.stdout, `"/usr/local/sbin/gifctl -f `+w.conf+` restart gif0"`) {
		t.Errorf("unexpected ifstated.conf:\n%s", r.stdout)
	}
	if r := w.gifctl(nil, "ifstated", "--gifctl=gifctl"); r.code != 2 {
		t.Errorf("a relative gifctl path: exit %d, want 2", r.code)
	}
}

// TestRestartEgress is the no_ipv4 path: em0 lost its lease, netstart em0
// gets a new one, and the tunnel follows.
func TestRestartEgress(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	w.mustRun("restart")
	w.ns.IP("addr", "flush", "dev", "em0")
	w.calls()

	// No lease comes: a bounded wait, then a failure naming em0.
	if r, took := w.timed("restart", "--egress", "--wait=1s"); r.code != 1 || !strings.Contains(r.stderr, "em0: no IPv4 address 1s after netstart") || took > 3*time.Second {
		t.Errorf("restart --egress without a lease: exit %d after %s, %q", r.code, took, r.stderr)
	}
	wantCalls(t, w.calls(), calledIfconfig, "netstart em0")

	w.write("lease.em0", "198.51.100.77/24", 0o644)
	w.mustRun("restart", "--egress")
	if got := w.read("etc/hostname.gif0"); !strings.Contains(got, "tunnel 198.51.100.77 216.66.80.26\n") {
		t.Errorf("hostname.gif0 after restart --egress:\n%s", got)
	}
	wantCalls(t, w.calls(), calledIfconfig, "netstart em0", calledNetstart, calledIfconfig, calledPfTest, calledPfLoad)
	if got, _ := w.broker.Endpoint(tunnelID); got != netip.MustParseAddr("198.51.100.77") {
		t.Errorf("broker has %s, want the new lease", got)
	}
}
