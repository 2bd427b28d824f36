package scenario

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gifctl/gifctl/ifstated"
	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/sim"
	"github.com/gifctl/gifctl/internal/sim/gifsim"
	"github.com/gifctl/gifctl/internal/sim/ifstatedsim"
	"github.com/gifctl/gifctl/internal/sim/netns"
	"github.com/gifctl/gifctl/internal/sim/relay"
	"github.com/gifctl/gifctl/internal/sim/standin"
)

// The broker account the router's gifctl.conf uses.
const (
	TunnelID = "123456"
	User     = "alice"
)

// Options configure a World.
type Options struct {
	Program sim.Program // gifsim: the stand-ins, the gif daemons, the broker
	Gifctl  string      // the gifctl binary under test, an absolute path
	Dir     string      // an empty directory for the World's files
	// Scale makes ifstated's clock run that many times faster than the
	// wall clock (see scaledClock); 0 or 1 is real time, as in the demo.
	Scale float64
	// Live, when set, gets every event as it happens.
	Live io.Writer
	// ByHand leaves the first restart and ifstated to the caller, which
	// follows the README's quick start (RunIfstated starts ifstated).
	ByHand bool
	// Watch runs the router as the README's last steps set it up: gifctl
	// watch as a daemon, and ifstated with what `gifctl ifstated --watch`
	// prints, which has no check tunnel.
	Watch bool
}

// World is one simulated router under gifctl and ifstated, its ISP and its
// broker's PoP, built in a Lab.
type World struct {
	Lab          *netns.Lab
	Dir          string
	Conf         string // gifctl.conf
	IfstatedConf string // what `gifctl ifstated` prints for Conf; the Machine runs it
	Key          string // the update key: a secret that must never show
	Broker       *gifsim.BrokerControl
	RouterCtl    string // the router's gif control directory (and leases)
	PoPCtl       string

	opts  Options
	env   []string      // what the World runs in the router gets (Shell)
	relay *relay.Server // runs the stand-ins outside gifctl's sandbox
	ev    *Events
	runs  runs

	watch     *netns.Process // gifctl watch, with Options.Watch
	watchStop sync.Once
	watchErr  error // how it stopped

	mu          sync.Mutex
	state       string   // ifstated's current state
	wellChecks  []string // the gifctl checks of its start state, auto
	changes     int      // state changes, the initial one included
	changed     time.Time
	stopMachine context.CancelFunc
	machineDone chan struct{}
}

// Start builds the World in lab: files, stand-ins, the PoP's gif and
// broker, the router's first `gifctl restart` (the admin's one-time step),
// with Options.Watch gifctl watch, and ifstated (the generated file, run
// by ifstatedsim.Machine), and returns once ifstated is in state auto with
// every check true. Stop ends ifstated and watch; closing lab ends the rest. On error the World returned is
// stopped, and useful only for its Events.
func Start(ctx context.Context, lab *netns.Lab, opts Options) (*World, error) {
	if opts.Scale <= 0 {
		opts.Scale = 1
	}
	w := &World{
		Lab:       lab,
		Dir:       opts.Dir,
		Conf:      filepath.Join(opts.Dir, "gifctl.conf"),
		RouterCtl: filepath.Join(opts.Dir, "ctl", "router"),
		PoPCtl:    filepath.Join(opts.Dir, "ctl", "pop"),
		opts:      opts,
		ev:        newEvents(opts.Live),
	}
	w.ev.short = strings.NewReplacer(opts.Dir+"/", "$SIM/", opts.Dir, "$SIM")
	key := make([]byte, 10)
	rand.Read(key)
	w.Key = hex.EncodeToString(key)
	steps := []func(context.Context) error{w.files, w.startPoP, w.firstRestart}
	if opts.Watch {
		steps = append(steps, w.startWatch)
	}
	steps = append(steps, w.startIfstated)
	if opts.ByHand {
		steps = steps[:2]
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			w.Stop()
			return w, err
		}
	}
	return w, nil
}

// Events is the World's log.
func (w *World) Events() *Events { return w.ev }

// Logf adds an event of the simulation itself.
func (w *World) Logf(format string, args ...any) { w.ev.Addf("sim", format, args...) }

func (w *World) path(name string) string { return filepath.Join(w.Dir, name) }

