package main

import (
	"encoding/base64"
	"io/fs"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/broker/brokertest"
	"github.com/gifctl/gifctl/internal/faults"
)

// syslogSink is a syslogd: a unixgram socket that keeps what it gets.
type syslogSink struct {
	path string
	mu   sync.Mutex
	msgs []string
}

func newSyslogSink(t *testing.T) *syslogSink {
	s := &syslogSink{path: filepath.Join(t.TempDir(), "log")}
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: s.path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, string(buf[:n]))
			s.mu.Unlock()
		}
	}()
	return s
}

func (s *syslogSink) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.msgs...)
}

// startSyslog runs gifctl with s as its syslogd. There is no /dev/log
// here (and a real one must not be touched): in a mount namespace of its
// own, gifctl finds s at /var/run/log, log/syslog's third choice, or at
// /dev/log when the machine has one.
func (w *world) startSyslog(s *syslogSink, args ...string) *running {
	const wrap = `mount -t tmpfs tmpfs /run && ln -s "$0" /run/log &&
if [ -e /dev/log ]; then mount --bind "$0" /dev/log; fi && exec "$@"`
	argv := []string{"unshare", "-m", "--propagation", "private", "sh", "-c", wrap, s.path, gifctlBinary, "-c", w.conf}
	return w.startArgv(append(argv, args...))
}

// syslogLine is a message as log/syslog sends it to a local syslogd:
// facility daemon (3), severity err, warning, info or debug, tag gifctl.
var syslogLine = regexp.MustCompile(`^<(27|28|30|31)>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d gifctl\[\d+\]: [^\n]+\n?$`)

// TestReliabilitySecrets runs every command, on its success and its
// failure paths, with stand-ins that dump what a child of gifctl sees of
// itself and of gifctl, and looks for the update key and the heartbeat
// password everywhere they could leak.
func TestReliabilitySecrets(t *testing.T) {
	t.Parallel()
	const password = "hb-Pa55w0rd-s3cret"
	w := newWorld(t, "198.51.100.7").reliable()
	for _, tool := range []string{"unshare", "mount"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "" {
				t.Skipf("needs %s(8) from util-linux for a syslogd of its own", tool)
			}
			t.Fatalf("needs %s(8) from util-linux (CI is set, so this is a failure)", tool)
		}
	}
	w.killLeftovers()
	b := w.useBroker(brokertest.Options{AbuseLimit: 1 << 20})
	conf, err := os.ReadFile(w.conf)
	if err != nil {
		t.Fatal(err)
	}
	w.writeConf(strings.Replace(string(conf), "mtu 1480\n", "mtu 1480\n\theartbeat \""+password+"\"\n", 1))
	w.flag("dump", "1")
	sink := newSyslogSink(t)
	secrets := []string{key, url.QueryEscape(key), password, base64.StdEncoding.EncodeToString([]byte(user + ":" + key))}
	tally := faults.Track(t, "secrets", "every command, on success and failure paths (refusals quoting the key, a hung broker, a wrong CA, "+
		"a broken pf.conf, SIGQUIT's goroutine dump); the update key, its URL and Basic-auth encodings and the heartbeat password searched for",
		"in no child's argv or environment (nor gifctl's, read by the child from /proc), no stderr or stdout, no syslog message, "+
			"no file gifctl or its children wrote (state, hostname.IF), no request line to the broker, no status --json")

	var outputs []string
	run := func(args ...string) result {
		t.Helper()
		r, _ := w.startSyslog(sink, args...).wait()
		outputs = append(outputs, "gifctl "+strings.Join(args, " ")+":\n"+r.stdout+r.stderr)
		// Files are looked at after every run: a later run may
		// overwrite what an earlier one leaked.
		w.leaksInFiles(secrets, "after gifctl "+strings.Join(args, " "))
		tally.Add(1)
		return r
	}
	run("-n")
	run("restart", "-n", "gif0")
	if r := run("-v", "restart", "gif0"); r.code != 0 {
		t.Fatalf("restart: exit %d\n%s", r.code, r.stderr)
	}
	w.renumber("198.51.100.7", "198.51.100.99")
	run("-v", "restart", "gif0")
	run("-v", "update", "--force", "gif0")
	run("-v", "check", "tunnel", "gif0")
	run("status")
	if r := run("status", "--json"); !strings.Contains(r.stdout, `"broker"`) {
		t.Errorf("status --json shows no broker state:\n%s", r.stdout)
	}
	run("-v", "heartbeat", "gif0")
	run("-v", "restart", "--egress", "gif0")

	// Failure paths: each error names the URL, redacted.
	w.write("etc/pf.conf", "BROKEN\n", 0o600)
	w.renumber("198.51.100.99", "198.51.100.7")
	run("-v", "restart", "gif0")
	// A broker that quotes the key back (it knows it; it cannot know the
	// heartbeat password).
	for _, body := range []string{"badauth " + key, "-ERROR: Invalid API key or password " + key, "good 198.51.100.7 " + key} {
		b.Force(200, body)
		run("-v", "update", "--force", "gif0")
	}
	b.SetMode(brokertest.Hang)
	run("-v", "update", "--force", "--timeout", "1s", "gif0")

	// SIGQUIT makes the Go runtime print every goroutine's stack, as a
	// panic does: while gifctl waits for the hung broker.
	n := len(b.Requests())
	r := w.startSyslog(sink, "-v", "update", "--force", "--timeout", "10s", "gif0")
	for deadline := time.Now().Add(5 * time.Second); len(b.Requests()) == n && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	r.signal(syscall.SIGQUIT)
	dump, _ := r.wait()
	tally.Add(1)
	if !strings.Contains(dump.stderr, "goroutine ") {
		t.Errorf("SIGQUIT gave no goroutine dump:\n%s", dump.stderr)
	}
	outputs = append(outputs, "SIGQUIT:\n"+dump.stderr)

	// A certificate from another CA: the TLS error names the URL.
	b.SetMode(brokertest.Normal)
	other, err := brokertest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	if err := other.WriteFile(filepath.Join(w.dir, "ca.pem")); err != nil {
		t.Fatal(err)
	}
	if r := run("-v", "update", "--force", "gif0"); !strings.Contains(r.stderr, "certificate") {
		t.Errorf("update with the wrong CA:\n%s", r.stderr)
	}

	// A configuration error on the update-url's line, and one after it.
	conf, _ = os.ReadFile(w.conf)
	w.writeConf(strings.Replace(string(conf), `update-url "https://`, `update-url "http://`, 1))
	run("-v", "restart", "gif0")
	w.writeConf(strings.Replace(string(conf), "heartbeat \""+password+"\"", "heartbeat \""+password+"\" \""+password+"\"", 1))
	run("-v", "restart", "gif0")
	w.writeConf(string(conf))

	// Now look everywhere.
	for _, out := range outputs {
		leaks(t, "output of "+out[:strings.IndexByte(out, '\n')], out, secrets)
	}
	msgs := sink.messages()
	if len(msgs) < 10 {
		t.Errorf("syslog got %d messages, want the runs' log lines", len(msgs))
	}
	badauth := false
	for _, m := range msgs {
		leaks(t, "syslog message", m, secrets)
		if !syslogLine.MatchString(m) {
			t.Errorf("syslog message %q: not facility daemon, tag gifctl, one line", m)
		}
		badauth = badauth || strings.Contains(m, "badauth")
	}
	if !badauth {
		t.Error("the refused update never reached syslog")
	}
	dumps := w.read("procdump")
	if !strings.Contains(dumps, "PATH=/sbin:/usr/sbin:/bin:/usr/bin\n") || !strings.Contains(dumps, gifctlBinary+"\n") {
		t.Errorf("the stand-ins dumped nothing useful:\n%.2000s", dumps)
	}
	for _, req := range b.Requests() {
		leaks(t, "request line", req.RequestURI, secrets)
	}
	tally.Note("%d syslog messages, %d bytes of process dumps", len(msgs), len(dumps))
}

