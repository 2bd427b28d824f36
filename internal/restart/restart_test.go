package restart

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/broker/brokertest"
	"github.com/gifctl/gifctl/internal/config"
	"github.com/google/go-cmp/cmp"
)

// fakeOS is the system as the fakes see it: egress addresses, the kernel's
// tunnel, and what netstart would apply.
type fakeOS struct {
	t         *testing.T
	dir       string
	egress    []netip.Addr
	kSrc      netip.Addr
	kDst      netip.Addr
	ran       [][]string
	fail      map[string]error // by argv[0]+" "+argv[1]
	applyFile bool             // netstart applies hostname.IF's tunnel line
}

func (f *fakeOS) system() System {
	return System{
		IPv4Addrs: func(ifname string) ([]netip.Addr, error) {
			if ifname != "em0" {
				return nil, fmt.Errorf("%s: no such interface", ifname)
			}
			return f.egress, nil
		},
		Endpoints: f.endpoints,
		Run: func(ctx context.Context, argv []string) ([]byte, error) {
			f.ran = append(f.ran, argv)
			if err := f.fail[argv[0]+" "+argv[1]]; err != nil {
				return []byte("stand-in: " + err.Error() + "\n"), err
			}
			if argv[0] == shell && f.applyFile {
				f.applyTunnelLine()
			}
			return nil, nil
		},
	}
}

func (f *fakeOS) endpoints(ctx context.Context, ifname string) (netip.Addr, netip.Addr, error) {
	if !f.kSrc.IsValid() {
		return netip.Addr{}, netip.Addr{}, errors.New(ifname + ": no tunnel")
	}
	return f.kSrc, f.kDst, nil
}

// applyTunnelLine is netstart as far as the test cares: the last tunnel
// line of hostname.gif0 becomes the kernel's endpoints.
func (f *fakeOS) applyTunnelLine() {
	data, err := os.ReadFile(filepath.Join(f.dir, "hostname.gif0"))
	if err != nil {
		f.t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if fields := strings.Fields(line); len(fields) >= 3 && fields[0] == "tunnel" {
			f.kSrc, f.kDst = netip.MustParseAddr(fields[1]), netip.MustParseAddr(fields[2])
		}
	}
}

// testBroker is an HE-like broker over HTTPS on loopback, with tunnel
// 123456 of user alice.
type testBroker struct {
	*brokertest.Broker
	url    *url.URL
	caFile string
}

func startBroker(t *testing.T) *testBroker {
	t.Helper()
	b := brokertest.New(brokertest.Options{Accounts: []brokertest.Account{
		{User: "alice", Key: "0123abcd", Tunnels: map[string]netip.Addr{"123456": {}}},
	}})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	srv, err := brokertest.Start(b, caFile)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &testBroker{Broker: b, url: srv.URL("alice", "0123abcd", "123456"), caFile: caFile}
}

// updates are the addresses the broker was sent, in order.
func (b *testBroker) updates() []netip.Addr {
	var out []netip.Addr
	for _, r := range b.Requests() {
		if a, err := netip.ParseAddr(r.Query.Get("myip")); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// logLines is what the job logged.
type logLines struct{ bytes.Buffer }

func (l *logLines) String() string { return l.Buffer.String() }

var (
	addrA  = netip.MustParseAddr("198.51.100.7")
	addrB  = netip.MustParseAddr("198.51.100.99")
	remote = netip.MustParseAddr("216.66.80.26")
)

const heFile = "# HE tunnel\ntunnel 198.51.100.7 216.66.80.26\ninet6 2001:db8:1::2 128\ndest 2001:db8:1::1\n!route -qn add -inet6 default 2001:db8:1::1\n"

// readAndRestart runs j as gifctl restart does: the kernel's tunnel read first.
func readAndRestart(j *Job) error {
	j.ReadKernel(context.Background())
	return j.Restart(context.Background())
}

// setup returns a job on a temp hostname-dir holding content (nil: none).
func setup(t *testing.T, content []byte, mode os.FileMode) (*Job, *fakeOS, *testBroker, *logLines) {
	t.Helper()
	dir := t.TempDir()
	b := startBroker(t)
	if content != nil {
		if err := os.WriteFile(filepath.Join(dir, "hostname.gif0"), content, mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Join(dir, "hostname.gif0"), mode)
	}
	c := &config.Config{
		File: "gifctl.conf", HostnameDir: dir, StateDir: t.TempDir(),
		Netstart: "/etc/netstart", Pfctl: "/sbin/pfctl", Ifconfig: "/sbin/ifconfig", PfConf: "/etc/pf.conf",
		CAFile: b.caFile,
	}
	tun := &config.Tunnel{
		Name: "gif0", Egress: "em0", Remote: remote,
		Inet6: netip.MustParseAddr("2001:db8:1::2"), Peer: netip.MustParseAddr("2001:db8:1::1"),
		UpdateURL: b.url,
	}
	c.Tunnels = []*config.Tunnel{tun}
	f := &fakeOS{t: t, dir: dir, egress: []netip.Addr{addrA}, applyFile: true}
	l := &logLines{}
	return &Job{Config: c, Tunnel: tun, Sys: f.system(), Log: &bsd.Logger{Stderr: l, Verbose: true}, Out: &bytes.Buffer{}}, f, b, l
}

func hostnameFile(t *testing.T, j *Job) (string, os.FileMode) {
	t.Helper()
	p := filepath.Join(j.Config.HostnameDir, "hostname.gif0")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	return string(data), fi.Mode().Perm()
}

var (
	netstartGif0 = []string{shell, "/etc/netstart", "gif0"}
	pfTest       = []string{"/sbin/pfctl", "-n", "-f", "/etc/pf.conf"}
	pfLoad       = []string{"/sbin/pfctl", "-f", "/etc/pf.conf"}
)

func TestFirstRestartWritesMissingFile(t *testing.T) {
	j, f, b, _ := setup(t, nil, 0)
	if err := readAndRestart(j); err != nil {
		t.Fatal(err)
	}
	got, mode := hostnameFile(t, j)
	if !strings.Contains(got, "tunnel 198.51.100.7 216.66.80.26\n") || !strings.Contains(got, "dest 2001:db8:1::1\n") {
		t.Errorf("written file lacks the tunnel or dest line:\n%s", got)
	}
	if mode != 0o640 {
		t.Errorf("mode %o, want 640", mode)
	}
	if diff := cmp.Diff([][]string{netstartGif0, pfTest, pfLoad}, f.ran); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]netip.Addr{addrA}, b.updates(), cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("broker updates (-want +got):\n%s", diff)
	}
}