// files writes what an OpenBSD router would have in /etc, the stand-ins
// for its tools, and gifctl.conf.
func (w *World) files(ctx context.Context) error {
	for _, d := range []string{"etc", "state", "ctl/router", "ctl/pop"} {
		if err := os.MkdirAll(w.path(d), 0o700); err != nil {
			return err
		}
	}
	if err := standin.Write(w.Dir, standin.Options{Gifsim: w.opts.Program.Command(), Ctl: w.RouterCtl}); err != nil {
		return err
	}
	files := []struct {
		name, text string
		mode       os.FileMode
	}{
		{"etc/pf.conf", "pass\n", 0o600},
		// The egress gets its address from the ISP by DHCP.
		{"etc/hostname.em0", "dhcp\n", 0o640},
		{"gifctl.conf", w.gifctlConf(), 0o600},
	}
	for _, f := range files {
		if err := os.WriteFile(w.path(f.name), []byte(f.text), f.mode); err != nil {
			return err
		}
	}
	// gifctl runs with its sandbox plans enforced.
	srv, env, err := relay.Enforce(w.Dir, w.opts.Program.Path, w.opts.Program.Env, func(args []string) *exec.Cmd {
		return w.Lab.Router.Command(context.Background(), args...)
	})
	if err != nil {
		return err
	}
	w.relay, w.env = srv, append(slices.Clone(shellEnv), env...)
	srv.Observe(w.relayed)
	w.Logf("network: router em0 %s -- isp -- %s pop; IPv6 host %s behind the pop",
		w.Lab.RouterIPv4(), netns.PoPPrefix, netns.PoPHost)
	w.Logf("the router's files are in %s: gifctl.conf, ifstated.conf, etc/, state/", w.Dir)
	return nil
}

func (w *World) gifctlConf() string {
	pop := netns.PoPPrefix.Addr()
	return fmt.Sprintf(`# gifctl.conf for the simulated router: OpenBSD's tools are stand-ins.
set hostname-dir "%[1]s/etc"
set state-dir "%[1]s/state"
set netstart "%[1]s/netstart"
set ifconfig "%[1]s/ifconfig"
set pfctl "%[1]s/pfctl"
set pf-conf "%[1]s/etc/pf.conf"
set ca-file "%[1]s/ca.pem"

check ipv4 {
	target %[2]s
	timeout 1
}
check ipv6 {
	target %[3]s
	timeout 1
}

tunnel gif0 {
	egress %[4]s
	remote %[2]s
	inet6 %[5]s peer %[6]s
	update-url "https://%[7]s:%[8]s@%[2]s/nic/update?hostname=%[9]s"
}
`, w.Dir, pop, netns.PoPHost, netns.RouterIf, sim.RouterInner6, sim.PoPInner6, User, w.Key, TunnelID)
}

// startPoP brings up the PoP's end of the tunnel, pointing at the router's
// address, and the broker, which has that address for the tunnel.
func (w *World) startPoP(ctx context.Context) error {
	if _, err := sim.StartPoP(ctx, w.Lab, w.opts.Program, w.PoPCtl); err != nil {
		return err
	}
	accounts := w.path("broker.accounts")
	line := fmt.Sprintf("%s %s %s %s\n", User, w.Key, TunnelID, w.Lab.RouterIPv4().Addr())
	if err := os.WriteFile(accounts, []byte(line), 0o600); err != nil {
		return err
	}
	sock := w.path("broker.sock")
	argv := w.opts.Program.Argv("broker",
		"-listen", netns.PoPPrefix.Addr().String()+":443",
		"-ca", w.path("ca.pem"),
		"-accounts", accounts,
		"-ctl", w.PoPCtl,
		"-gif", "gif0",
		"-control", sock)
	p, err := w.Lab.PoP.StartLogged(w.opts.Program.Env, &lineWriter{ev: w.ev, who: "pop"}, argv...)
	if err != nil {
		return err
	}
	w.Broker = gifsim.NewBrokerControl(sock)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	waited := make(chan error, 1)
	go func() { waited <- w.Broker.Wait(wctx) }()
	select {
	case err = <-waited:
	case <-p.Done():
		cancel()
		<-waited
		err = errors.New("exited")
	}
	if err != nil {
		return fmt.Errorf("broker: %w: %s", err, p.Output())
	}
	return nil
}

