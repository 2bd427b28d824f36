package probe

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// Reply is the first valid echo reply Any saw.
type Reply struct {
	From netip.Addr    // the target that answered
	RTT  time.Duration // from the sending of the round it answers
}

// payload tells a packet capture whose the requests are; matching ignores it.
var payload = []byte("gifctl check....")

// Any sends echo requests to every target in rounds and returns the first
// valid reply, or an error matching ErrNoReply when ctx (give it a deadline)
// ends first; others are usage errors (no targets, wrong family, closed).
func (p *Prober) Any(ctx context.Context, targets []netip.Addr) (Reply, error) {
	if len(targets) == 0 {
		return Reply{}, fmt.Errorf("%v: no targets", p.family)
	}
	m := &matcher{family: p.family, id: p.id, sent: map[uint16]time.Time{}}
	dsts := make([]*net.IPAddr, 0, len(targets))
	for _, t := range targets {
		a, ok := p.family.fit(t)
		if !ok {
			return Reply{}, fmt.Errorf("%v: target %v is not an %v address", p.family, t, p.family)
		}
		m.targets = append(m.targets, a.WithZone(""))
		dsts = append(dsts, &net.IPAddr{IP: a.AsSlice(), Zone: a.Zone()})
	}

	stop := bsd.Bound(ctx, p.conn) // which also wakes a read waiting past ctx's deadline
	defer stop()

	start := time.Now()
	next := start
	rounds := 0
	var sendErr error
	buf := make([]byte, 1500)
	for {
		if ctx.Err() != nil {
			return Reply{}, &noReplyError{targets, time.Since(start), rounds, sendErr}
		}
		if now := time.Now(); !now.Before(next) {
			rounds++
			sendErr = cmp.Or(p.round(m, dsts, now), sendErr) // the last one
			next = now.Add(p.interval)
		}
		p.conn.SetReadDeadline(next) // fails only closed, as ReadFrom will
		if ctx.Err() != nil {
			continue // cancelled before the line above moved the deadline
		}
		n, addr, err := p.conn.ReadFrom(buf)
		at := time.Now()
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			continue
		case errors.Is(err, net.ErrClosed):
			return Reply{}, fmt.Errorf("%v: %w", p.family, err)
		case err != nil: // not seen on raw sockets; as a failed send, without spinning
			sendErr = err
			select {
			case <-ctx.Done():
			case <-time.After(time.Until(next)):
			}
			continue
		}
		ipa, ok := addr.(*net.IPAddr)
		if !ok {
			continue
		}
		from, _ := netip.AddrFromSlice(ipa.IP)
		if sent, ok := m.match(buf[:n], from); ok {
			from, _ = p.family.fit(from)
			return Reply{From: from, RTT: at.Sub(sent)}, nil
		}
	}
}

// round sends the next sequence number to each of dsts; it returns the last
// send error.
func (p *Prober) round(m *matcher, dsts []*net.IPAddr, now time.Time) error {
	p.seq++
	m.sent[p.seq] = now // before sending: a loopback reply can beat WriteTo
	var typ icmp.Type = ipv6.ICMPTypeEchoRequest
	if p.family == IPv4 {
		typ = ipv4.ICMPTypeEcho
	}
	msg := icmp.Message{Type: typ, Body: &icmp.Echo{ID: int(p.id), Seq: int(p.seq), Data: payload}}
	b, _ := msg.Marshal(nil) // an Echo of an ICMP type never fails
	var last error
	for _, d := range dsts {
		_, err := p.conn.WriteTo(b, d)
		if err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			continue
		}
		last = fmt.Errorf("%v: %w", d, bsd.UnwrapOp(err))
	}
	return last
}

// ErrNoReply matches Any's error when no target answered in time: the check is
// false.
var ErrNoReply = errors.New("no reply")

// noReplyError is that error; SendErr tells a link that is down from a silent
// network.
type noReplyError struct {
	Targets []netip.Addr
	Waited  time.Duration // from the first send to giving up
	Rounds  int
	SendErr error
}

func (e *noReplyError) Error() string {
	msg := fmt.Sprintf("no reply from %s in %v", bsd.JoinAddrs(e.Targets), e.Waited.Round(time.Millisecond))
	if e.SendErr != nil {
		msg += "; last send error: " + e.SendErr.Error()
	}
	return msg
}

// Unwrap lets errors.Is find ErrNoReply and the send error.
func (e *noReplyError) Unwrap() error { return errors.Join(ErrNoReply, e.SendErr) }
