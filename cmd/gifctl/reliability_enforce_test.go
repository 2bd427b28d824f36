package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/faults"
	"github.com/gifctl/gifctl/internal/sim/relay"
)

// Every run of gifctl in these tests has its plan enforced (Landlock and
// seccomp, see bsd's sandbox_linux.go): a plan that misses a path or a
// promise a run needs fails that run, and the order of main (sockets and
// ioctls before the sandbox) is checked by the same runs. The test below
// shows the enforcement bites: it leaves each promise and each path out
// of each plan in turn, and the run that uses the plan must then fail.

// planRun is the cheapest run of gifctl that uses a plan: the world it
// runs in, made fresh for every run, and its command line.
type planRun struct {
	world func(t *testing.T) *world
	args  []string
	code  int // the exit status of the run with its whole plan
}

const (
	peer4 = "198.51.100.200" // em0's peer end, in the same namespace
	peer6 = "2001:db8:1::1"  // the tunnel's far inner address, likewise
)

// planRuns has a run for every plan of bsd's table; a plan without one
// fails TestReliabilityEnforcedPlans.
var planRuns = map[string]planRun{
	"configtest":     {world: freshWorld, args: []string{"-n"}},
	"ifstated":       {world: freshWorld, args: []string{"ifstated"}},
	"status":         {world: restartedWorld, args: []string{"status"}},
	"doctor":         {world: restartedWorld, args: []string{"doctor"}, code: 1}, // this world has no gif0
	"check-tunnel":   {world: restartedWorld, args: []string{"check", "tunnel", "gif0"}},
	"check-ipv4":     {world: peerWorld, args: []string{"check", "ipv4", "--timeout=2s", peer4}},
	"check-ipv6":     {world: peerWorld, args: []string{"check", "ipv6", "--timeout=2s", peer6}},
	"heartbeat":      {world: heartbeatWorld, args: []string{"heartbeat", "gif0"}},
	"update":         {world: freshWorld, args: []string{"update"}},
	"restart":        {world: freshWorld, args: []string{"restart"}},
	"restart-egress": {world: leaseWorld, args: []string{"restart", "--egress"}},
	"watch":          {world: watchWorld, args: []string{"-v", "watch", "--once", "--gifctl", "DIR/gifctl"}},
}

// notExercised says, for a promise or path (or "PLAN ITEM" for one plan
// only), why leaving it out changes nothing in these runs on Linux; the
// run must then still succeed. Anything else left out must make it fail.
var notExercised = map[string]string{
	"unix": "only a reconnection to syslogd after the sandbox needs it; the logger connects before",
	"check-ipv4 inet": "the ICMP socket is opened before the sandbox, and pledge_sendit lets a sendto(2) with an " +
		"address through under any of inet, unix or dns: the plan has unix (for syslog)",
	"check-ipv6 inet": "as for check-ipv4",
	"doctor inet":     "as for check-ipv4",
	"heartbeat inet":  "the UDP socket is opened before the sandbox; its sendto(2) passes under unix, as for check-ipv4",
	"dns": "Go's resolver opens plain inet sockets, which pledge counts under inet (no SOCK_DNS); " +
		"the interface list it also grants is under inet too",
	"/dev/log":         "Landlock below ABI 9 does not govern connect(2) to a socket, and syslog is connected before the sandbox",
	"/etc/resolv.conf": "the test broker is addressed by IP: no name is looked up",
	"/etc/hosts":       "the test broker is addressed by IP: no name is looked up",
	"/usr/libexec/ld.so": "OpenBSD's ELF interpreter: absent on Linux, where the loader of what gifctl starts " +
		"is named by GIFCTL_SANDBOX_EXEC instead",
	"watch DIR/gifctl.conf": "watch reads it again only on SIGHUP, which a --once run does not get",
}

// worldNeeds are the items whose absence fails the run for the test
// world's sake, not gifctl's.
var worldNeeds = map[string]string{
	"restart unix": "gifctl itself needs it only to reconnect to syslogd; restart's children here are the relay's " +
		"client, which runs under gifctl's filter and connects a unix socket",
	"restart-egress unix": "as for restart",
	"doctor unix":         "as for restart: its pfctl here is the relay's client",
	"watch unix":          "as for restart: the wrapped ifconfig and gifctl are the relay's client",
}

func freshWorld(t *testing.T) *world { return newWorld(t, "198.51.100.7") }

func restartedWorld(t *testing.T) *world {
	w := freshWorld(t)
	w.mustRun("restart")
	return w
}

func peerWorld(t *testing.T) *world {
	w := freshWorld(t)
	w.ns.AddAddr("em0peer", peer4+"/24")
	w.ns.IP("addr", "add", "2001:db8:1::2/64", "dev", "em0", "nodad")
	w.ns.IP("addr", "add", peer6+"/64", "dev", "em0peer", "nodad")
	return w
}

func heartbeatWorld(t *testing.T) *world {
	w := peerWorld(t)
	text := w.read("gifctl.conf")
	text = strings.Replace(text, "remote "+remote, "remote "+peer4, 1)
	w.writeConf(strings.Replace(text, "mtu 1480", "mtu 1480\n\theartbeat \"hartslag\"", 1))
	return w
}

