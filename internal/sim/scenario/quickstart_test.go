package scenario

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/sim"
	"github.com/gifctl/gifctl/internal/sim/ifstatedsim"
	"github.com/gifctl/gifctl/internal/sim/netns"
)

// quickStart returns the commands typed at a root prompt ("# ") in the
// README's quick start, in order.
func quickStart(t *testing.T) []string {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Quick start on OpenBSD\n")
	if !ok {
		t.Fatal("README.md: no section Quick start on OpenBSD")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var cmds []string
	for _, l := range strings.Split(section, "\n") {
		if c, ok := strings.CutPrefix(strings.TrimSpace(l), "# "); ok {
			cmds = append(cmds, strings.Split(c, " && ")...)
		}
	}
	return cmds
}

// TestQuickStart follows the README's quick start in the simulated router,
// each step that can run there: the router's files stand for /etc, the
// stand-ins for pfctl, ifstatedsim for ifstated and rcctl. Then the ISP
// changes the address and IPv6 must come back.
func TestQuickStart(t *testing.T) {
	lab := netns.NewForTest(t)
	prog, err := sim.SelfProgram()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	gifctl := gifctlBinary(t)
	w, err := Start(ctx, lab, Options{Program: prog, Gifctl: gifctl, Dir: t.TempDir(), Scale: testScale, ByHand: true})
	t.Cleanup(func() {
		w.Stop()
		if t.Failed() || testing.Verbose() {
			t.Logf("events:\n%s", w.Events())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(w.Conf)
	if err != nil {
		t.Fatal(err)
	}
	etc := strings.NewReplacer("/etc/", w.Dir+"/etc/")
	run := func(cmd string) Run {
		t.Helper()
		code, err := w.Shell(ctx, cmd)
		if err != nil || code != 0 {
			t.Fatalf("%s: exit %d, %v", cmd, code, err)
		}
		runs := w.Runs(cmd)
		return runs[len(runs)-1]
	}
	steps := quickStart(t)
	done := 0
	for _, step := range steps {
		argv := strings.Fields(step)
		switch {
		case argv[0] == "install" && strings.HasPrefix(argv[len(argv)-2], "/usr/local/share/examples/gifctl/"),
			argv[0] == "vi":
			// The World wrote gifctl.conf; the sample it comes from is
			// checked by internal/doccheck.
		case argv[0] == "pfctl":
			run(c.Pfctl + " " + etc.Replace(strings.Join(argv[1:], " ")))
		case argv[0] == "gifctl" && argv[1] == "ifstated":
			run(w.Gifctl("ifstated --gifctl "+gifctl) + " " + etc.Replace(strings.Join(argv[2:], " ")))
		case argv[0] == "gifctl":
			r := run(w.Gifctl(strings.Join(argv[1:], " ")))
			if step == "gifctl -n" && !strings.Contains(r.Output, "configuration OK") {
				t.Errorf("%s: %s", step, r.Output)
			}
			if step == "gifctl restart gif0" {
				if _, err := w.WaitIPv6(ctx, time.Now(), 15*time.Second); err != nil {
					t.Fatalf("after %s: %v", step, err)
				}
			}
		case argv[0] == "ifstated" && argv[1] == "-n":
			path := etc.Replace(argv[len(argv)-1])
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ifstatedsim.Parse(path, text); err != nil {
				t.Fatalf("%s: %v", step, err)
			}
		case argv[0] == "mv":
			run(etc.Replace(step))
		case step == "rcctl restart ifstated":
			if err := w.RunIfstated(ctx, w.Dir+"/etc/ifstated.conf"); err != nil {
				t.Fatal(err)
			}
		case argv[0] == "rcctl", argv[0] == "grep":
			// Enabling a daemon at boot; reading the system log.
		default:
			t.Fatalf("README quick start: a step this test does not know how to follow: %q", step)
		}
		done++
	}
	if done < 10 {
		t.Fatalf("README quick start: only %d steps: %q", done, steps)
	}
	if _, err := AddressChange(ctx, w, 30*time.Second); err != nil {
		t.Fatal(err)
	}
}