// Gifctl is the command line that runs gifctl with the World's
// configuration and args, as the generated ifstated.conf spells it.
func (w *World) Gifctl(args string) string {
	return w.opts.Gifctl + " -f " + w.Conf + " " + args
}

// Admin runs gifctl args in the router as the admin would, by hand.
func (w *World) Admin(ctx context.Context, args string) (Run, error) {
	cmd := w.Gifctl(args)
	w.ev.Addf("admin", "%s", cmd)
	_, err := w.Shell(ctx, cmd)
	runs := w.Runs(cmd)
	if len(runs) == 0 {
		return Run{}, err
	}
	return runs[len(runs)-1], err
}

// firstRestart is what the README's quick start has the admin do once:
// gifctl restart writes hostname.gif0 from gifctl.conf, netstart creates
// gif0, and IPv6 works through the tunnel.
func (w *World) firstRestart(ctx context.Context) error {
	r, err := w.Admin(ctx, "restart gif0")
	if err != nil {
		return err
	}
	if r.Code != 0 {
		return fmt.Errorf("first gifctl restart: exit %d: %s", r.Code, r.Output)
	}
	if _, err := w.WaitIPv6(ctx, time.Now(), 15*time.Second); err != nil {
		return fmt.Errorf("after the first restart: %w", err)
	}
	return nil
}

// startIfstated takes the ifstated.conf gifctl generates for Conf and
// runs it with ifstatedsim.Machine, every test and action executed for real
// in the router, and waits until all is well.
func (w *World) startIfstated(ctx context.Context) error {
	c, err := config.Load(w.Conf)
	if err != nil {
		return err
	}
	o := ifstated.Options{Gifctl: w.opts.Gifctl, ConfigPath: w.Conf, Watch: w.opts.Watch}
	if err := ifstated.Check(c, o); err != nil {
		return err
	}
	// The file is what the admin installs: the output of gifctl
	// ifstated, which must be ifstated.Render's for the configuration.
	args := []string{"-c", w.Conf, "ifstated", "--gifctl", w.opts.Gifctl}
	if w.opts.Watch {
		args = append(args, "--watch")
	}
	cmd := exec.CommandContext(ctx, w.opts.Gifctl, args...)
	cmd.Env = w.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	text, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("gifctl ifstated: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	if !bytes.Equal(text, ifstated.Render(c, o)) {
		return errors.New("gifctl ifstated prints another file than ifstated.Render")
	}
	if err := os.WriteFile(w.path("ifstated.conf"), text, 0o644); err != nil {
		return err
	}
	return w.RunIfstated(ctx, w.path("ifstated.conf"))
}

// RunIfstated runs the ifstated.conf at path, as rcctl start ifstated
// would, and waits until all is well.
func (w *World) RunIfstated(ctx context.Context, path string) error {
	text, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	w.IfstatedConf = path
	f, err := ifstatedsim.Parse(w.IfstatedConf, text)
	if err != nil {
		return err
	}
	w.Logf("ifstated's tests: %s", strings.Join(w.tests(f), ", "))
	var checks []string
	for _, e := range f.StartExternals() {
		if strings.Contains(e.Command, " check ") {
			checks = append(checks, e.Command)
		}
	}
	w.mu.Lock()
	w.wellChecks = checks
	w.mu.Unlock()
	m := ifstatedsim.NewMachine(f)
	m.Exec = w.Shell
	m.Clock = scaledClock{start: time.Now(), scale: w.opts.Scale}
	m.Logf = w.ifstatedLog
	speed := ""
	if w.opts.Scale != 1 {
		speed = fmt.Sprintf(", its clock %g times faster than real time", w.opts.Scale)
	}
	prints := "gifctl ifstated"
	if w.opts.Watch {
		prints += " --watch"
	}
	w.Logf("ifstated runs %s, what %s prints%s", w.IfstatedConf, prints, speed)
	mctx, cancel := context.WithCancel(context.Background())
	w.mu.Lock()
	w.stopMachine, w.machineDone = cancel, make(chan struct{})
	done := w.machineDone
	w.mu.Unlock()
	go func() {
		defer close(done)
		m.Run(mctx)
	}()
	return w.WaitFor(ctx, 30*time.Second, "ifstated in state auto, every check true", w.AllWell)
}