func TestNothingToDo(t *testing.T) {
	j, f, b, l := setup(t, []byte(heFile), 0o640)
	f.kSrc, f.kDst = addrA, remote
	p := filepath.Join(j.Config.HostnameDir, "hostname.gif0")
	before, _ := os.Stat(p)
	if err := readAndRestart(j); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(p)
	if !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Error("hostname.gif0 was rewritten although nothing changed")
	}
	if len(f.ran) != 0 {
		t.Errorf("ran %v, want nothing", f.ran)
	}
	if len(b.updates()) != 1 {
		t.Errorf("broker asked %d times, want once (it decides itself)", len(b.updates()))
	}
	if !strings.Contains(l.String(), "nothing to do") {
		t.Errorf("log does not say nothing to do: %q", l)
	}
}

func TestAddressChangeRewritesOnlyTheSource(t *testing.T) {
	j, f, _, _ := setup(t, []byte(heFile), 0o600)
	f.kSrc, f.kDst = addrA, remote
	f.egress = []netip.Addr{addrB}
	if err := readAndRestart(j); err != nil {
		t.Fatal(err)
	}
	got, mode := hostnameFile(t, j)
	want := strings.Replace(heFile, "tunnel 198.51.100.7", "tunnel 198.51.100.99", 1)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hostname.gif0 (-want +got):\n%s", diff)
	}
	if mode != 0o600 {
		t.Errorf("mode %o, want the admin's 600 kept", mode)
	}
	if f.kSrc != addrB {
		t.Errorf("kernel source %s after restart, want %s", f.kSrc, addrB)
	}
}

// A hostname.IF another user owns, or that its group may write, would let
// them add lines netstart runs as root: the rewritten file is root:wheel,
// without group write.
func TestRewrittenFileIsRootWheel(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("CI runs as root: chown needs it")
		}
		t.Skip("chown needs root; CI runs this")
	}
	j, f, _, _ := setup(t, []byte(heFile), 0o664)
	p := filepath.Join(j.Config.HostnameDir, "hostname.gif0")
	if err := os.Chown(p, 1, 2); err != nil {
		t.Fatal(err)
	}
	f.egress = []netip.Addr{addrB}
	if err := readAndRestart(j); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != 0 || st.Gid != 0 || fi.Mode().Perm() != 0o640 {
		t.Errorf("hostname.gif0 is %d:%d %o, want 0:0 640", st.Uid, st.Gid, fi.Mode().Perm())
	}
}

func TestOtherBitsAreDropped(t *testing.T) {
	j, f, _, _ := setup(t, []byte(heFile), 0o644)
	f.egress = []netip.Addr{addrB}
	if err := readAndRestart(j); err != nil {
		t.Fatal(err)
	}
	if _, mode := hostnameFile(t, j); mode != 0o640 {
		t.Errorf("mode %o, want 640 (netstart refuses other bits)", mode)
	}
}