// leaseWorld is the no_ipv4 path: em0 lost its address, and netstart em0
// will get one.
func leaseWorld(t *testing.T) *world {
	w := restartedWorld(t)
	w.ns.IP("addr", "flush", "dev", "em0")
	w.write("lease.em0", "198.51.100.77/24", 0o644)
	return w
}

// watchWorld has no tunnel yet, so watch --once restarts it, through
// DIR/gifctl: the relay's client, as the stand-ins are, since the restart
// would otherwise run under watch's sandbox, which OpenBSD's execve drops.
func watchWorld(t *testing.T) *world {
	w := freshWorld(t)
	w.relayGifctl()
	return w
}

// worldPlan is the plan gifctl gives itself in w for name.
func worldPlan(t *testing.T, w *world, name string) bsd.Plan {
	c, err := config.Load(w.conf)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := bsd.PlanFor(name, bsd.Paths{HostnameDir: c.HostnameDir, StateDir: c.StateDir, Netstart: c.Netstart,
		Pfctl: c.Pfctl, Ifconfig: c.Ifconfig, PfConf: c.PfConf, CAFile: c.CAFile,
		Config: w.conf, Gifctl: filepath.Join(w.dir, "gifctl")})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// outcome is a run as these tests compare it: its exit status, its lines
// of output (sorted, once each), the world's directory written DIR, and
// numbers written N on stdout (status shows times and ages) and where
// they name a temporary file on stderr.
func outcome(w *world, r result) (code int, lines []string) {
	digits, random := regexp.MustCompile(`[0-9]+`), regexp.MustCompile(`[0-9]{6,}`)
	out := random.ReplaceAllString(strings.ReplaceAll(r.stderr, w.dir, "DIR"), "N") +
		digits.ReplaceAllString(strings.ReplaceAll(r.stdout, w.dir, "DIR"), "N")
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	slices.Sort(lines)
	return r.code, slices.Compact(lines)
}

// dropped runs gifctl in w with item left out of its plan. A gifctl killed
// by a signal says so on stderr, where the signal is named.
func (w *world) dropped(item string, args ...string) result {
	w.t.Helper()
	argv := append([]string{"netns", "exec", w.ns.Name, gifctlBinary, "-c", w.conf}, args...)
	cmd := exec.Command("ip", argv...)
	env := slices.Clone(w.env)
	if item == relay.Shell {
		// The world lets every plan start the stand-ins' interpreter;
		// not the run that shows restart's plan needs it.
		for i, e := range env {
			env[i] = strings.Replace(e, ":"+relay.Shell+":", ":", 1)
		}
	}
	cmd.Env = append([]string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "GIFCTL_SANDBOX_DROP=" + item}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
		if ws := ee.Sys().(syscall.WaitStatus); ws.Signaled() {
			fmt.Fprintf(&stderr, "killed by %s\n", unix.SignalName(ws.Signal()))
		}
	} else if err != nil {
		w.t.Fatal(err)
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

func TestReliabilityEnforcedPlans(t *testing.T) {
	for _, name := range bsd.Commands {
		run, ok := planRuns[name]
		if !ok {
			t.Errorf("plan %s: no run in planRuns uses it", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := run.world(t)
			args := strings.Fields(strings.ReplaceAll(strings.Join(run.args, " "), "DIR", w.dir))
			base := w.gifctl(nil, args...)
			if base.code != run.code {
				t.Fatalf("gifctl %s with its whole plan: exit %d\n%s", strings.Join(run.args, " "), base.code, base.stderr)
			}
			wantCode, wantLines := outcome(w, base)
			plan := worldPlan(t, w, name)
			items := strings.Fields(plan.Promises)
			for _, u := range plan.Unveil {
				items = append(items, strings.ReplaceAll(u.Path, w.dir, "DIR"))
			}
			for _, item := range items {
				t.Run(item, func(t *testing.T) {
					t.Parallel()
					why, ok := notExercised[name+" "+item]
					if !ok {
						why = notExercised[item]
					}
					held := "the run breaks: killed, another exit status, or an error it did not have"
					if need := worldNeeds[name+" "+item]; need != "" {
						held, why = "the run breaks, for the test world's sake: "+need, ""
					} else if why != "" {
						held = "not exercised on Linux: " + why
					}
					tally := faults.Track(t, "sandbox plans", fmt.Sprintf("plan %s without %s (`gifctl %s`)", name, item, strings.Join(run.args, " ")), held)
					tally.Add(1)
					w := run.world(t)
					args := strings.Fields(strings.ReplaceAll(strings.Join(run.args, " "), "DIR", w.dir))
					code, lines := outcome(w, w.dropped(strings.ReplaceAll(item, "DIR", w.dir), args...))
					var changed []string
					for _, l := range lines {
						if !slices.Contains(wantLines, l) {
							changed = append(changed, l)
						}
					}
					same := code == wantCode && slices.Equal(lines, wantLines)
					seen := fmt.Sprintf("exit %d", code)
					if len(changed) > 0 {
						seen += ": " + strings.Join(changed, "; ")
					}
					tally.Note("%s", seen)
					switch {
					case why == "" && same:
						t.Errorf("plan %s without %s: the run did as well as with it (exit %d)", name, item, code)
					case why != "" && !same:
						t.Errorf("plan %s without %s, said not to matter on Linux: exit %d, %q; with it exit %d, %q", name, item, code, lines, wantCode, wantLines)
					}
				})
			}
		})
	}
}
