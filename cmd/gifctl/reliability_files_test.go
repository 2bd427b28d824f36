package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/faults"
)

// Files that are not what they seem: a state-dir others may write, links
// and FIFOs where gifctl expects its files, huge files, a read-only or
// unusable state-dir, hostname.IF as a symbolic link.

// waitWithin waits for gifctl at most limit; a gifctl still running then
// is killed, and hung says so.
func (r *running) waitWithin(limit time.Duration) (res result, took time.Duration, hung bool) {
	r.w.t.Helper()
	done := make(chan struct{})
	timer := time.AfterFunc(limit, func() {
		select {
		case <-done:
		default:
			hung = true
			r.cmd.Process.Kill()
		}
	})
	res, took = r.wait()
	close(done)
	timer.Stop()
	return res, took, hung
}

// maxRSS is the peak resident memory of a waited-for gifctl, in bytes.
// `ip netns exec` becomes gifctl by exec, so the process is gifctl's.
func (r *running) maxRSS() int64 {
	ru, ok := r.cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	return ru.Maxrss << 10 // KiB on Linux
}

// editConf replaces old by new in the configuration, once.
func (w *world) editConf(old, new string) {
	w.t.Helper()
	conf, err := os.ReadFile(w.conf)
	if err != nil {
		w.t.Fatal(err)
	}
	if !strings.Contains(string(conf), old) {
		w.t.Fatalf("the configuration has no %q", old)
	}
	w.writeConf(strings.Replace(string(conf), old, new, 1))
}

// mountTmpfs mounts a tmpfs with opts (mount -o) at DIR/name, created if
// needed, and unmounts it when the test ends. `ip netns exec` copies the
// test's mounts into gifctl's mount namespace.
func (w *world) mountTmpfs(name, opts string) string {
	w.t.Helper()
	p := filepath.Join(w.dir, name)
	if err := os.MkdirAll(p, 0o700); err != nil {
		w.t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", p).CombinedOutput(); err != nil {
		w.t.Fatalf("mount tmpfs at %s: %v: %s", p, err, out)
	}
	w.t.Cleanup(func() { exec.Command("umount", "-l", p).Run() })
	return p
}

// mkfifo makes a FIFO at DIR/name, in place of whatever was there.
func (w *world) mkfifo(name string) string {
	w.t.Helper()
	p := filepath.Join(w.dir, name)
	os.Remove(p)
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		w.t.Fatal(err)
	}
	return p
}

// TestReliabilityStateDirTrust gives gifctl a state-dir that someone else
// could write, and links where the lock and the broker state belong.
func TestReliabilityStateDirTrust(t *testing.T) {
	t.Parallel()
	tally := faults.Track(t, "file trust", "a state-dir others may write (modes 0777, 0770, 0720, owned by nobody); the lock and the broker state as symbolic links to a victim file and to a planted record",
		"a lax state-dir: exit 2 naming the directory and the chmod/chown that fixes it, nothing run or sent; a link: not followed (the victim unchanged), the planted record not believed")
	for _, tt := range []struct {
		name  string
		mode  os.FileMode
		owner int
		fix   string
	}{
		{"world-writable", 0o777, 0, "chmod"},
		{"group-writable", 0o770, 0, "chmod"},
		{"group-write-only", 0o720, 0, "chmod"},
		{"not-root", 0o700, 65534, "chown"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, "198.51.100.7")
			state := filepath.Join(w.dir, "state")
			if err := os.Chown(state, tt.owner, 0); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(state, tt.mode); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"restart", "gif0"}, {"update", "gif0"}} {
				r, _, hung := w.start(args...).waitWithin(10 * time.Second)
				tally.Add(1)
				if hung || r.code != 2 || !strings.Contains(r.stderr, state) || !strings.Contains(r.stderr, tt.fix) {
					t.Errorf("gifctl %s with state-dir mode %04o owner %d: exit %d\n%s\nwant exit 2 naming %s and the %s that fixes it",
						strings.Join(args, " "), tt.mode, tt.owner, r.code, r.stderr, state, tt.fix)
				}
				if calls := w.calls(); len(calls) != 0 || w.updates() != 0 {
					t.Errorf("gifctl %s: ran %q, %d broker updates", strings.Join(args, " "), calls, w.updates())
				}
			}
		})
	}

	t.Run("lock-link", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t, "198.51.100.7")
		victim := filepath.Join(w.dir, "victim")
		w.write("victim", "precious\n", 0o600)
		if err := os.Symlink(victim, filepath.Join(w.dir, "state", "lock")); err != nil {
			t.Fatal(err)
		}
		r, _, hung := w.start("restart", "gif0").waitWithin(10 * time.Second)
		tally.Add(1)
		if got := w.read("victim"); got != "precious\n" {
			t.Errorf("the lock link was followed: victim holds %q now", got)
		}
		if hung || r.code == 0 || !strings.Contains(r.stderr, filepath.Join(w.dir, "state", "lock")) {
			t.Errorf("restart with the lock a link: exit %d\n%s\nwant a failure naming the lock", r.code, r.stderr)
		}
	})

	t.Run("state-link", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t, "198.51.100.7")
		// A record saying the broker already has the address.
		planted := fmt.Sprintf(`{"tunnel": "gif0", "address": "198.51.100.7", "broker_address": "198.51.100.7", "answer": "nochg 198.51.100.7", "code": "nochg", "when": %q, "accepted": %q}`+"\n",
			time.Now().Format(time.RFC3339), time.Now().Format(time.RFC3339))
		w.write("planted", planted, 0o600)
		statePath := filepath.Join(w.dir, "state", "gif0.broker.json")
		if err := os.Symlink(filepath.Join(w.dir, "planted"), statePath); err != nil {
			t.Fatal(err)
		}
		r, _, hung := w.start("restart", "gif0").waitWithin(10 * time.Second)
		tally.Add(1)
		believed := r.code == 0 && w.updates() == 0
		if hung || believed || (r.code != 0 && !strings.Contains(r.stderr, statePath)) {
			t.Errorf("restart with the broker state a link to a planted record: exit %d, %d broker updates\n%s\nwant the record not believed (an update, or a failure naming %s)",
				r.code, w.updates(), r.stderr, statePath)
		}
		if got := w.read("planted"); got != planted {
			t.Errorf("the state link was written through: %q", got)
		}
	})
}

