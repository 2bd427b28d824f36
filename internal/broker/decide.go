package broker

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"net/url"
	"time"
)

// Back-off after failures. ddclient waits at least 5 minutes after an
// error, inadyn 600 s after "abuse"; HE blocks a tunnel for a while after
// about 3 updates a minute, so hammering only makes it longer.
const (
	retryBackoff    = 5 * time.Minute
	retryBackoffMax = time.Hour
	abuseBackoff    = 10 * time.Minute
	abuseBackoffMax = 6 * time.Hour
)

// wrongSettings are the answers no retry can fix until the admin changes
// the update URL: they back off from the first one, not to hammer the
// broker with a wrong key.
var wrongSettings = map[string]bool{
	"badauth":  true,
	"nohost":   true,
	"!yours":   true,
	"notfqdn":  true,
	"numhost":  true,
	"badagent": true,
	"!donator": true,
}

// timeLayout is how times appear in messages.
const timeLayout = "2006-01-02 15:04:05"

// decide says whether to send addr to the broker now, and why. It sends
// when addr is not the address the broker last accepted, or when force
// says so; not while backing off after failures, unless force; and never
// while backing off after "abuse", force or not: HE refuses updates while
// it blocks the tunnel, and each one prolongs the block.
func decide(s State, addr netip.Addr, now time.Time, force bool) (send bool, why string) {
	if !addr.IsValid() {
		return false, "no address to send"
	}
	if e := s.backoff(now); now.Before(e.Until) {
		if force && s.Code != "abuse" {
			return true, "forced, despite " + e.held()
		}
		return false, e.Error()
	}
	switch {
	case addr == s.Address && force:
		return true, fmt.Sprintf("forced; the broker already has %s", addr)
	case addr == s.Address && s.Accepted.IsZero():
		return false, fmt.Sprintf("the broker already has %s", addr)
	case addr == s.Address:
		return false, fmt.Sprintf("the broker already has %s (accepted %s)", addr, s.Accepted.In(now.Location()).Format(timeLayout))
	case !s.Address.IsValid():
		return true, fmt.Sprintf("the broker has accepted no address yet; sending %s", addr)
	}
	return true, fmt.Sprintf("address changed from %s to %s", s.Address, addr)
}

// Record updates s after an attempt to send addr at now: a, err are what
// Client.Update returned. A success forgets failures and remembers addr;
// "abuse" backs off 10 minutes, doubling with each further one, up to 6
// hours; an answer that means wrong settings (badauth, nohost, ...) backs
// off 5 minutes, doubling, up to an hour; any other failure does the same
// from the second one in a row, so a single failure is retried at the next
// restart.
func (s *State) Record(a Answer, err error, addr netip.Addr, now time.Time) {
	s.When = now
	s.Code = a.Code
	if a.Code != "" {
		s.Answer = a.String()
	} else if err != nil {
		s.Answer = sanitizeN([]byte(err.Error()), 200)
	}
	if err == nil && a.OK() {
		s.Address = addr
		s.BrokerAddress = a.Addr
		s.Accepted = now
		s.Failures, s.Abuses = 0, 0
		s.BackoffUntil = time.Time{}
		return
	}
	s.Failures++
	switch {
	case a.Code == "abuse":
		s.Abuses++
		s.BackoffUntil = now.Add(grow(abuseBackoff, s.Abuses-1, abuseBackoffMax))
	case wrongSettings[a.Code]:
		s.BackoffUntil = now.Add(grow(retryBackoff, s.Failures-1, retryBackoffMax))
	case s.Failures >= 2:
		s.BackoffUntil = now.Add(grow(retryBackoff, s.Failures-2, retryBackoffMax))
	default:
		s.BackoffUntil = time.Time{}
	}
	if a.Code == "" || a.Addr.IsValid() {
		// No answer (a timeout, say): the broker may have taken addr
		// after all, so it may no longer have Address either. Or it
		// named another address than the one sent: it has that one.
		s.Address = netip.Addr{}
		s.BrokerAddress = a.Addr
	}
}

// grow is base doubled n times, at most max.
func grow(base time.Duration, n int, max time.Duration) time.Duration {
	d := base
	for range n {
		d *= 2
		if d >= max {
			return max
		}
	}
	return min(d, max)
}

// backoffError says that no update was sent because of an earlier failure.
type backoffError struct {
	Tunnel string
	Until  time.Time
	// After is the answer that caused it, or "" after errors without one.
	After    string
	Failures int
	// Code is the code of that answer: it decides what ends the back-off.
	Code string
	// Clamped names the state file when it recorded a back-off beyond
	// the maximum from now, and Until is that maximum.
	Clamped string
	loc     *time.Location
}

// Error says until when, and how the admin can end it, where they can.
func (e *backoffError) Error() string {
	switch {
	case e.Code == "abuse":
		return e.held() + "; gifctl update --force cannot override it: the broker refuses updates while it blocks the tunnel"
	case wrongSettings[e.Code]:
		return e.held() + "; correct the update-url (a changed one ends the back-off) or override it with gifctl update --force " + e.Tunnel
	}
	return e.held() + "; gifctl update --force " + e.Tunnel + " overrides it"
}

// held is the back-off without the way out.
func (e *backoffError) held() string {
	until := e.Until
	if e.loc != nil {
		until = until.In(e.loc)
	}
	msg := fmt.Sprintf("backing off until %s after %s", until.Format(timeLayout), quote(e.After))
	if e.After == "" {
		msg = fmt.Sprintf("backing off until %s after %d failed updates", until.Format(timeLayout), e.Failures)
	}
	if e.Clamped != "" {
		msg += fmt.Sprintf(" (%s recorded a later end, beyond the maximum: a clock that was ahead? remove the file to clear it)", e.Clamped)
	}
	return msg
}

// backoff describes s's back-off in now's time zone. A back-off recorded
// further ahead than Record ever sets one (the clock was ahead when it
// was recorded, or the file is damaged) ends at the maximum from now.
func (s State) backoff(now time.Time) *backoffError {
	e := &backoffError{Tunnel: s.Tunnel, Until: s.BackoffUntil, Failures: s.Failures, Code: s.Code, loc: now.Location()}
	if s.Code != "" {
		e.After = s.Answer
	}
	max := retryBackoffMax
	if s.Code == "abuse" {
		max = abuseBackoffMax
	}
	if e.Until.After(now.Add(max)) {
		e.Until, e.Clamped = now.Add(max), s.path
	}
	return e
}

// urlHash stands for an update URL in the state file, which must not hold
// the URL: it carries the key. It only has to show that the URL changed;
// whoever can read the state directory can read gifctl.conf too.
func urlHash(u *url.URL) string {
	sum := sha256.Sum256([]byte("gifctl update-url\n" + u.String()))
	return hex.EncodeToString(sum[:16])
}

// settingsChanged ends a back-off after an answer that means wrong settings
// once the update URL differs from the one that got that answer: the admin
// has corrected the key or the tunnel id, and the correction is tried at
// once. It says so, or returns "" when nothing changed.
func (s *State) settingsChanged(urlHash string) string {
	if !wrongSettings[s.Code] || s.BackoffUntil.IsZero() || s.URLHash == "" || s.URLHash == urlHash {
		return ""
	}
	s.BackoffUntil = time.Time{}
	s.Failures = 0
	return fmt.Sprintf("the update-url changed since the broker answered %s: back-off ended", quote(s.Answer))
}
