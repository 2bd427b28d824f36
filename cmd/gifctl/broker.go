package main

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/gifctl/gifctl/internal/broker"
	"github.com/gifctl/gifctl/internal/config"
)

// brokerUpdater ties a tunnel's update-url to the broker package: the
// restart.Broker that restart uses, and what update calls.
type brokerUpdater struct {
	a      *app
	client *broker.Client // made by Update, when an update goes out
	tunnel *config.Tunnel
	force  bool
}

// broker returns tunnel t's updater. Its HTTPS client is made only when an
// update goes out: making it reads and parses the whole CA bundle (some
// 150 certificates, milliseconds and a megabyte of allocations), which a
// restart with nothing to do does not need. The sandbox plans of restart
// and update unveil ca-file "r" for the later read.
func (a *app) broker(t *config.Tunnel) *brokerUpdater {
	return &brokerUpdater{a: a, tunnel: t}
}

// Pending says whether Update would send addr.
func (b *brokerUpdater) Pending(addr netip.Addr) (bool, string, error) {
	return broker.Pending(b.a.conf.StateDir, b.tunnel.Name, addr, b.force, b.a.now())
}

// Update sends addr when the broker does not have it yet, and logs what
// happened: ifstated throws the output away, syslog keeps it.
func (b *brokerUpdater) Update(ctx context.Context, addr netip.Addr) error {
	name := b.tunnel.Name
	// Decide at one instant whether an update goes out, and make the
	// client only if so. If not, Run is given that same instant, decides
	// the same (the lock is held: the state cannot change) and does not
	// use the client. If Pending cannot read the state, neither can Run,
	// which says so.
	now := b.a.now
	t := now()
	send, _, err := broker.Pending(b.a.conf.StateDir, name, addr, b.force, t)
	switch {
	case err == nil && send && b.client == nil:
		if b.client, err = broker.NewClient(b.a.conf.CAFile); err != nil {
			return fmt.Errorf("%s: broker update: %w", name, err)
		}
	case err == nil && !send:
		now = func() time.Time { return t }
	}
	r, err := broker.Run(ctx, b.client, b.a.conf.StateDir, name, b.tunnel.UpdateURL, addr, b.force, now)
	if r.Note != "" {
		b.a.log.Infof("%s: %s", name, r.Note)
	}
	switch {
	case err != nil:
		// Name the step: the broker's own errors name only its URL, and
		// a deadline reads "context deadline exceeded".
		return fmt.Errorf("%s: broker update: %w", name, err)
	case r.Sent:
		b.a.log.Infof("%s: broker answered %q", name, strings.TrimSpace(r.Answer.Code+" "+r.Answer.Text))
	default:
		b.a.log.Debugf("%s: no broker update: %s", name, r.Why)
	}
	return nil
}
