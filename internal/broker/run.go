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
	// Sent says whether an update went out; Why is decide's reason.
	Sent bool
	Why  string
	// Answer is the broker's answer when Sent.
	Answer Answer
	// Notes are what to log besides the answer, such as
	// "myip left out: 10.0.0.2 is a private address".
	Notes []string
	// State is the tunnel's state as saved.
	State State
}

// Updater tells one tunnel's broker the tunnel's address: restart and
// update make one from the tunnel's update-url with For.
type Updater struct {
	Force bool // send even what the broker already accepted

	tunnel   string   // the gif interface; names the state file
	url      *url.URL // the update URL, credentials included
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
	return &Updater{tunnel: t.Name, url: t.UpdateURL, stateDir: c.StateDir, client: newClient(c.CAFile), now: time.Now, log: log}
}

// Pending says whether Update would send addr now, and why, without
// sending: for -n.
func (u *Updater) Pending(addr netip.Addr) (send bool, why string, err error) {
	s, err := LoadState(u.stateDir, u.tunnel)
	if err != nil {
		return false, "", err
	}
	changed := s.settingsChanged(urlHash(u.url))
	send, why = decide(s, addr, u.now(), u.Force)
	if changed != "" {
		why = changed + "; " + why
	}
	return send, why, nil
}

// Update sends addr when the broker does not have it yet, and logs what
// happened: ifstated throws the output away, syslog keeps it. It takes no
// lock; gifctl holds one for the whole command.
func (u *Updater) Update(ctx context.Context, addr netip.Addr) error {
	r, err := u.run(ctx, addr)
	for _, n := range r.Notes {
		u.log.Infof("%s: %s", u.tunnel, n)
	}
	if r.Sent && r.Answer.OK() {
		// Also when it could not be recorded: the answer is logged.
		u.log.Infof("%s: broker answered %q", u.tunnel, strings.TrimSpace(r.Answer.Code+" "+r.Answer.Text))
	}
	switch {
	case err != nil:
		// Name the step: the broker's own errors name only its URL, and
		// a deadline reads "context deadline exceeded".
		return fmt.Errorf("%s: broker update: %w", u.tunnel, err)
	case !r.Sent:
		u.log.Debugf("%s: no broker update: %s", u.tunnel, r.Why)
	}
	return nil
}

// run does one broker round: load the state, decide, send addr, record
// the answer and save the state.
//
// The error is nil when the broker has addr (now or already) and when
// nothing needed sending; a *backoffError when an earlier failure holds the
// update back; otherwise the failure, followed by the back-off it started.
func (u *Updater) run(ctx context.Context, addr netip.Addr) (result, error) {
	s, err := LoadState(u.stateDir, u.tunnel)
	if err != nil {
		return result{}, err
	}
	hash := urlHash(u.url)
	r := result{}
	if n := s.settingsChanged(hash); n != "" {
		r.Notes = append(r.Notes, n)
	}
	t := u.now()
	send, why := decide(s, addr, t, u.Force)
	r.Why, r.State = why, s
	if !send {
		if len(r.Notes) > 0 { // the back-off ended: say so once
			if err := s.Save(u.stateDir); err != nil {
				return r, err
			}
		}
		switch {
		case !addr.IsValid():
			return r, fmt.Errorf("%s: no address to send to the broker", u.tunnel)
		case t.Before(s.BackoffUntil):
			b := s.backoff(t)
			if b.Clamped != "" {
				// Kept, or the end would move on with the clock.
				s.BackoffUntil = b.Until
				return r, errors.Join(b, s.Save(u.stateDir))
			}
			return r, b
		}
		return r, nil
	}
	a, uerr := u.client.Update(ctx, u.url, addr)
	r.Sent, r.Answer = true, a
	if addr.IsValid() && !a.MyIP.IsValid() {
		r.Notes = append(r.Notes, fmt.Sprintf("myip left out: %s is %s; the broker takes the request's source address", addr, notPublicWhy(addr)))
	}
	t = u.now()
	s.Record(a, uerr, addr, t)
	s.URLHash = hash
	r.State = s
	if uerr != nil && t.Before(s.BackoffUntil) {
		uerr = fmt.Errorf("%w; %v", uerr, s.backoff(t))
	}
	if err := s.Save(u.stateDir); err != nil {
		if uerr == nil && a.OK() {
			return r, fmt.Errorf("the broker accepted %s but it could not be recorded: %w", addr, err)
		}
		return r, errors.Join(uerr, err)
	}
	return r, uerr
}

// notPublicWhy names the kind of a non-public address for a message.
func notPublicWhy(addr netip.Addr) string {
	switch {
	case addr.IsPrivate():
		return "a private address"
	case bsd.IsCGNAT(addr):
		return "a CGNAT address (6in4 works only if the ISP passes protocol 41)"
	case !addr.Unmap().Is4():
		return "not an IPv4 address"
	}
	return "not a public address"
}
