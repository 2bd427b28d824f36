package main

import (
	"bufio"
	"net/netip"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// daemon is a `gifctl watch` running in the world's namespace with its
// plan enforced, its restarts run through the relay (see watchWorld), its
// log read line by line.
type daemon struct {
	t     *testing.T
	cmd   *exec.Cmd
	lines chan string
	seen  []string
}

func (w *world) watch(args ...string) *daemon {
	w.t.Helper()
	argv := append([]string{"netns", "exec", w.ns.Name, gifctlBinary, "-c", w.conf, "-v", "watch", "--gifctl", w.relayGifctl()}, args...)
	d := &daemon{t: w.t, cmd: exec.Command("ip", argv...), lines: make(chan string, 1000)}
	d.cmd.Env = append([]string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}, w.env...)
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		w.t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	go func() {
		s := bufio.NewScanner(stderr)
		for s.Scan() {
			d.lines <- s.Text()
		}
		close(d.lines)
	}()
	w.t.Cleanup(func() {
		d.cmd.Process.Kill()
		d.cmd.Wait()
	})
	return d
}

// await reads the log until a line containing s.
func (d *daemon) await(s string) {
	d.t.Helper()
	limit := time.After(time.Minute) // a guard against a hang, not a measurement
	for {
		select {
		case l, ok := <-d.lines:
			if !ok {
				d.t.Fatalf("watch exited before logging %q; it logged:\n%s", s, strings.Join(d.seen, "\n"))
			}
			d.seen = append(d.seen, l)
			if strings.Contains(l, s) {
				return
			}
		case <-limit:
			d.t.Fatalf("watch did not log %q; it logged:\n%s", s, strings.Join(d.seen, "\n"))
		}
	}
}

// TestWatch runs the daemon through a renumbering, a bad and a good
// SIGHUP, and SIGTERM.
func TestWatch(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	w.mustRun("restart", "gif0")
	d := w.watch()
	d.await("gif0: source is em0's address")
	w.calls()

	w.renumber("198.51.100.7", "198.51.100.99")
	d.await("gif0: tunnel source 198.51.100.7 is not em0's address (198.51.100.99): gifctl restart gif0")
	d.await("gif0: restart done")
	if got, _ := w.broker.Endpoint(tunnelID); got != netip.MustParseAddr("198.51.100.99") {
		t.Errorf("broker has %s after the renumbering, want 198.51.100.99", got)
	}
	if n := w.updates(); n != 2 {
		t.Errorf("%d broker updates, want 2: one restart for the renumbering", n)
	}
	w.mustRun("check", "tunnel", "gif0")

	// The lease is lost: nothing is restarted until it is back.
	w.ns.IP("addr", "del", "198.51.100.99/24", "dev", "em0")
	d.await("em0: no IPv4 address: no restart of gif0 until em0 has an IPv4 address")
	w.ns.AddAddr("em0", "198.51.100.99/24")
	d.await("gif0: source is em0's address")

	good := w.read("gifctl.conf")
	w.write("gifctl.conf", good+"bogus\n", 0o600)
	d.cmd.Process.Signal(syscall.SIGHUP)
	d.await("keeping the configuration read before")
	w.write("gifctl.conf", good, 0o600)
	d.cmd.Process.Signal(syscall.SIGHUP)
	d.await("configuration reloaded")
	d.await("gif0: source is em0's address")

	d.cmd.Process.Signal(syscall.SIGTERM)
	d.await("stopped")
	if err := d.cmd.Wait(); err != nil {
		t.Errorf("watch after SIGTERM: %v, want exit 0", err)
	}
	if n := w.updates(); n != 2 {
		t.Errorf("%d broker updates in all, want 2", n)
	}
	t.Logf("watch logged:\n%s", strings.Join(d.seen, "\n"))
}
