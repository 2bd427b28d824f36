package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"runtime/debug"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/heartbeat"
	"github.com/gifctl/gifctl/internal/probe"
)

// heartbeatTimeout bounds the whole command: one datagram and one ping.
const heartbeatTimeout = 2 * time.Second

// clockFloor is the earliest time a correct clock can show when no build
// time is known: the day this code was written.
var clockFloor = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// HeartbeatCmd is `gifctl heartbeat [IF]`.
type HeartbeatCmd struct {
	Tunnel string `arg:"" optional:"" name:"IF" help:"The tunnel to beat for; needed only when the configuration has several tunnels."`

	t      *config.Tunnel
	addrs  tunnelAddrs
	src    netip.Addr // the egress address the beat leaves from
	conn   *net.UDPConn
	prober *probe.Prober
	noPing error // why there is no prober
}

// Help is the long help of gifctl heartbeat --help.
func (h *HeartbeatCmd) Help() string {
	return `Send one SixXS-style heartbeat: a signed UDP datagram to the remote's
port 3740, from the egress address, saying "HEARTBEAT TUNNEL <inner IPv6>
sender <time> <md5>", then one ICMPv6 echo to the tunnel's peer from the
inner address. ifstated runs it every 60 seconds for tunnels with a
heartbeat password. A clock that is clearly wrong (before this program was
built) is refused: the PoP silently drops beats more than 120 s off.

Example:
  gifctl heartbeat gif0`
}

func (h *HeartbeatCmd) needs() needs {
	return needs{config: true, timeout: heartbeatTimeout, plan: "heartbeat"}
}

// prepare opens both sockets: pledge allows no new raw socket.
func (h *HeartbeatCmd) prepare(ctx context.Context, a *app) error {
	t, err := a.tunnel(h.Tunnel)
	if err != nil {
		return err
	}
	if t.Heartbeat == "" {
		return usageError(fmt.Errorf("%s: no heartbeat password in %s", t.Name, a.conf.File))
	}
	addrs, err := readTunnelAddrs(a.conf, t)
	if err != nil {
		return err
	}
	switch {
	case !addrs.inner.IsValid() || !addrs.peer.IsValid():
		return errNoInner(a.conf, t)
	case !addrs.remote.IsValid():
		return usageError(fmt.Errorf("%s: remote unknown: add remote to the tunnel block", t.Name))
	}
	if err := heartbeat.CheckClock(a.now(), buildTime()); err != nil {
		return err
	}
	egress, err := bsd.IPv4Addrs(t.Egress)
	if err != nil {
		return err
	}
	kernel, _, _ := bsd.TunnelEndpoints(ctx, t.Name, a.conf.Ifconfig)
	if h.src, _, err = bsd.ChooseSource(t.Egress, egress, kernel, addrs.source); err != nil {
		return err
	}
	if h.conn, err = heartbeat.Open(h.src); err != nil {
		return err
	}
	h.t, h.addrs = t, addrs
	h.prober, h.noPing = probe.Open(probe.IPv6, addrs.inner)
	return nil
}

// work sends the beat, then one ping through the tunnel.
func (h *HeartbeatCmd) work(ctx context.Context, a *app) error {
	defer h.conn.Close()
	if h.prober != nil {
		defer h.prober.Close()
	}
	t, inner, peer, remote := h.t, h.addrs.inner, h.addrs.peer, h.addrs.remote
	msg := heartbeat.Message(inner, heartbeat.Sender, a.now(), t.Heartbeat)
	if a.cli.NoAction {
		// The message carries the hash, never the password.
		fmt.Fprintf(a.stdout, "would send to %s port %d from %s: %s\n", remote, heartbeat.Port, h.src, msg)
		return nil
	}
	if err := heartbeat.Send(ctx, h.conn, netip.AddrPortFrom(remote, heartbeat.Port), msg); err != nil {
		return fmt.Errorf("%s: heartbeat: %w", t.Name, err)
	}
	a.log.Debugf("%s: heartbeat sent to %s port %d from %s", t.Name, remote, heartbeat.Port, h.src)
	// The ping keeps traffic on the tunnel, as aiccu does; its answer is
	// for -v only, since the beat is what was asked for.
	if h.noPing != nil {
		a.log.Debugf("%s: no ping: %v", t.Name, h.noPing)
		return nil
	}
	if _, err := h.prober.Any(ctx, []netip.Addr{peer}); err != nil && !errors.Is(err, probe.ErrNoReply) {
		a.log.Debugf("%s: ping %s: %v", t.Name, peer, err)
	} else if err != nil {
		a.log.Debugf("%s: %v", t.Name, err)
	}
	return nil
}

// buildTime is when the program's source was last committed, from the
// build information Go records, or clockFloor.
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
	return clockFloor
}
