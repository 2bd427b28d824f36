package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gifctl/gifctl/internal/broker"
	"github.com/gifctl/gifctl/internal/faults"
)

// payloads are what an attacker, or a slip of the admin's fingers, could
// put into a value: shell syntax for netstart's `!` lines and for sh,
// line breaks that would start a new hostname.if command or forge a log
// line, terminal escapes, NUL, non-UTF-8, and sheer length.
var payloads = []struct{ name, s string }{
	{"newline-bang", "\n!reboot"},
	{"bang", "!reboot"},
	{"dollar-paren", "$(reboot)"},
	{"backquote", "`reboot`"},
	{"double-quote", `"; reboot; "`},
	{"single-quote", "'; reboot; '"},
	{"semicolon", ";reboot"},
	{"nul", "\x00reboot"},
	{"non-utf8", "\xff\xfe"},
	{"escape", "\x1b[2J"},
	{"crlf", "\r\nreboot"},
	{"long", strings.Repeat("a", 100_000)},
}

// TestReliabilityInjectionConfig puts each payload into each kind of value
// of a working gifctl.conf and runs restart: it must be refused as a
// configuration error (exit 2) naming file and line, in one clear line,
// before anything is run, written or sent.
func TestReliabilityInjectionConfig(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "198.51.100.7").reliable()
	w.mustRun("restart", "gif0")
	w.renumber("198.51.100.7", "198.51.100.99") // a restart would now change things
	good, err := os.ReadFile(w.conf)
	if err != nil {
		t.Fatal(err)
	}
	tally := faults.Track(t, "injection", fmt.Sprintf("%d payloads (newline + `!`, `!`, `$(...)`, backquotes, quotes, `;`, NUL, non-UTF-8, "+
		"ESC, CR LF, a 100 000-byte value) in each of 9 kinds of value of gifctl.conf, then `gifctl restart`; and a 1 MiB file", len(payloads)),
		"exit 2; every stderr line \"gifctl: FILE:LINE: ...\", printable, under 300 bytes; nothing run, no file written or changed, nothing sent to the broker")

	positions := []struct{ name, old, new string }{
		{"egress", "egress em0", `egress "em0X"`},
		{"remote", "remote " + remote, `remote "` + remote + `X"`},
		{"inet6", "inet6 2001:db8:1::2 peer", `inet6 "2001:db8:1::2X" peer`},
		{"url-key", ":" + key + "@", ":" + key + "X@"},
		{"url-query", "hostname=" + tunnelID + `"`, "hostname=" + tunnelID + `X"`},
		{"heartbeat", "mtu 1480\n", "mtu 1480\n\theartbeat \"pwX\"\n"},
		{"netstart", w.dir + `/netstart"`, w.dir + `/netstartX"`},
		{"hostname-dir", w.dir + `/etc"`, w.dir + `/etcX"`},
		{"tunnel", "tunnel gif0 {", `tunnel "gif0X" {`},
	}
	before := w.snapshot()
	updates := w.updates()
	w.calls()
	for _, pos := range positions {
		if !bytes.Contains(good, []byte(pos.old)) {
			t.Fatalf("%s: %q not in the configuration", pos.name, pos.old)
		}
		for _, p := range payloads {
			conf := strings.Replace(string(good), pos.old, strings.ReplaceAll(pos.new, "X", p.s), 1)
			w.refused(pos.name+"/"+p.name, conf)
			tally.Add(1)
		}
	}
	// Too big to be a gifctl.conf: refused before it is parsed.
	w.refused("huge", string(good)+"#"+strings.Repeat("x", 1<<20)+"\n")
	tally.Add(1)
	w.writeConf(string(good))

	if diff := w.snapshotDiff(before); diff != "" {
		t.Errorf("refused configurations changed files: %s", diff)
	}
	if calls := w.calls(); len(calls) != 0 || w.updates() != updates {
		t.Errorf("refused configurations ran %q, updated the broker %d times", calls, w.updates()-updates)
	}
}

// refused runs restart with conf and wants it refused clearly.
func (w *world) refused(name, conf string) {
	t := w.t
	t.Helper()
	w.writeConf(conf)
	r, _ := w.start("restart", "gif0").wait()
	if r.code != 2 {
		t.Errorf("%s: exit %d, want 2\n%.500s", name, r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stderr, "gifctl: "+w.conf+":") {
		t.Errorf("%s: error does not name the file and line: %.300q", name, r.stderr)
	}
	for _, line := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
		msg, ok := strings.CutPrefix(line, "gifctl: ")
		if why := faults.Unclear(msg); !ok || why != "" || len(line) > 300 {
			t.Errorf("%s: unclear error line (%s, %d bytes): %.300q", name, why, len(line), line)
		}
	}
	if calls := w.calls(); len(calls) != 0 {
		t.Errorf("%s: ran %q", name, calls)
	}
}