// tests lists the file's external tests with their intervals, gifctl's
// written short.
func (w *World) tests(f *ifstatedsim.File) []string {
	acts := [][]*ifstatedsim.Action{f.Global}
	for _, s := range f.States {
		acts = append(acts, s.Init, s.Body)
	}
	var out []string
	for _, e := range ifstatedsim.Externals(acts...) {
		out = append(out, fmt.Sprintf("%q every %d", strings.TrimPrefix(e.Command, w.Gifctl("")), e.Every))
	}
	return out
}

// ifstatedLog takes the Machine's log: every line is an event, and state
// changes are remembered.
func (w *World) ifstatedLog(format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	for _, prefix := range []string{"initial state: ", "changing state to "} {
		if s, ok := strings.CutPrefix(text, prefix); ok && prefix != "initial state: " {
			w.mu.Lock()
			w.state, w.changed = s, time.Now()
			w.changes++
			w.mu.Unlock()
		}
	}
	w.ev.add("ifstated", text)
}

// State is ifstated's current state.
func (w *World) State() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.state
}

// AllWell says whether ifstated is in state auto and the last run of each
// gifctl check auto runs was true (tunnel, ipv4 and ipv6; with
// Options.Watch, ipv6 alone), and gifctl watch, with Options.Watch, runs
// and has no restart under way.
func (w *World) AllWell() bool {
	if w.State() != "auto" {
		return false
	}
	if w.opts.Watch && (w.watch == nil || w.watch.Exited() || w.watchBusy()) {
		return false
	}
	w.mu.Lock()
	checks := w.wellChecks
	w.mu.Unlock()
	for _, check := range checks {
		r := w.Runs(check)
		if len(r) == 0 || r[len(r)-1].Code != 0 {
			return false
		}
	}
	return true
}

// settleTime is how long, in ifstated's time, it may ignore changes after
// it came back to a state: until each of the state's tests has reported
// again, the slowest every 30 s (see eval in package ifstated). A change
// in that time is noted but acted on only when another test changes or
// the minute clock behind $retry flips.
const settleTime = 35 * time.Second

// Settled says whether all is well (AllWell) and ifstated would act on a
// change at once: it has not changed state since it started, or did so
// longer than settleTime ago.
func (w *World) Settled() bool {
	if !w.AllWell() {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	wait := time.Duration(float64(settleTime) / w.opts.Scale)
	return w.changes <= 1 || time.Since(w.changed) >= wait
}

// StopIfstated ends ifstated, killing what it runs, and waits for it;
// the rest of the World stays up.
func (w *World) StopIfstated() {
	w.mu.Lock()
	stop, done := w.stopMachine, w.machineDone
	w.stopMachine = nil
	w.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}

// Stop ends ifstated, gifctl watch and the relay the stand-ins go through.
func (w *World) Stop() {
	w.StopIfstated()
	w.StopWatch()
	if w.relay != nil {
		w.relay.Close()
	}
}

// WaitFor polls cond until it holds, ctx ends or timeout passes.
func (w *World) WaitFor(ctx context.Context, timeout time.Duration, what string, cond func() bool) error {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("waited %s for %s", timeout, what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// Renumber has the ISP move the router to p, as a new lease does.
func (w *World) Renumber(p netip.Prefix) error {
	w.ev.Addf("isp", "renumbers the router: em0 %s -> %s", w.Lab.RouterIPv4(), p)
	return w.Lab.Renumber(p)
}

// RenumberEach has the ISP move the router through ps, gap apart.
func (w *World) RenumberEach(ps []netip.Prefix, gap time.Duration) error {
	return w.Lab.RenumberEach(ps, gap, func(from, to netip.Prefix) {
		w.ev.Addf("isp", "renumbers the router: em0 %s -> %s", from, to)
	})
}

// Updates are the requests the broker has had on /nic/update.
func (w *World) Updates(ctx context.Context) (n int, answers []string, err error) {
	reqs, err := w.Broker.Requests(ctx)
	if err != nil {
		return 0, nil, err
	}
	for _, r := range reqs {
		if r.Path == "/nic/update" {
			n++
			answers = append(answers, r.Answer)
		}
	}
	return n, answers, nil
}

// ReadFile reads a file of the World's tree ("" when missing).
func (w *World) ReadFile(name string) string {
	data, _ := os.ReadFile(w.path(name))
	return string(data)
}
