package broker

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"time"
)

// Result is what Run did.
type Result struct {
	// Sent says whether an update went out; Why is Decide's reason.
	Sent bool
	Why  string
	// Answer is the broker's answer when Sent.
	Answer Answer
	// Note is something to log besides the answer, such as
	// "myip left out: 10.0.0.2 is a private address".
	Note string
	// State is the tunnel's state as saved.
	State State
}

// Run does one broker round for tunnel ifname: load its state from
// stateDir, decide, send addr to u, record the answer and save the state.
// It takes no lock; gifctl holds one for the whole command.
//
// The error is nil when the broker has addr (now or already) and when
// nothing needed sending; a *BackoffError when an earlier failure holds the
// update back; otherwise the failure, followed by the back-off it started.
func Run(ctx context.Context, c *Client, stateDir, ifname string, u *url.URL, addr netip.Addr, force bool, now func() time.Time) (Result, error) {
	s, err := LoadState(stateDir, ifname)
	if err != nil {
		return Result{}, err
	}
	t := now()
	send, why := Decide(s, addr, t, force)
	r := Result{Why: why, State: s}
	if !send {
		switch {
		case !addr.IsValid():
			return r, fmt.Errorf("%s: no address to send to the broker", ifname)
		case t.Before(s.BackoffUntil):
			return r, s.backoff(t)
		}
		return r, nil
	}

	a, uerr := c.Update(ctx, u, addr)
	r.Sent, r.Answer = true, a
	if addr.IsValid() && !a.MyIP.IsValid() {
		r.Note = fmt.Sprintf("myip left out: %s is %s; the broker takes the request's source address", addr, notPublicWhy(addr))
	}
	t = now()
	s.Record(a, uerr, addr, t)
	r.State = s
	if uerr != nil && t.Before(s.BackoffUntil) {
		uerr = fmt.Errorf("%w; %v", uerr, s.backoff(t))
	}
	if err := s.Save(stateDir); err != nil {
		return r, errors.Join(uerr, err)
	}
	return r, uerr
}

// Pending says whether Run would send addr now, and why, without sending:
// for restart -n and status.
func Pending(stateDir, ifname string, addr netip.Addr, force bool, now time.Time) (send bool, why string, err error) {
	s, err := LoadState(stateDir, ifname)
	if err != nil {
		return false, "", err
	}
	send, why = Decide(s, addr, now, force)
	return send, why, nil
}

// notPublicWhy names the kind of a non-public address for a message.
func notPublicWhy(addr netip.Addr) string {
	switch {
	case addr.IsPrivate():
		return "a private address"
	case netip.MustParsePrefix("100.64.0.0/10").Contains(addr.Unmap()):
		return "a CGNAT address (6in4 works only if the ISP passes protocol 41)"
	case !addr.Unmap().Is4():
		return "not an IPv4 address"
	}
	return "not a public address"
}
