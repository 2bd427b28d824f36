package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/config"
)

// app is what every command shares; kong binds it to each Run method.
type app struct {
	cli    *CLI
	stdout io.Writer
	stderr io.Writer
	log    *bsd.Logger
	conf   *config.Config
	now    func() time.Time
	lock   *bsd.FileLock
}

func newApp(cli *CLI, stdout, stderr io.Writer) *app {
	log := bsd.NewLogger(stderr, cli.Verbose)
	// Connect to syslog now, before any sandbox. Without syslogd (a test
	// machine) stderr still gets every line.
	_ = log.OpenSyslog()
	return &app{cli: cli, stdout: stdout, stderr: stderr, log: log, now: time.Now}
}

func (a *app) close() {
	if a.lock != nil {
		a.lock.Unlock()
	}
	a.log.Close()
}

// loadConfig reads the configuration once; every error in it is a usage
// error (exit 2), so ifstated's log shows a broken file, not a dead tunnel.
func (a *app) loadConfig() (*config.Config, error) {
	if a.conf != nil {
		return a.conf, nil
	}
	c, err := config.Load(a.cli.Config)
	if err != nil {
		return nil, usageError(err)
	}
	a.conf = c
	a.log.AddSecrets(c.Secrets()...)
	return c, nil
}

// tunnel loads the configuration and picks the tunnel named on the command
// line, or the only one.
func (a *app) tunnel(name string) (*config.Config, *config.Tunnel, error) {
	c, err := a.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	t, err := c.Tunnel(name)
	if err != nil {
		return nil, nil, usageError(err)
	}
	return c, t, nil
}

// tunnels returns the named tunnel, or all of them when name is "".
func (a *app) tunnels(name string) (*config.Config, []*config.Tunnel, error) {
	c, err := a.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	if name == "" {
		return c, c.Tunnels, nil
	}
	t, err := c.Tunnel(name)
	if err != nil {
		return nil, nil, usageError(err)
	}
	return c, []*config.Tunnel{t}, nil
}

// sandbox applies the command's pledge and unveil plan (OpenBSD; a no-op
// elsewhere). Call it after every socket, ioctl and lock is in place.
func (a *app) sandbox(command string) error {
	p := bsd.Paths{}
	if c := a.conf; c != nil {
		p = bsd.Paths{
			HostnameDir: c.HostnameDir, StateDir: c.StateDir, Netstart: c.Netstart,
			Pfctl: c.Pfctl, Ifconfig: c.Ifconfig, PfConf: c.PfConf, CAFile: c.CAFile,
		}
	}
	plan, err := bsd.PlanFor(command, p)
	if err != nil {
		return err
	}
	// unveil(2) of a directory that does not exist yet hides whatever is
	// created in it later: make the state directory first. Not with -n,
	// which writes nothing there, and creates nothing anywhere.
	if a.conf != nil && writesState[command] && !a.cli.NoAction {
		if err := os.MkdirAll(a.conf.StateDir, 0o700); err != nil {
			return err
		}
	}
	if err := plan.Apply(); err != nil {
		return fmt.Errorf("sandbox for %s: %w", command, err)
	}
	return nil
}

// writesState are the commands that write into state-dir after the
// sandbox is applied.
var writesState = map[string]bool{
	"check-tunnel": true, "check-ipv4": true, "check-ipv6": true,
	"restart": true, "restart-egress": true, "update": true,
}

// takeLock makes sure two gifctl runs never interleave: the second waits
// while ctx allows, then says who holds the lock.
func (a *app) takeLock(ctx context.Context) error {
	c := a.conf
	if err := os.MkdirAll(c.StateDir, 0o700); err != nil {
		return err
	}
	l, err := bsd.Lock(ctx, filepath.Join(c.StateDir, "lock"))
	if err != nil {
		return err
	}
	a.lock = l
	return nil
}

// requireRoot is the root check of ifstated.c and dhcpleased.c, for the
// commands that change the system, asked the way that matters: may this
// process write hostname-dir and state-dir? On a stock system only root
// may; a test tree in a temp directory needs no root.
func (a *app) requireRoot() error {
	for _, dir := range []string{a.conf.HostnameDir, a.conf.StateDir} {
		err := unix.Access(dir, unix.W_OK)
		if err == nil || errors.Is(err, unix.ENOENT) {
			continue // a missing state-dir is created under the same rule
		}
		return usageError(fmt.Errorf("need root privileges: %s: %w", dir, err))
	}
	return nil
}
