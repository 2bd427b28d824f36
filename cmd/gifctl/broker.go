package main

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/gifctl/gifctl/internal/broker"
	"github.com/gifctl/gifctl/internal/config"
)

// brokerUpdater ties a tunnel's update-url to the broker package: the
// restart.Broker that restart uses, and what update calls.
type brokerUpdater struct {
	a      *app
	client *broker.Client
	tunnel *config.Tunnel
	force  bool
}

// broker builds the HTTPS client now, so that the CA bundle is read
// before the sandbox is applied.
func (a *app) broker(t *config.Tunnel) (*brokerUpdater, error) {
	client, err := broker.NewClient(a.conf.CAFile)
	if err != nil {
		return nil, err
	}
	return &brokerUpdater{a: a, client: client, tunnel: t}, nil
}

// Pending says whether Update would send addr.
func (b *brokerUpdater) Pending(addr netip.Addr) (bool, string, error) {
	return broker.Pending(b.a.conf.StateDir, b.tunnel.Name, addr, b.force, b.a.now())
}

// Update sends addr when the broker does not have it yet, and logs what
// happened: ifstated throws the output away, syslog keeps it.
func (b *brokerUpdater) Update(ctx context.Context, addr netip.Addr) error {
	r, err := broker.Run(ctx, b.client, b.a.conf.StateDir, b.tunnel.Name, b.tunnel.UpdateURL, addr, b.force, b.a.now)
	name := b.tunnel.Name
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