// snapshot maps each file of the world, but the configuration and the
// stand-ins' logs, to its mode and content.
func (w *world) snapshot() map[string]string {
	w.t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(w.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(w.dir, path)
		switch rel {
		case "gifctl.conf", "calls", "trace":
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		data, _ := os.ReadFile(path)
		m[rel] = fmt.Sprintf("%v %q", fi.Mode(), data)
		return nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return m
}

func (w *world) snapshotDiff(before map[string]string) string {
	after := w.snapshot()
	var diffs []string
	for k, v := range before {
		if after[k] != v {
			diffs = append(diffs, k+" changed")
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			diffs = append(diffs, k+" appeared")
		}
	}
	return strings.Join(diffs, ", ")
}

// TestReliabilityInjectionBroker makes the broker answer with payloads and
// wants none of it in hostname.IF, which netstart runs as root: the file
// is made from the egress address and the configuration only. Logs and
// state hold at most one printable line of the answer.
func TestReliabilityInjectionBroker(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "198.51.100.7").reliable()
	w.mustRun("restart", "gif0")
	template := w.read("etc/hostname.gif0")
	answers := []string{
		"good 1.2.3.4\n!rm -rf /",
		"good 198.51.100.99\n!reboot",
		"good 198.51.100.99\ntunnel 6.6.6.6 6.6.6.6\n!reboot",
		"good $(reboot)",
		"nochg `reboot`",
		"good 198.51.100.99\x00!reboot",
		"good 198.51.100.99\r\ngifctl: gif0: forged log line",
		"good 198.51.100.99\rgifctl: forged over the line",
		"\x1b[2J\x1b[Hgood 198.51.100.99",
		"good \xff\xfe",
		"good 198.51.100.99 \xc3\x28",
		"badauth\n!reboot",
		`-ERROR: "'; reboot; '"`,
		"+OK: Tunnel endpoint updated to: 198.51.100.99\n!reboot",
		"good 198.51.100.99\ttunnel 6.6.6.6 6.6.6.6",
		"good 6.6.6.6",
		strings.Repeat("good ", 2000),
		"good 198.51.100.99 " + strings.Repeat("A", 3000),
		strings.Repeat("\n", 100) + "good 198.51.100.99",
	}
	tally := faults.Track(t, "injection", fmt.Sprintf("%d broker answers carrying `!` lines, `$(...)`, backquotes, quotes, NUL, CR, ESC, non-UTF-8, "+
		"a forged log line, a forged tunnel line, a claimed foreign address, 10 000-byte bodies; each after a change of address", len(answers)),
		"hostname.IF is exactly the file for the egress address (byte for byte); the kernel tunnel is that address; "+
			"every stderr line starts \"gifctl: \" and is printable UTF-8; the state file parses and its answer is one printable line of at most 200 bytes")
	addrs := []string{"198.51.100.7", "198.51.100.99"}
	cur := 0
	for i, answer := range answers {
		next := 1 - cur
		w.renumber(addrs[cur], addrs[next])
		cur = next
		// Forget the broker state: every restart asks, whatever the
		// back-off after the answer before.
		os.Remove(filepath.Join(w.dir, "state", "gif0.broker.json"))
		w.broker.Force(200, answer)
		n := w.updates()
		r, _ := w.start("restart", "gif0").wait()
		tally.Add(1)
		if w.updates() != n+1 {
			t.Fatalf("answer %d: the broker was not asked", i)
		}
		want := strings.Replace(template, "tunnel 198.51.100.7 ", "tunnel "+addrs[cur]+" ", 1)
		if got := w.read("etc/hostname.gif0"); got != want {
			t.Errorf("answer %q: hostname.gif0:\n%s\nwant:\n%s", answer, got, want)
		}
		if got := strings.TrimSpace(w.read("kernel.gif0")); got != addrs[cur]+" "+remote {
			t.Errorf("answer %q: kernel tunnel %q", answer, got)
		}
		for _, line := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
			if !strings.HasPrefix(line, "gifctl: ") || !printableLine(strings.ReplaceAll(line, "\t", " ")) {
				t.Errorf("answer %q: log line %q", answer, line)
			}
		}
		st, err := broker.LoadState(filepath.Join(w.dir, "state"), "gif0")
		if err != nil {
			t.Errorf("answer %q: %v", answer, err)
		} else if !printableLine(st.Answer) || len(st.Answer) > 200 {
			t.Errorf("answer %q: stored as %q", answer, st.Answer)
		}
	}
}

// printableLine says whether s is valid UTF-8 without control characters.
func printableLine(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}

// TestReliabilityInjectionArgs gives the command line what the
// configuration was given: refused as usage errors, nothing run.
func TestReliabilityInjectionArgs(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "198.51.100.7").reliable()
	cases := [][]string{
		{"restart", "gif0;reboot"},
		{"restart", "$(reboot)"},
		{"restart", "gif0\n!reboot"},
		{"update", "`reboot`"},
		{"status", "gif0\x01\x1b[2J"}, // argv cannot hold NUL
		{"check", "tunnel", "\xff\xfe"},
		{"check", "ipv4", "8.8.8.8;reboot"},
		{"check", "ipv6", "::1%$(reboot)"},
		{"heartbeat", strings.Repeat("g", 10_000)},
	}
	tally := faults.Track(t, "injection", fmt.Sprintf("%d command lines with `;`, `$(...)`, newline + `!`, backquotes, control characters, non-UTF-8, a zone with `$(...)`, a 10 000-byte name", len(cases)),
		"exit 2 with one clear error line, quoting the bad value escaped; nothing run or written")
	for _, args := range cases {
		r, _ := w.start(args...).wait()
		tally.Add(1)
		if r.code != 2 {
			t.Errorf("gifctl %q: exit %d, want 2\n%s", args, r.code, r.stderr)
		}
		line, _, _ := strings.Cut(r.stderr, "\n")
		msg, ok := strings.CutPrefix(line, "gifctl: ")
		if why := faults.Unclear(msg); !ok || why != "" {
			t.Errorf("gifctl %q: unclear error (%s): %.300q", args, why, r.stderr)
		}
		if calls := w.calls(); len(calls) != 0 {
			t.Errorf("gifctl %q ran %q", args, calls)
		}
	}
	if w.read("etc/hostname.gif0") != "" || w.updates() != 0 {
		t.Error("something was written or sent")
	}
}