func TestNoIPv4ChangesNothing(t *testing.T) {
	j, f, b, _ := setup(t, []byte(heFile), 0o640)
	f.egress = nil
	err := readAndRestart(j)
	if err == nil || !strings.Contains(err.Error(), "em0: no IPv4 address") {
		t.Fatalf("err = %v, want em0: no IPv4 address", err)
	}
	if got, _ := hostnameFile(t, j); got != heFile {
		t.Errorf("hostname.gif0 changed:\n%s", got)
	}
	if len(f.ran) != 0 || len(b.updates()) != 0 {
		t.Errorf("ran %v, broker %v; want nothing", f.ran, b.updates())
	}
}

func TestKeepsCurrentSourceAmongSeveral(t *testing.T) {
	j, f, _, _ := setup(t, []byte(heFile), 0o640)
	f.kSrc, f.kDst = addrA, remote
	f.egress = []netip.Addr{addrB, addrA}
	if err := readAndRestart(j); err != nil {
		t.Fatal(err)
	}
	if got, _ := hostnameFile(t, j); got != heFile {
		t.Errorf("hostname.gif0 changed although its source is still on em0:\n%s", got)
	}
}

func TestBadPFConfIsNotLoaded(t *testing.T) {
	j, f, b, _ := setup(t, []byte(heFile), 0o640)
	f.egress = []netip.Addr{addrB}
	f.fail = map[string]error{"/sbin/pfctl -n": errors.New("exited 1: /etc/pf.conf:3: syntax error")}
	err := readAndRestart(j)
	if err == nil || !strings.Contains(err.Error(), "/etc/pf.conf: not loaded") || !strings.Contains(err.Error(), "syntax error") {
		t.Fatalf("err = %v, want pf.conf not loaded with pfctl's message", err)
	}
	if diff := cmp.Diff([][]string{netstartGif0, pfTest}, f.ran); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if f.kSrc != addrB || len(b.updates()) != 1 {
		t.Errorf("tunnel %s, broker %v: the restart and the update must still be done", f.kSrc, b.updates())
	}
}

func TestReadBackMismatchFails(t *testing.T) {
	j, f, _, _ := setup(t, []byte(heFile), 0o640)
	f.egress = []netip.Addr{addrB}
	f.applyFile = false // netstart "succeeds" but changes nothing
	f.kSrc, f.kDst = addrA, remote
	err := readAndRestart(j)
	if err == nil || !strings.Contains(err.Error(), "gif0: tunnel is 198.51.100.7 --> 216.66.80.26 after netstart, want 198.51.100.99 --> 216.66.80.26") {
		t.Fatalf("err = %v, want a read-back mismatch", err)
	}
}

func TestRemoteFromConfigWins(t *testing.T) {
	j, f, _, _ := setup(t, []byte(strings.Replace(heFile, "216.66.80.26", "203.0.113.1", 1)), 0o640)
	_ = f
	if err := readAndRestart(j); err != nil {
		t.Fatal(err)
	}
	if got, _ := hostnameFile(t, j); got != heFile {
		t.Errorf("hostname.gif0 (-want +got):\n%s", cmp.Diff(heFile, got))
	}
}

func TestMissingFileWithoutRemote(t *testing.T) {
	j, _, _, _ := setup(t, nil, 0)
	j.Tunnel.Remote = netip.Addr{}
	err := readAndRestart(j)
	if err == nil || !strings.Contains(err.Error(), "hostname.gif0 is missing") || !strings.Contains(err.Error(), "remote") {
		t.Fatalf("err = %v, want it to say the file is missing and remote is needed", err)
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	j, f, b, _ := setup(t, []byte(heFile), 0o640)
	f.egress = []netip.Addr{addrB}
	j.DryRun = true
	if err := readAndRestart(j); err != nil {
		t.Fatal(err)
	}
	out := j.Out.(*bytes.Buffer).String()
	for _, want := range []string{
		"-tunnel 198.51.100.7 216.66.80.26\n+tunnel 198.51.100.99 216.66.80.26\n",
		"/bin/sh /etc/netstart gif0\n",
		"/sbin/pfctl -n -f /etc/pf.conf\n",
		"/sbin/pfctl -f /etc/pf.conf\n",
		"broker update to 198.51.100.99",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if got, _ := hostnameFile(t, j); got != heFile {
		t.Error("dry run changed hostname.gif0")
	}
	if len(f.ran) != 0 || len(b.updates()) != 0 {
		t.Errorf("dry run ran %v and sent %v", f.ran, b.updates())
	}
}

func TestStaleTempFilesAreRemoved(t *testing.T) {
	j, f, _, _ := setup(t, []byte(heFile), 0o640)
	f.egress = []netip.Addr{addrB}
	stale := filepath.Join(j.Config.HostnameDir, ".hostname.gif0123456")
	os.WriteFile(stale, []byte("half"), 0o600)
	if err := readAndRestart(j); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(j.Config.HostnameDir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"hostname.gif0"}, names); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}
}
