package main

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/watch"
)

// WatchCmd is `gifctl watch [--every D] [IF...]`, etc/rc.d/gifctl's daemon.
type WatchCmd struct {
	Every   duration `default:"10m" placeholder:"DURATION" help:"Also check every this long, in case a change was missed."`
	Gifctl  string   `placeholder:"PATH" help:"The gifctl to run restarts with, an absolute path (default: this program)."`
	Once    bool     `help:"Restart what needs it now, and exit."`
	Tunnels []string `arg:"" optional:"" name:"IF" help:"The tunnels to watch; all when none is named."`

	tunnels []watch.Tunnel
	events  *bsd.AddrWatch
}

func (w *WatchCmd) needs() needs { return needs{root: true, plan: "watch"} }

// prepare opens the routing socket, which no pledge promise allows, and
// finds the paths its plan unveils.
func (w *WatchCmd) prepare(ctx context.Context, a *app) (err error) {
	if w.tunnels, err = watchTunnels(a.conf, w.Tunnels); err != nil {
		return usageError(err)
	}
	if a.paths.Gifctl = w.Gifctl; w.Gifctl == "" {
		if a.paths.Gifctl, err = os.Executable(); err != nil {
			return err
		}
	} else if !filepath.IsAbs(w.Gifctl) {
		return usageError(fmt.Errorf("--gifctl %q: not an absolute path", w.Gifctl))
	}
	if !w.Once {
		w.events, err = bsd.OpenAddrWatch()
	}
	return err
}

// work runs the engine until SIGTERM or SIGINT.
func (w *WatchCmd) work(ctx context.Context, a *app) error {
	// SIGHUP is watch's reload, not the end it is to runCommand's ctx (bsd.WithSignals).
	ctx, stop := signal.NotifyContext(context.WithoutCancel(ctx), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	argv := []string{a.paths.Gifctl, "-f", a.paths.Config}
	if a.cli.NoAction {
		argv = append(argv, "-n")
	}
	if a.cli.Verbose {
		argv = append(argv, "-v")
	}
	ifconfig := a.conf.Ifconfig // a changed path needs a new start: it is unveiled
	e := &watch.Engine{
		Addrs: bsd.IPv4Addrs,
		Endpoints: func(ctx context.Context, gif string) (src, dst netip.Addr, err error) {
			ctx, cancel := context.WithTimeout(ctx, tunnelCheckTimeout)
			defer cancel()
			// SIOCGLIFPHYADDR is on no pledge list: ifconfig asks for us.
			return bsd.IfconfigEndpoints(ctx, gif, ifconfig)
		},
		Restart: watch.RestartCommand(append(argv, "restart")...),
		Reload: func() ([]watch.Tunnel, error) {
			c, err := config.Load(a.paths.Config)
			if err != nil {
				return nil, err
			}
			a.log.AddSecrets(c.Secrets()...)
			return watchTunnels(c, w.Tunnels)
		},
		Every: time.Duration(w.Every),
		After: time.After,
		Log:   a.log,
	}
	if w.Once {
		e.Once(ctx, w.tunnels)
		return nil
	}
	defer w.events.Close()
	var names []string
	for _, t := range w.tunnels {
		names = append(names, t.Name+" on "+t.Egress)
	}
	a.log.Infof("watching %s, and checking every %v", strings.Join(names, ", "), time.Duration(w.Every))
	if err := e.Run(ctx, w.tunnels, w.events, hup); err != nil {
		return err
	}
	a.log.Infof("stopped")
	return nil
}

// watchTunnels returns the tunnels of c named in names, or all of them.
func watchTunnels(c *config.Config, names []string) (out []watch.Tunnel, err error) {
	for _, t := range c.Tunnels {
		if len(names) == 0 || slices.Contains(names, t.Name) {
			out = append(out, watch.Tunnel{Name: t.Name, Egress: t.Egress, Remote: t.Remote})
		}
	}
	for _, n := range names {
		if _, err := c.Tunnel(n); err != nil {
			return nil, err
		}
	}
	return out, nil
}
