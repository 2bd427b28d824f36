package watch

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"time"

	"github.com/gifctl/gifctl/bsd"
)

// Tunnel is what the engine watches of one tunnel.
type Tunnel struct {
	Name   string     // the gif interface, "gif0"
	Egress string     // the interface whose IPv4 address the source must be
	Remote netip.Addr // the destination it must have; invalid: any
}

// Source wakes the engine (bsd.AddrWatch): Next blocks until a change and
// names it; an error stops the engine.
type Source interface {
	Next() (string, error)
}

// Engine decides and runs restarts; tests replace its functions, the outside world.
type Engine struct {
	Addrs     func(ifname string) ([]netip.Addr, error) // IPv4: bsd.IPv4Addrs
	Endpoints func(ctx context.Context, gif string) (src, dst netip.Addr, err error)
	Restart   func(ctx context.Context, gif string) error // RestartCommand
	Reload    func() ([]Tunnel, error)                    // on SIGHUP
	Every     time.Duration                               // between safety-net passes
	After     func(time.Duration) <-chan time.Time        // the clock: time.After
	Log       *bsd.Logger
}

// Run watches tunnels until ctx ends (a running restart is then killed) or
// src fails. hup reloads the tunnels, keeping the old ones on an error.
func (e *Engine) Run(ctx context.Context, tunnels []Tunnel, src Source, hup <-chan os.Signal) error {
	wakes, failed := make(chan string), make(chan error, 1)
	go func() {
		for {
			what, err := src.Next()
			if err != nil {
				failed <- err
				return
			}
			select {
			case wakes <- what:
			case <-ctx.Done():
				return
			}
		}
	}()
	tried := map[string]string{} // gif -> egress addresses it was last restarted for
	var done chan struct{}       // open while a pass runs
	due, safety := true, false   // a pass is due; it is the safety net's
	timer := e.After(e.Every)
	for {
		if due && done == nil {
			done = make(chan struct{})
			go func(tunnels []Tunnel, safety bool) {
				defer close(done)
				e.pass(ctx, tunnels, safety, tried)
			}(tunnels, safety)
			due, safety = false, false
		}
		select {
		case <-ctx.Done():
			if done != nil {
				<-done
			}
			return nil
		case err := <-failed:
			return err
		case what := <-wakes:
			e.Log.Debugf("woken: %s", what)
			due = true
		case <-timer:
			timer = e.After(e.Every)
			due, safety = true, true
		case <-hup:
			t, err := e.Reload()
			if err != nil {
				e.Log.Errorf("%v; keeping the configuration read before", err)
				continue
			}
			e.Log.Infof("configuration reloaded")
			tunnels, due = t, true
		case <-done:
			done = nil
		}
	}
}

// Once makes one pass, as the safety net does, and returns.
func (e *Engine) Once(ctx context.Context, tunnels []Tunnel) {
	e.pass(ctx, tunnels, true, map[string]string{})
}

// pass restarts tunnels that need it, one at a time; passes never overlap: it owns tried.
func (e *Engine) pass(ctx context.Context, tunnels []Tunnel, safety bool, tried map[string]string) {
	for _, t := range tunnels {
		if ctx.Err() != nil {
			return
		}
		addrs, repair, why := e.judge(ctx, t)
		switch {
		case why == nil:
			delete(tried, t.Name)
			e.Log.Debugf("%s: source is %s's address", t.Name, t.Egress)
			continue
		case !repair:
			e.Log.Infof("%s: no restart of %s until %s has an IPv4 address", why, t.Name, t.Egress)
			continue
		case tried[t.Name] == addrs && !safety:
			e.Log.Warnf("%s, after a restart for the same addresses; next try at the check every %v", why, e.Every)
			continue
		}
		tried[t.Name] = addrs
		e.Log.Infof("%s: gifctl restart %s", why, t.Name)
		err := e.Restart(ctx, t.Name)
		switch {
		case ctx.Err() != nil:
			e.Log.Infof("%s: restart stopped: %v", t.Name, ctx.Err())
		case err != nil:
			e.Log.Errorf("%s: restart failed: %v", t.Name, err)
		default:
			e.Log.Infof("%s: restart done", t.Name)
		}
	}
}

// RestartCommand returns an Engine.Restart running argv, such as {"gifctl",
// "-f", CONF, "restart"}, and the gif's name with bsd.Run, which kills its
// process group when ctx ends. The child has its own sandbox, lock, timeout.
func RestartCommand(argv ...string) func(ctx context.Context, gif string) error {
	return func(ctx context.Context, gif string) error {
		_, err := bsd.Run(ctx, append(slices.Clip(argv), gif))
		return err
	}
}

// judge says why t needs a restart (repair) or cannot have one (nil if fine);
// addrs are for tried.
func (e *Engine) judge(ctx context.Context, t Tunnel) (addrs string, repair bool, why error) {
	list, err := e.Addrs(t.Egress)
	if err == nil && len(list) == 0 {
		err = fmt.Errorf("%s: %w", t.Egress, bsd.ErrNoIPv4)
	}
	if err != nil {
		return "", false, err
	}
	src, dst, err := e.Endpoints(ctx, t.Name)
	if err == nil {
		err = bsd.Consistent(t.Name, t.Egress, list, src, dst, t.Remote)
	}
	return bsd.JoinAddrs(list), err != nil, err
}