// TestReliabilityBoundedReads puts FIFOs and huge files where gifctl reads
// hostname.IF, the broker state and the CA bundle, and wants every command
// to end in its time bound, refusing the file by name, in little memory.
func TestReliabilityBoundedReads(t *testing.T) {
	t.Parallel()
	const (
		bound  = 5 * time.Second // far above any command's time with a good file
		maxRSS = 48 << 20
	)
	tally := faults.Track(t, "file trust", "a FIFO at hostname.IF, at the broker state and at the CA bundle (restart, restart -n, update, check tunnel, status); "+
		"a 16 MiB hostname.IF and broker state, a 16 MiB CA bundle",
		fmt.Sprintf("every run ends within %v (a FIFO today blocks the open forever); a command that needs the file exits non-zero naming it; peak memory under %d MiB", bound, maxRSS>>20))
	type setup func(w *world) string // returns the bad file
	fifo := func(name string) setup { return func(w *world) string { return w.mkfifo(name) } }
	huge := func(name string) setup {
		return func(w *world) string {
			p := filepath.Join(w.dir, name)
			if err := os.WriteFile(p, nil, 0o600); err != nil {
				w.t.Fatal(err)
			}
			if err := os.Truncate(p, 16<<20); err != nil {
				w.t.Fatal(err)
			}
			return p
		}
	}
	noRemote := func(w *world) { w.editConf("\tremote "+remote+"\n", "") }
	for _, tt := range []struct {
		name   string
		before func(w *world)
		bad    setup
		args   []string
		names  bool // the error must name the file
	}{
		{name: "hostname-fifo-restart", bad: fifo("etc/hostname.gif0"), args: []string{"restart", "--timeout", "1s", "gif0"}, names: true},
		{name: "hostname-fifo-restart-n", bad: fifo("etc/hostname.gif0"), args: []string{"restart", "-n", "gif0"}, names: true},
		{name: "hostname-fifo-update", bad: fifo("etc/hostname.gif0"), args: []string{"update", "--timeout", "1s", "gif0"}},
		{name: "hostname-fifo-check-tunnel", before: noRemote, bad: fifo("etc/hostname.gif0"), args: []string{"check", "tunnel", "gif0"}},
		{name: "hostname-fifo-status", before: noRemote, bad: fifo("etc/hostname.gif0"), args: []string{"status"}},
		{name: "hostname-huge-restart", bad: huge("etc/hostname.gif0"), args: []string{"restart", "gif0"}, names: true},
		{name: "state-fifo-restart", bad: fifo("state/gif0.broker.json"), args: []string{"restart", "--timeout", "1s", "gif0"}, names: true},
		{name: "state-fifo-update", bad: fifo("state/gif0.broker.json"), args: []string{"update", "--timeout", "1s", "gif0"}, names: true},
		{name: "state-fifo-status", bad: fifo("state/gif0.broker.json"), args: []string{"status"}},
		{name: "state-huge-update", bad: huge("state/gif0.broker.json"), args: []string{"update", "gif0"}, names: true},
		{name: "ca-fifo-update", bad: fifo("ca.pem"), args: []string{"update", "--timeout", "1s", "gif0"}, names: true},
		{name: "ca-huge-update", bad: huge("ca.pem"), args: []string{"update", "gif0"}, names: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, "198.51.100.7")
			if tt.before != nil {
				tt.before(w)
			}
			bad := tt.bad(w)
			run := w.start(tt.args...)
			r, took, hung := run.waitWithin(bound)
			tally.Add(1)
			t.Logf("gifctl %s: exit %d after %v\n%s", strings.Join(tt.args, " "), r.code, took, r.stderr)
			if hung {
				t.Fatalf("gifctl %s with %s: still running after %v, killed", strings.Join(tt.args, " "), bad, bound)
			}
			if tt.names && (r.code == 0 || !strings.Contains(r.stderr, bad)) {
				t.Errorf("gifctl %s with %s: exit %d, want a failure naming the file", strings.Join(tt.args, " "), bad, r.code)
			}
			if rss := run.maxRSS(); rss > maxRSS {
				t.Errorf("gifctl %s with %s: peak memory %d MiB, want under %d", strings.Join(tt.args, " "), bad, rss>>20, maxRSS>>20)
			}
		})
	}
}