// leaksInFiles looks for secrets in every file of the world but the
// configuration, where they belong.
func (w *world) leaksInFiles(secrets []string, when string) {
	t := w.t
	t.Helper()
	err := filepath.WalkDir(w.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(w.dir, path)
		if rel == "gifctl.conf" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil // a socket
		}
		leaks(t, rel+" "+when, string(data), secrets)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// leaks fails t for each secret found in text, showing where.
func leaks(t *testing.T, where, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if i := strings.Index(text, s); i >= 0 {
			t.Errorf("%s holds the secret %q: ...%s...", where, s, text[max(0, i-80):min(len(text), i+len(s)+20)])
		}
	}
}

// TestUsageErrorsReachSyslog: ifstated discards what its commands print,
// so a mistyped command line in ifstated.conf must show in the log, as
// every other failure does.
func TestUsageErrorsReachSyslog(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	if _, err := exec.LookPath("unshare"); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("needs unshare(1) from util-linux for a syslogd of its own")
		}
		t.Fatal("needs unshare(1) from util-linux (CI is set, so this is a failure)")
	}
	sink := newSyslogSink(t)
	r, _ := w.startSyslog(sink, "check", "tunnel", "--bogus").wait()
	if r.code != 2 || !strings.Contains(r.stderr, "unknown flag --bogus") {
		t.Fatalf("exit %d, stderr %q; want 2 and the error", r.code, r.stderr)
	}
	var logged bool
	for _, m := range sink.messages() {
		logged = logged || strings.Contains(m, "gifctl") && strings.Contains(m, "unknown flag --bogus")
	}
	if !logged {
		t.Errorf("syslog got %q, want the usage error", sink.messages())
	}
}
