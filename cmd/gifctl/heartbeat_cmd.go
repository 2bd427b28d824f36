package main

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"runtime/debug"
	"time"

	"github.com/gifctl/gifctl/bsd"
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

// Run sends the beat.
func (h *HeartbeatCmd) Run(a *app) error {
	c, t, err := a.tunnel(h.Tunnel)
	if err != nil {
		return err
	}
	if t.Heartbeat == "" {
		return usageError(fmt.Errorf("%s: no heartbeat password in %s", t.Name, c.File))
	}
	addrs := readTunnelAddrs(c, t)
	inner, peer, remote := addrs.inner, addrs.peer, addrs.remote
	switch {
	case !inner.IsValid() || !peer.IsValid():
		return errNoInner(c, t)
	case !remote.IsValid():
		return usageError(fmt.Errorf("%s: remote unknown: add remote to the tunnel block", t.Name))
	}
	if err := heartbeat.CheckClock(a.now(), buildTime()); err != nil {
		return err
	}
	egress, err := bsd.IPv4Addrs(t.Egress)
	if err != nil {
		return err
	}
	src, _, err := bsd.ChooseSource(t.Egress, egress, addrs.source)
	if err != nil {
		return err
	}
	// Both sockets before the sandbox: pledge allows no new raw socket.
	conn, err := heartbeat.Open(src)
	if err != nil {
		return err
	}
	defer conn.Close()
	prober, perr := probe.Open(probe.IPv6, inner)
	if perr == nil {
		defer prober.Close()
	}
	if err := a.sandbox("heartbeat"); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), heartbeatTimeout)
	defer cancel()
	msg := heartbeat.Message(inner, heartbeat.Sender, a.now(), t.Heartbeat)
	if a.cli.NoAction {
		// The message carries the hash, never the password.
		fmt.Fprintf(a.stdout, "would send to %s port %d from %s: %s\n", remote, heartbeat.Port, src, msg)
		return nil
	}
	if err := heartbeat.Send(ctx, conn, netip.AddrPortFrom(remote, heartbeat.Port), msg); err != nil {
		return fmt.Errorf("%s: heartbeat: %w", t.Name, err)
	}
	a.log.Debugf("%s: heartbeat sent to %s port %d from %s", t.Name, remote, heartbeat.Port, src)
	// The ping keeps traffic on the tunnel, as the seed's script does; its
	// answer is for -v only, since the beat is what was asked for.
	if perr != nil {
		a.log.Debugf("%s: no ping: %v", t.Name, perr)
		return nil
	}
	if _, err := prober.Any(ctx, []netip.Addr{peer}); err != nil && !errors.Is(err, probe.ErrNoReply) {
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