// TestReliabilityUnusableStateDir gives a true check a state-dir it
// cannot write: the answer is the kernel's all the same, and the failure
// to record it is logged; restart says "read-only file system", not that
// it needs root.
func TestReliabilityUnusableStateDir(t *testing.T) {
	t.Parallel()
	tally := faults.Track(t, "file trust", "a state-dir on a read-only file system, missing below one, or below a regular file, for a true `check tunnel`; restart with a read-only state-dir",
		"the check answers true (exit 0) and logs, without -v, why its result was not recorded; restart exits non-zero saying \"read-only file system\", not \"need root\"")
	w := newWorld(t, "198.51.100.7")
	w.mustRun("restart", "gif0")
	ro := w.mountTmpfs("ro", "ro,mode=0700")
	state := filepath.Join(w.dir, "state")
	cur := state
	use := func(dir string) {
		w.editConf(`set state-dir "`+cur+`"`, `set state-dir "`+dir+`"`)
		cur = dir
	}
	for _, tt := range []struct{ dir, want string }{
		{ro, "read-only file system"},
		{filepath.Join(ro, "state"), "read-only file system"},
		{filepath.Join(w.dir, "etc", "pf.conf", "state"), "not a directory"},
	} {
		use(tt.dir)
		r, _, hung := w.start("check", "tunnel", "gif0").waitWithin(10 * time.Second)
		tally.Add(1)
		if hung || r.code != 0 || !strings.Contains(r.stderr, tt.dir) || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("check tunnel with state-dir %s: exit %d\n%s\nwant exit 0 and a line naming the directory and %q", tt.dir, r.code, r.stderr, tt.want)
		}
	}
	use(ro)
	r, _, hung := w.start("restart", "gif0").waitWithin(10 * time.Second)
	tally.Add(1)
	if hung || r.code == 0 || strings.Contains(r.stderr, "need root") || !strings.Contains(r.stderr, "read-only file system") {
		t.Errorf("restart with a read-only state-dir: exit %d\n%s\nwant a failure saying \"read-only file system\", not \"need root\"", r.code, r.stderr)
	}
}

// TestReliabilityHostnameLink makes hostname.IF a symbolic link: restart
// refuses it, naming the link, and neither the link nor its target
// changes.
func TestReliabilityHostnameLink(t *testing.T) {
	t.Parallel()
	tally := faults.Track(t, "file trust", "hostname.IF a symbolic link to a file with a stale tunnel line (restart, restart -n)",
		"exit 1 naming the link; the link and its target unchanged; netstart not run")
	w := newWorld(t, "198.51.100.7")
	target := "inet6 2001:db8:1::2 128\ndest 2001:db8:1::1\ntunnel 198.51.100.1 " + remote + "\nup\n"
	w.write("etc/real.gif0", target, 0o640)
	link := filepath.Join(w.dir, "etc", "hostname.gif0")
	if err := os.Symlink(filepath.Join(w.dir, "etc", "real.gif0"), link); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"restart", "gif0"}, {"restart", "-n", "gif0"}} {
		r, _, hung := w.start(args...).waitWithin(10 * time.Second)
		tally.Add(1)
		if hung || r.code != 1 || !strings.Contains(r.stderr, link) {
			t.Errorf("gifctl %s with hostname.gif0 a link: exit %d\n%s\nwant exit 1 naming %s", strings.Join(args, " "), r.code, r.stderr, link)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("gifctl %s replaced the link", strings.Join(args, " "))
		}
		if got := w.read("etc/real.gif0"); got != target {
			t.Errorf("gifctl %s changed the link's target:\n%s", strings.Join(args, " "), got)
		}
		for _, c := range w.calls() {
			if strings.HasPrefix(c, "netstart") {
				t.Errorf("gifctl %s ran %s", strings.Join(args, " "), c)
			}
		}
	}
}
