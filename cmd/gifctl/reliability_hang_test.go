package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/broker/brokertest"
	"github.com/gifctl/gifctl/internal/faults"
	"github.com/gifctl/gifctl/internal/sim/netns"
)

// hangTimeout is the --timeout of every hang test; hangMargin is how much
// longer gifctl may take to kill, clean up and exit.
const (
	hangTimeout = time.Second
	hangMargin  = 1500 * time.Millisecond
)

// TestReliabilityHangs makes one step of a restart (or of update, or of
// check tunnel) never finish, and wants gifctl to end within its deadline,
// exit 1 naming the step, and leave no process of the step running.
func TestReliabilityHangs(t *testing.T) {
	const (
		held      = "exit 1 within the deadline + 1.5 s; the error names the step"
		heldProcs = held + "; the step's whole process group (the stand-in and its sleeping child, from their pid file) is gone"
		heldURL   = held + " (gif0: broker update: URL, key masked)"
	)
	for _, tt := range []struct {
		name  string
		fault string
		setup func(w *world)
		args  []string
		limit time.Duration // the command's deadline
		want  []string      // in stderr
		procs bool          // the step runs processes
	}{{
		name:  "netstart",
		fault: "netstart never returns (its child sleeps forever)",
		setup: func(w *world) { w.flag("netstart.hang", "1") },
		args:  []string{"restart", "--timeout", "1s", "gif0"},
		want:  []string{"gifctl: DIR/netstart gif0: timed out after "},
		procs: true,
	}, {
		name:  "pfctl",
		fault: "pfctl -n never returns",
		setup: func(w *world) { w.flag("pfctl.hang", "1") },
		args:  []string{"restart", "--timeout", "1s", "gif0"},
		want:  []string{"gifctl: DIR/etc/pf.conf: not loaded: DIR/pfctl -n -f DIR/etc/pf.conf: timed out after "},
		procs: true,
	}, {
		name:  "ifconfig",
		fault: "ifconfig never returns, under `check tunnel` (3 s bound)",
		setup: func(w *world) { w.mustRun("restart", "gif0"); w.flag("ifconfig.hang", "1") },
		args:  []string{"-v", "check", "tunnel", "gif0"},
		limit: tunnelCheckTimeout,
		want:  []string{"gifctl: DIR/ifconfig gif0: timed out after "},
		procs: true,
	}, {
		name:  "broker-hang",
		fault: "broker accepts the connection and never answers",
		setup: func(w *world) { w.useBroker(brokertest.Options{}).SetMode(brokertest.Hang) },
		args:  []string{"restart", "--timeout", "1s", "gif0"},
		want:  []string{"gifctl: gif0: broker update: https://alice:*****@127.0.0.1:"},
	}, {
		name:  "broker-trickle",
		fault: "broker answers one byte every 0.1 s, forever",
		setup: func(w *world) {
			w.useBroker(brokertest.Options{TrickleEvery: 100 * time.Millisecond}).SetMode(brokertest.Trickle)
		},
		args: []string{"restart", "--timeout", "1s", "gif0"},
		want: []string{"gifctl: gif0: broker update: https://alice:*****@127.0.0.1:", "/nic/update?hostname=123456: reading the answer: context deadline exceeded"},
	}, {
		name:  "broker-hang-update",
		fault: "broker never answers, under `update`",
		setup: func(w *world) { w.useBroker(brokertest.Options{}).SetMode(brokertest.Hang) },
		args:  []string{"update", "--timeout", "1s", "gif0"},
		want:  []string{"gifctl: gif0: broker update: https://alice:*****@127.0.0.1:"},
	}, {
		name:  "dns",
		fault: "the broker's name never resolves: the name server gets the query and stays silent",
		setup: silentDNS,
		args:  []string{"restart", "--timeout", "1s", "gif0"},
		want:  []string{"gifctl: gif0: broker update: https://alice:*****@broker.gifctl.test/nic/update?hostname=123456: "},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, "198.51.100.7").reliable()
			w.killLeftovers()
			h := heldURL
			if tt.procs {
				h = heldProcs
			}
			tally := faults.Track(t, "hangs", tt.fault, h)
			tt.setup(w)
			limit := tt.limit
			if limit == 0 {
				limit = hangTimeout
			}
			r, took := w.start(tt.args...).wait()
			tally.Add(1)
			t.Logf("gifctl %s: exit %d after %v\n%s", strings.Join(tt.args, " "), r.code, took, r.stderr)
			if r.code != 1 {
				t.Errorf("exit %d, want 1", r.code)
			}
			if took < limit-100*time.Millisecond || took > limit+hangMargin {
				t.Errorf("took %v, want %v to %v", took, limit, limit+hangMargin)
			}
			for _, want := range tt.want {
				if want = strings.ReplaceAll(want, "DIR", w.dir); !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q", want)
				}
			}
			pids := w.standinPids()
			if tt.procs && len(pids) != 2 {
				t.Errorf("stand-in wrote pids %v, want itself and its child", pids)
			}
			if left := alive(pids, 200*time.Millisecond); len(left) > 0 {
				t.Errorf("processes %v outlived gifctl", left)
			}
			tally.Note("%v", took.Round(100*time.Millisecond))
		})
	}
}

// silentDNS points update-url at a name that only DNS could resolve, and
// the namespace's resolv.conf at a name server that reads every query
// and never answers. ip netns exec bind-mounts /etc/netns/NAME/resolv.conf
// over /etc/resolv.conf, for gifctl only.
func silentDNS(w *world) {
	t := w.t
	w.netnsEtc("resolv.conf", "nameserver 127.0.0.53\noptions timeout:30 attempts:1\n")
	var conn net.PacketConn
	w.ns.IP("addr", "add", "127.0.0.53/8", "dev", "lo")
	if err := w.ns.Do(func() (err error) { conn, err = net.ListenPacket("udp", "127.0.0.53:53"); return err }); err != nil {
		t.Fatal(err)
	}
	var queries atomic.Int32
	go func() {
		buf := make([]byte, 1500)
		for {
			if _, _, err := conn.ReadFrom(buf); err != nil {
				return
			}
			queries.Add(1)
		}
	}()
	t.Cleanup(func() {
		conn.Close()
		if queries.Load() == 0 {
			t.Errorf("the silent name server got no query: the test proves nothing")
		}
	})
	w.setURL(fmt.Sprintf("https://%s:%s@broker.gifctl.test/nic/update?hostname=%s", user, key, tunnelID))
}

// sweepNetnsEtc removes what a killed test run left in /etc/netns: the
// directories of this project's namespaces that no longer exist (NewTestNS
// sweeps the namespaces of dead test processes before it makes one).
func sweepNetnsEtc() {
	entries, _ := os.ReadDir("/etc/netns")
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), netns.Prefix) {
			continue
		}
		if _, err := os.Stat(filepath.Join("/run/netns", e.Name())); os.IsNotExist(err) {
			os.RemoveAll(filepath.Join("/etc/netns", e.Name()))
		}
	}
}
