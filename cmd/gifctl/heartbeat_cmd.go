package main

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"runtime/debug"
	"time"

	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/heartbeat"
	"github.com/gifctl/gifctl/internal/probe"
)

// HeartbeatCmd is `gifctl heartbeat [IF]`.
type HeartbeatCmd struct {
	Tunnel string `arg:"" optional:"" name:"IF" help:"The tunnel to beat for; needed only when there are several."`

	t      *config.Tunnel
	addrs  tunnelAddrs
	src    netip.Addr // the egress address the beat leaves from
	conn   *net.UDPConn
	prober *probe.Prober
	noPing error // why there is no prober
}

// needs bounds the whole command, one datagram and one ping.
func (h *HeartbeatCmd) needs() needs { return needs{timeout: 2 * time.Second, plan: "heartbeat"} }

// prepare opens both sockets: pledge allows no new raw socket.
func (h *HeartbeatCmd) prepare(ctx context.Context, a *app) (err error) {
	if h.t, err = a.tunnel(h.Tunnel); err != nil {
		return err
	}
	t := h.t
	if t.Heartbeat == "" {
		return usageError(fmt.Errorf("%s: no heartbeat password in %s", t.Name, a.conf.File))
	}
	if h.addrs, err = readTunnelAddrs(a.conf, t); err != nil {
		return err
	}
	switch {
	case !h.addrs.inner.IsValid() || !h.addrs.peer.IsValid():
		return errNoInner(a.conf, t)
	case !h.addrs.remote.IsValid():
		return usageError(fmt.Errorf("%s: remote unknown: add remote to the tunnel block", t.Name))
	}
	if err := heartbeat.CheckClock(time.Now(), buildTime()); err != nil {
		return err
	}
	if h.src, err = sourceAddr(ctx, a.conf, t, h.addrs); err != nil {
		return err
	}
	if h.conn, err = heartbeat.Open(h.src); err != nil {
		return err
	}
	h.prober, h.noPing = probe.Open(probe.IPv6, h.addrs.inner)
	return nil
}

// work sends the beat, then one ping through the tunnel.
func (h *HeartbeatCmd) work(ctx context.Context, a *app) error {
	defer h.conn.Close()
	if h.prober != nil {
		defer h.prober.Close()
	}
	t, remote := h.t, h.addrs.remote
	msg := heartbeat.Message(h.addrs.inner, heartbeat.Sender, time.Now(), t.Heartbeat)
	if a.cli.NoAction {
		// The message carries the hash, never the password.
		fmt.Fprintf(a.stdout, "would send to %s port %d from %s: %s\n", remote, heartbeat.Port, h.src, msg)
		return nil
	}
	if err := heartbeat.Send(ctx, h.conn, netip.AddrPortFrom(remote, heartbeat.Port), msg); err != nil {
		return fmt.Errorf("%s: heartbeat: %w", t.Name, err)
	}
	a.log.Debugf("%s: heartbeat sent to %s port %d from %s", t.Name, remote, heartbeat.Port, h.src)
	// The ping keeps traffic on the tunnel, as aiccu does; only -v shows it.
	if h.noPing != nil {
		a.log.Debugf("%s: no ping: %v", t.Name, h.noPing)
	} else if _, err := h.prober.Any(ctx, []netip.Addr{h.addrs.peer}); err != nil {
		a.log.Debugf("%s: ping %s: %v", t.Name, h.addrs.peer, err)
	}
	return nil
}

// buildTime is the source's last commit time, as Go records it, else the
// day this was written: a clock before it is clearly wrong.
func buildTime() time.Time {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.time" {
				if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
					return t
				}
			}
		}
	}
	return time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
}
