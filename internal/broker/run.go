package broker

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/config"
)

// result is what one broker round did.
type result struct {
	Sent   bool     // an update went out
	Why    string   // decide's reason
	Answer Answer   // the broker's, when Sent
	Notes  []string // what to log besides the answer
}

// Updater tells one tunnel's broker the tunnel's address.
type Updater struct {
	Force bool // send even what the broker already accepted

	tunnel   string
	url      *url.URL // credentials included
	stateDir string
	client   *client
	now      func() time.Time
	log      *bsd.Logger
}

// For returns the updater of tunnel t, nil when it has no update-url.
func For(c *config.Config, t *config.Tunnel, log *bsd.Logger) *Updater {
	if t.UpdateURL == nil {
		return nil
	}
	return &Updater{tunnel: t.Name, url: t.UpdateURL, stateDir: c.StateDir,
		client: &client{caFile: c.CAFile}, now: time.Now, log: log}
}

// Pending says whether Update would send addr now, and why: for -n.
func (u *Updater) Pending(addr netip.Addr) (send bool, why string, err error) {
	s, err := LoadState(u.stateDir, u.tunnel)
	if err != nil {
		return false, "", err
	}
	changed := s.settingsChanged(urlHash(u.url))
	send, why = decide(s, addr, u.now(), u.Force)
	return send, strings.TrimPrefix(changed+"; "+why, "; "), nil
}

// Update sends addr if the broker lacks it, and logs what it did (ifstated
// drops output).
func (u *Updater) Update(ctx context.Context, addr netip.Addr) error {
	r, err := u.run(ctx, addr)
	for _, n := range r.Notes {
		u.log.Infof("%s: %s", u.tunnel, n)
	}
	if r.Sent && r.Answer.OK() { // even when it could not be recorded
		u.log.Infof("%s: broker answered %q", u.tunnel, strings.TrimSpace(r.Answer.Code+" "+r.Answer.Text))
	}
	switch {
	case err != nil: // named: a deadline reads "context deadline exceeded"
		return fmt.Errorf("%s: broker update: %w", u.tunnel, err)
	case !r.Sent:
		u.log.Debugf("%s: no broker update: %s", u.tunnel, r.Why)
	}
	return nil
}

// run loads the state, decides, sends addr, records the answer and saves;
// its error is nil, a *backoffError, or the failure and its back-off.
func (u *Updater) run(ctx context.Context, addr netip.Addr) (r result, err error) {
	s, err := LoadState(u.stateDir, u.tunnel)
	if err != nil {
		return r, err
	}
	hash := urlHash(u.url)
	if n := s.settingsChanged(hash); n != "" {
		r.Notes = append(r.Notes, n)
	}
	t := u.now()
	send, why := decide(s, addr, t, u.Force)
	r.Why = why
	if !send {
		save := len(r.Notes) > 0 // the back-off ended: say so once
		switch {
		case !addr.IsValid():
			err = fmt.Errorf("%s: no address to send to the broker", u.tunnel)
		case t.Before(s.BackoffUntil):
			b := s.backoff(t)
			if b.clamped() { // kept, or the end would move on with the clock
				s.BackoffUntil, save = b.until, true
			}
			err = b
		}
		if save {
			err = errors.Join(err, s.Save(u.stateDir))
		}
		return r, err
	}
	a, uerr := u.client.Update(ctx, u.url, addr)
	r.Sent, r.Answer = true, a
	if why := bsd.NotPublic(addr); why != "" {
		r.Notes = append(r.Notes, fmt.Sprintf("myip left out: %s is %s; the broker takes the request's source address", addr, why))
	}
	t = u.now()
	s.Record(a, uerr, addr, t)
	s.URLHash = hash
	if uerr != nil && t.Before(s.BackoffUntil) {
		uerr = fmt.Errorf("%w; %v", uerr, s.backoff(t))
	}
	serr := s.Save(u.stateDir)
	if serr != nil && uerr == nil {
		return r, fmt.Errorf("the broker accepted %s but it could not be recorded: %w", addr, serr)
	}
	return r, errors.Join(uerr, serr)
}
