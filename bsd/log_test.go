package bsd

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// fakeSyslog records what would go to syslogd, "severity: message".
type fakeSyslog struct{ lines []string }

func (f *fakeSyslog) add(sev, m string) error { f.lines = append(f.lines, sev+": "+m); return nil }
func (f *fakeSyslog) Err(m string) error      { return f.add("err", m) }
func (f *fakeSyslog) Warning(m string) error  { return f.add("warning", m) }
func (f *fakeSyslog) Info(m string) error     { return f.add("info", m) }
func (f *fakeSyslog) Debug(m string) error    { return f.add("debug", m) }

func TestLoggerLevels(t *testing.T) {
	for _, verbose := range []bool{false, true} {
		t.Run(fmt.Sprint("verbose=", verbose), func(t *testing.T) {
			var stderr bytes.Buffer
			sl := &fakeSyslog{}
			l := &Logger{Stderr: &stderr, Syslog: sl, Verbose: verbose}
			l.Errorf("%s: no IPv4 address", "em0")
			l.Warnf("em0: 100.64.1.2 is a CGNAT address; 6in4 works only if the ISP passes protocol 41")
			l.Infof("gif0: tunnel source 192.0.2.1 -> 198.51.100.7\n")
			l.Debugf("running %s", "/etc/netstart gif0")

			wantStderr := "gifctl: em0: no IPv4 address\n" +
				"gifctl: em0: 100.64.1.2 is a CGNAT address; 6in4 works only if the ISP passes protocol 41\n" +
				"gifctl: gif0: tunnel source 192.0.2.1 -> 198.51.100.7\n"
			wantSyslog := []string{
				"err: em0: no IPv4 address",
				"warning: em0: 100.64.1.2 is a CGNAT address; 6in4 works only if the ISP passes protocol 41",
				"info: gif0: tunnel source 192.0.2.1 -> 198.51.100.7",
			}
			if verbose {
				wantStderr += "gifctl: running /etc/netstart gif0\n"
				wantSyslog = append(wantSyslog, "debug: running /etc/netstart gif0")
			}
			if diff := cmp.Diff(wantStderr, stderr.String()); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantSyslog, sl.lines); diff != "" {
				t.Errorf("syslog (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoggerRedacts(t *testing.T) {
	var stderr bytes.Buffer
	sl := &fakeSyslog{}
	l := &Logger{Stderr: &stderr, Syslog: sl}
	l.AddSecrets("0123abcd", "", "p@ss/w:rd")
	u := &url.URL{Scheme: "https", User: url.UserPassword("alice", "p@ss/w:rd"), Host: "ipv4.tunnelbroker.net", Path: "/nic/update"}
	l.Errorf("update %s failed with key 0123abcd", u)
	l.Infof("query password=%s", url.QueryEscape("p@ss/w:rd"))
	out := stderr.String() + strings.Join(sl.lines, "\n")
	for _, leak := range []string{"0123abcd", "p@ss", "p%40ss", "w:rd", "w%3Ard"} {
		if strings.Contains(out, leak) {
			t.Errorf("output contains %q:\n%s", leak, out)
		}
	}
	if want := "gifctl: update https://alice:*****@ipv4.tunnelbroker.net/nic/update failed with key *****\n"; !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("stderr = %q, want prefix %q", stderr.String(), want)
	}
}

func TestRedactor(t *testing.T) {
	tests := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{"none", nil, "nothing secret", "nothing secret"},
		{"empty secret ignored", []string{""}, "abc", "abc"},
		{"every occurrence", []string{"hartslag"}, "hartslag and hartslag", "***** and *****"},
		// The longer secret is replaced whole, not as "*****def".
		{"overlapping secrets", []string{"abc", "abcdef"}, "key abcdef, abc", "key *****, *****"},
		{"query escaped", []string{"a b&c"}, "x=a+b%26c", "x=*****"},
		{"path escaped", []string{"a b"}, "/a%20b/", "/*****/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewRedactor(tt.secrets...).Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	var zero *Redactor
	if got := zero.Redact("x"); got != "x" {
		t.Errorf("nil Redactor changed text: %q", got)
	}
}

func TestLoggerNoSyslogNoStderr(t *testing.T) {
	l := &Logger{Verbose: true}
	l.Errorf("nowhere to go") // must not panic
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("closed") }

func TestLoggerStderrFailureStillSyslogs(t *testing.T) {
	sl := &fakeSyslog{}
	l := &Logger{Stderr: failingWriter{}, Syslog: sl}
	l.Errorf("em0: no IPv4 address")
	if diff := cmp.Diff([]string{"err: em0: no IPv4 address"}, sl.lines); diff != "" {
		t.Errorf("syslog (-want +got):\n%s", diff)
	}
}

// TestLoggerSyslogWire checks what reaches a syslogd: facility daemon, the
// severity, tag gifctl, the redacted message, over a unix datagram socket
// like /dev/log.
func TestLoggerSyslogWire(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "log")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	var stderr bytes.Buffer
	l := &Logger{Stderr: &stderr}
	if err := l.openSyslog("unixgram", sock); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.AddSecrets("0123abcd")
	l.Errorf("update failed: badauth for key 0123abcd")
	l.Infof("gif0: nothing to do")

	// LOG_DAEMON is 3<<3: err (3) gives <27>, info (6) gives <30>.
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`^<27>\w{3} [ \d]\d \d\d:\d\d:\d\d gifctl\[\d+\]: update failed: badauth for key \*\*\*\*\*\n?$`),
		regexp.MustCompile(`^<30>\w{3} [ \d]\d \d\d:\d\d:\d\d gifctl\[\d+\]: gif0: nothing to do\n?$`),
	} {
		buf := make([]byte, 2048)
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		if !want.Match(buf[:n]) {
			t.Errorf("datagram %q does not match %v", buf[:n], want)
		}
	}
}

func TestOpenSyslogFailureKeepsStderr(t *testing.T) {
	var stderr bytes.Buffer
	l := &Logger{Stderr: &stderr}
	if err := l.openSyslog("unixgram", filepath.Join(t.TempDir(), "nosyslogd")); err == nil {
		t.Fatal("dialing a missing socket succeeded")
	}
	if l.Syslog != nil {
		t.Error("Syslog set after a failed dial")
	}
	l.Errorf("still here")
	if got := stderr.String(); got != "gifctl: still here\n" {
		t.Errorf("stderr = %q", got)
	}
}

func TestLoggerSkipsSyslogWithoutUnixPromise(t *testing.T) {
	setPledged("stdio rpath")
	t.Cleanup(func() { pledged.Store(nil) })
	var stderr bytes.Buffer
	sl := &fakeSyslog{}
	l := &Logger{Stderr: &stderr, Syslog: sl}
	l.Errorf("gif0: no tunnel endpoints set")
	if len(sl.lines) != 0 {
		t.Errorf("syslog written under pledge without unix: %q", sl.lines)
	}
	if stderr.String() != "gifctl: gif0: no tunnel endpoints set\n" {
		t.Errorf("stderr = %q", stderr.String())
	}
}

func TestClipLongWords(t *testing.T) {
	long := strings.Repeat("a", 3000)
	for _, tc := range []struct{ in, want string }{
		{"short line", "short line"},
		{"bad value " + strings.Repeat("b", maxWord), "bad value " + strings.Repeat("b", maxWord)},
		{`got "` + long + `" here`, `got "` + strings.Repeat("a", 47) + `...[3002 bytes]...` + strings.Repeat("a", 15) + `" here`},
		{long + "\n" + long, strings.Repeat("a", 48) + "...[3000 bytes]..." + strings.Repeat("a", 16) + "\n" + strings.Repeat("a", 48) + "...[3000 bytes]..." + strings.Repeat("a", 16)},
		// A cut inside a UTF-8 sequence moves back to its start.
		{strings.Repeat("é", 200), strings.Repeat("é", 24) + "...[400 bytes]..." + strings.Repeat("é", 8)},
	} {
		got := clipLongWords(tc.in)
		if got != tc.want {
			t.Errorf("clipLongWords(%.40q...) = %q, want %q", tc.in, got, tc.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("clipLongWords(%.40q...) is not UTF-8", tc.in)
		}
	}
}

func TestLoggerClipsEchoedInput(t *testing.T) {
	var stderr strings.Builder
	l := &Logger{Stderr: &stderr}
	l.AddSecrets("s3cr3t")
	l.Errorf("check ipv4: %q: not an address; key s3cr3t", strings.Repeat("x", 5000))
	got := stderr.String()
	if len(got) > 200 || !strings.Contains(got, "...[5003 bytes]...") || strings.Contains(got, "s3cr3t") {
		t.Errorf("logged %d bytes: %.300q", len(got), got)
	}
}

// Whatever a message quotes, each record is one printable line: a
// certificate name with a newline cannot forge a record of its own.
func TestLoggerEscapes(t *testing.T) {
	var stderr bytes.Buffer
	sl := &fakeSyslog{}
	l := &Logger{Stderr: &stderr, Syslog: sl}
	l.Errorf("x509: certificate is valid for %s, not broker", "evil\ngif0: broker answered \"good 6.6.6.6\"\x1b[2J")
	l.Errorf("HTTP 502 Bad\x07\rGateway\x7f \xff \u0085 \ufffd tab\tend")
	want := []string{
		`err: x509: certificate is valid for evil\ngif0: broker answered "good 6.6.6.6"\x1b[2J, not broker`,
		`err: HTTP 502 Bad\a\rGateway\x7f \xff \u0085 ` + "\ufffd" + ` tab\tend`,
	}
	if diff := cmp.Diff(want, sl.lines); diff != "" {
		t.Errorf("syslog (-want +got):\n%s", diff)
	}
	if lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n"); len(lines) != 2 {
		t.Errorf("stderr has %d lines, want 2:\n%s", len(lines), stderr.String())
	}
}
