package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestPreflight: gifctl -n warns of what would keep a configuration that
// parses from working on this router, and still says it is OK.
func TestPreflight(t *testing.T) {
	for _, tt := range []struct {
		name    string
		edit    func(w *world, conf string) string // the configuration, changed
		warning string                             // "" for none
	}{
		{"healthy", func(w *world, conf string) string { return conf }, ""},
		{"no such egress", func(w *world, conf string) string {
			return strings.Replace(conf, "egress em0", "egress em7", 1)
		}, "warning: gif0: egress em7: no such interface"},
		{"not a gif", func(w *world, conf string) string {
			return strings.Replace(conf, "tunnel gif0", "tunnel tun0", 1)
		}, "warning: tunnel tun0: not a gif(4) interface"},
		{"no hostname.gif0 and no remote", func(w *world, conf string) string {
			return strings.Replace(conf, "remote "+remote, "", 1)
		}, "/etc/hostname.gif0 is missing and tunnel gif0 cannot write it: missing remote"},
		{"no hostname.gif0 and no inet6", func(w *world, conf string) string {
			return strings.Replace(conf, "inet6 2001:db8:1::2 peer 2001:db8:1::1", "", 1)
		}, "/etc/hostname.gif0 is missing and tunnel gif0 cannot write it: missing inet6 ... peer"},
		{"no credentials", func(w *world, conf string) string {
			return strings.Replace(conf, user+":"+key+"@", "", 1)
		}, `warning: gif0: update-url has no user name and key: paste the "Example Update URL"`},
		{"hostname not a tunnel id", func(w *world, conf string) string {
			return strings.Replace(conf, "hostname="+tunnelID, "hostname=router.example.org", 1)
		}, `warning: gif0: update-url: hostname="router.example.org" is not a tunnel id`},
		{"ca-file unreadable", func(w *world, conf string) string {
			return strings.Replace(conf, filepath.Join(w.dir, "ca.pem"), filepath.Join(w.dir, "nothing.pem"), 1)
		}, "warning: ca-file: open " + "DIR/nothing.pem: no such file or directory"},
	} {
		name := strings.ReplaceAll(tt.name, " ", "_")
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, "198.51.100.7")
			w.writeConf(tt.edit(w, w.read("gifctl.conf")))
			r := w.gifctl(nil, "-n")
			stderr := strings.ReplaceAll(r.stderr, w.dir, "DIR")
			want := strings.ReplaceAll(tt.warning, "/etc/", "DIR/etc/")
			switch {
			case r.code != 0 || r.stdout != "configuration OK\n":
				t.Errorf("exit %d, stdout %q, want 0 and configuration OK; stderr:\n%s", r.code, r.stdout, stderr)
			case want == "" && stderr != "":
				t.Errorf("warnings for a healthy router:\n%s", stderr)
			case want != "" && (!strings.Contains(stderr, want) || strings.Count(stderr, "\n") != 1):
				t.Errorf("stderr:\n%s\nwant the one warning %q", stderr, want)
			}
		})
	}

	// A hostname.gif0 that exists needs nothing to be written from.
	w := newWorld(t, "198.51.100.7")
	w.writeConf(strings.Replace(w.read("gifctl.conf"), "remote "+remote, "", 1))
	w.write("etc/hostname.gif0", "tunnel 198.51.100.7 "+remote+"\n", 0o640)
	if r := w.gifctl(nil, "-n"); r.code != 0 || r.stderr != "" {
		t.Errorf("with hostname.gif0: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// TestInet6AsTheBrokerShowsIt: the addresses of Hurricane Electric's page,
// "/64" included, are taken, and -n notes how.
func TestInet6AsTheBrokerShowsIt(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	w.writeConf(strings.Replace(w.read("gifctl.conf"), "inet6 2001:db8:1::2 peer 2001:db8:1::1", "inet6 2001:db8:1::2/64 peer 2001:db8:1::1/64", 1))
	r := w.mustRun("-n")
	if want := "gif0: inet6: /64 is the tunnel's network; a gif tunnel is point to point: 2001:db8:1::2, peer 2001:db8:1::1, prefixlen 128"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr:\n%s\nwant %q", r.stderr, want)
	}
	w.mustRun("restart", "gif0")
	if got := w.read("etc/hostname.gif0"); !strings.Contains(got, "\ninet6 2001:db8:1::2 128\ndest 2001:db8:1::1\n") {
		t.Errorf("hostname.gif0:\n%s", got)
	}
}

// TestNextStep: the errors a new admin meets first say what to do next.
func TestNextStep(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	missing := filepath.Join(w.dir, "missing.conf")
	r := w.gifctl(nil, "-c", missing, "-n")
	if want := missing + ": no such file or directory; start from the example: install -m 600 /usr/local/share/examples/gifctl/gifctl.conf " + missing; r.code != 2 || !strings.Contains(r.stderr, want) {
		t.Errorf("missing configuration: exit %d, stderr:\n%s\nwant %q", r.code, r.stderr, want)
	}
	// -f names the file, as for ifstated and pfctl; -c, as before.
	if r := w.gifctl(nil, "-f", missing, "-n"); r.code != 2 || !strings.Contains(r.stderr, missing) {
		t.Errorf("-f: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	w.mustRun("-f", w.conf, "-n")
}

// TestDurationAsInTheFile: a duration on the command line is written as a
// timeout in gifctl.conf, a number of seconds, or with a unit.
func TestDurationAsInTheFile(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	for _, d := range []string{"5", "1500ms", "1m30s"} {
		w.mustRun("restart", "-n", "--timeout", d, "gif0")
	}
	r := w.gifctl(nil, "update", "--timeout", "5x", "gif0")
	if want := `--timeout: "5x": want seconds, or a number with a unit, as 500ms or 1m30s`; r.code != 2 || !strings.Contains(r.stderr, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant %q", r.code, r.stderr, want)
	}
}

// TestStatusSaysWhatRepairs: status offers a restart only when a restart
// can repair the tunnel, and otherwise says what stops it.
func TestStatusSaysWhatRepairs(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	if r := w.mustRun("status"); !strings.Contains(r.stdout, "NOT consistent: gifctl restart gif0 repairs it") {
		t.Errorf("no tunnel yet:\n%s", r.stdout)
	}
	w.mustRun("restart", "gif0")
	if r := w.mustRun("status"); !strings.Contains(r.stdout, "state   consistent") {
		t.Errorf("after restart:\n%s", r.stdout)
	}
	w.ns.IP("addr", "flush", "dev", "em0")
	if r := w.mustRun("status"); !strings.Contains(r.stdout, "NOT consistent: em0 has no IPv4 address; gifctl restart --egress gif0 restarts it first") {
		t.Errorf("no IPv4 address:\n%s", r.stdout)
	}
	w.writeConf(strings.Replace(w.read("gifctl.conf"), "egress em0", "egress em7", 1))
	if r := w.mustRun("status"); !strings.Contains(r.stdout, "NOT consistent: em7: no such interface; correct egress in "+w.conf) {
		t.Errorf("no such egress:\n%s", r.stdout)
	}
}

// doubled returns a line that names the same thing twice in a row, as
// "ipv6: ipv6: source ..." or "egress em0: em0: ...", or "".
func doubled(text string) string {
	for _, line := range strings.Split(text, "\n") {
		parts := strings.Split(line, ": ")
		for i := 0; i+2 < len(parts); i++ {
			if w := strings.Fields(parts[i]); len(w) > 0 && w[len(w)-1] == parts[i+1] {
				return line
			}
		}
	}
	return ""
}

// TestNoDoubledPrefix: the messages of failing commands name each thing once.
func TestNoDoubledPrefix(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	w.writeConf(strings.Replace(w.read("gifctl.conf"), "tunnel gif0 {", "check ipv6 {\n\ttarget 2001:db8::5\n}\ntunnel gif0 {", 1))
	var out []string
	for _, args := range [][]string{{"-v", "check", "ipv6"}, {"-v", "check", "tunnel"}, {"status"}} {
		r := w.gifctl(nil, args...)
		out = append(out, r.stdout+r.stderr)
	}
	w.ns.IP("addr", "flush", "dev", "em0")
	for _, args := range [][]string{{"-v", "restart", "gif0"}, {"update", "gif0"}, {"-v", "check", "tunnel"}} {
		r := w.gifctl(nil, args...)
		out = append(out, r.stdout+r.stderr)
	}
	all := strings.Join(out, "")
	if !strings.Contains(all, "ipv6: source 2001:db8:1::2: no such local address") {
		t.Errorf("check ipv6 does not say why:\n%s", all)
	}
	if line := doubled(all); line != "" {
		t.Errorf("a thing named twice: %q", line)
	}
}

// TestVerboseRestartSteps: restart -v says what it did at each step that
// gifctl(8) lists, and why it skipped the others.
func TestVerboseRestartSteps(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	steps := func(args []string, want ...string) {
		t.Helper()
		r := w.gifctl(nil, args...)
		stderr := strings.ReplaceAll(r.stderr, w.dir, "DIR")
		for _, s := range want {
			if !strings.Contains(stderr, s) {
				t.Errorf("gifctl %s: no %q in:\n%s", strings.Join(args, " "), s, stderr)
			}
		}
	}
	steps([]string{"-v", "restart", "gif0"},
		"gif0: source 198.51.100.7, from em0's IPv4 addresses",
		"DIR/etc/hostname.gif0: written from DIR/gifctl.conf",
		"running /bin/sh DIR/netstart gif0",
		"gif0: tunnel 198.51.100.7 --> 216.66.80.26",
		"running DIR/pfctl -n -f DIR/etc/pf.conf",
		"DIR/etc/pf.conf: loaded",
		`gif0: broker answered "good 198.51.100.7"`)
	steps([]string{"-v", "restart", "gif0"},
		"gif0: source 198.51.100.7, from em0's IPv4 addresses",
		"DIR/etc/hostname.gif0: unchanged",
		"gif0: no netstart, no pf reload: the kernel's tunnel agrees with hostname.gif0",
		"gif0: no broker update: the broker already has 198.51.100.7")
	if r := w.mustRun("restart", "gif0"); strings.Contains(r.stderr, "unchanged") {
		t.Errorf("without -v:\n%s", r.stderr)
	}
}
