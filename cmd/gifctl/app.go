package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/checklog"
	"github.com/gifctl/gifctl/internal/config"
)

// app is what every command shares.
type app struct {
	cli    *CLI
	stdout io.Writer
	log    *bsd.Logger
	conf   *config.Config
	lock   *bsd.FileLock
	paths  bsd.Paths // what a plan unveils beyond gifctl.conf's paths: -f, and watch's gifctl
}

// command is one kong command (doc.go says how runCommand runs it).
type command interface {
	needs() needs
	prepare(ctx context.Context, a *app) error // before the sandbox
	work(ctx context.Context, a *app) error    // under the sandbox
}

// needs are what a command asks for before its work.
type needs struct {
	root    bool          // may write hostname-dir and state-dir; not with -n
	lock    bool          // hold the lock while it runs; not with -n
	timeout time.Duration // bounds the command, the wait for the lock too; 0: none
	plan    string        // the sandbox: a command of bsd's table
}

// runCommand runs cmd in the order of ifstated.c's main (doc.go).
func (a *app) runCommand(cmd command) error {
	n := cmd.needs()
	ctx, stop := bsd.WithSignals(context.Background())
	defer stop()
	if n.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, n.timeout)
		defer cancel()
	}
	c, err := config.Load(a.cli.Config)
	if err != nil {
		// Exit 2: ifstated's log shows a broken file, not a dead tunnel.
		return usageError(withNextStep(a.cli.Config, err))
	}
	a.conf = c
	a.log.AddSecrets(c.Secrets()...)
	// For a relative -f Abs calls getcwd(2), which pledge allows only with
	// rpath or wpath: ifstated's "stdio" has neither.
	if a.paths.Config, err = filepath.Abs(a.cli.Config); err != nil {
		return usageError(err)
	}
	if n.root && !a.cli.NoAction {
		if err := a.requireRoot(); err != nil {
			return err
		}
	}
	if n.lock && !a.cli.NoAction {
		if err := a.takeLock(ctx); err != nil {
			return err
		}
	}
	if err := cmd.prepare(ctx, a); err != nil {
		return err
	}
	if err := a.sandbox(n.plan); err != nil {
		return err
	}
	return cmd.work(ctx, a)
}

func newApp(cli *CLI, stdout, stderr io.Writer) *app {
	log := &bsd.Logger{Stderr: stderr, Verbose: cli.Verbose}
	// Syslog's socket opens before the sandbox; stderr gets every line anyway.
	_ = log.OpenSyslog()
	return &app{cli: cli, stdout: stdout, log: log}
}

func (a *app) close() {
	a.lock.Unlock() // nil-safe: most commands take no lock
	a.log.Close()
}

// tunnels returns the named tunnel, or all of them when name is "".
func (a *app) tunnels(name string) ([]*config.Tunnel, error) {
	if name == "" {
		return a.conf.Tunnels, nil
	}
	t, err := a.tunnel(name)
	return []*config.Tunnel{t}, err
}

// tunnel returns the tunnel named on the command line, or the only one.
func (a *app) tunnel(name string) (*config.Tunnel, error) {
	t, err := a.conf.Tunnel(name)
	return t, usageError(err)
}

// sandbox applies the plan of bsd's table (OpenBSD, and Linux when the
// tests ask; elsewhere it only checks the plan).
func (a *app) sandbox(command string) error {
	p, c := a.paths, a.conf
	p.HostnameDir, p.StateDir, p.Netstart = c.HostnameDir, c.StateDir, c.Netstart
	p.Pfctl, p.Ifconfig, p.PfConf, p.CAFile = c.Pfctl, c.Ifconfig, c.PfConf, c.CAFile
	plan, err := bsd.PlanFor(command, p)
	if err != nil {
		return err
	}
	// unveil(2) of a missing directory hides what is later created in it: make
	// state-dir now (not with -n); a failure shows where a file is written.
	creates := func(u bsd.UnveilPath) bool { return u.Path == p.StateDir && strings.Contains(u.Perms, "c") }
	if !a.cli.NoAction && slices.ContainsFunc(plan.Unveil, creates) {
		_ = os.MkdirAll(p.StateDir, 0o700)
	}
	if err := plan.Apply(); err != nil {
		return fmt.Errorf("sandbox for %s: %w", command, err)
	}
	return nil
}

// takeLock makes sure two gifctl runs never interleave: the second waits
// while ctx allows, then says who holds the lock.
func (a *app) takeLock(ctx context.Context) (err error) {
	dir := a.conf.StateDir
	if err := usageError(config.CheckStateDir(dir)); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	a.lock, err = bsd.Lock(ctx, filepath.Join(dir, "lock"))
	return err
}

// requireRoot is ifstated.c's and dhcpleased.c's root check, asked as it
// matters: may we write hostname-dir and state-dir? Stock, only root may.
func (a *app) requireRoot() error {
	for _, dir := range []string{a.conf.HostnameDir, a.conf.StateDir} {
		err := unix.Access(dir, unix.W_OK)
		switch {
		case err == nil || errors.Is(err, unix.ENOENT):
			continue // a missing state-dir is created under the same rule
		case errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM):
			return usageError(fmt.Errorf("need root privileges: %s: %w; %s", dir, err, asRoot))
		}
		return fmt.Errorf("%s: %w", dir, err) // EROFS: root would not do better
	}
	return nil
}

// asRoot is the next step when the privileges are missing.
const asRoot = "run gifctl as root, with doas(1)"

// withNextStep adds the admin's next step to an error reading the
// configuration: install the example (make install's and the port's), or be root.
func withNextStep(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w; start from the example: install -m 600 %s %s",
			err, "/usr/local/share/examples/gifctl/gifctl.conf", path)
	case errors.Is(err, fs.ErrPermission) && os.Geteuid() != 0:
		return fmt.Errorf("%w; %s", err, asRoot)
	}
	return err
}

// writeJSON prints v as status --json and doctor --json do, indented.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// answer is a check's answer, errFalse for a no: it logs debug (-v) and keeps
// the answer for status, except with -n; a failure to is only a warning.
func (a *app) answer(check string, ok bool, detail, debug string) error {
	a.log.Debugf("%s", debug)
	if !a.cli.NoAction {
		err := config.CheckStateDir(a.conf.StateDir)
		if err == nil {
			err = checklog.Record(a.conf.StateDir, checklog.Result{Check: check, OK: ok, Detail: detail, Since: time.Now()})
		}
		if err != nil {
			a.log.Warnf("check %s: result not recorded: %v", check, err)
		}
	}
	if !ok {
		return errFalse
	}
	return nil
}
