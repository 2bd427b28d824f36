package broker

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"net/url"
	"time"
)

// Back-off after failures, as ddclient (5 minutes after an error) and inadyn
// (600 s after "abuse"): HE blocks a tunnel sending about 3 updates a
// minute, longer when hammered.
const (
	retryBackoff    = 5 * time.Minute
	retryBackoffMax = time.Hour
	abuseBackoff    = 10 * time.Minute
	abuseBackoffMax = 6 * time.Hour
)

// wrongSettings, which only a changed update URL fixes, back off at once.
var wrongSettings = map[string]bool{"badauth": true, "nohost": true, "!yours": true,
	"notfqdn": true, "numhost": true, "badagent": true, "!donator": true}

// decide says whether to send addr now, and why: when the broker last
// accepted another address, or when forced; not in a back-off unless forced,
// and never after "abuse" (each update prolongs it).
func decide(s State, addr netip.Addr, now time.Time, force bool) (send bool, why string) {
	if !addr.IsValid() {
		return false, "no address to send"
	}
	if e := s.backoff(now); now.Before(e.until) {
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
		return false, fmt.Sprintf("the broker already has %s (accepted %s)", addr,
			s.Accepted.In(now.Location()).Format(time.DateTime))
	case !s.Address.IsValid():
		return true, fmt.Sprintf("the broker has accepted no address yet; sending %s", addr)
	}
	return true, fmt.Sprintf("address changed from %s to %s", s.Address, addr)
}

// Record updates s with Update's a and err for addr sent at now. A success
// forgets failures. "abuse" backs off 10 minutes, doubling each time, up to
// 6 hours; wrong settings 5 minutes, doubling, up to an hour; other failures
// the same from the second in a row: a single one is retried next restart.
func (s *State) Record(a Answer, err error, addr netip.Addr, now time.Time) {
	s.When, s.Code = now, a.Code
	if a.Code != "" {
		s.Answer = a.String()
	} else if err != nil {
		s.Answer = sanitize([]byte(err.Error()), 200)
	}
	if err == nil && a.OK() {
		s.Address, s.BrokerAddress, s.Accepted = addr, a.Addr, now
		s.Failures, s.Abuses, s.BackoffUntil = 0, 0, time.Time{}
		return
	}
	s.Failures++
	s.BackoffUntil = time.Time{}
	switch {
	case a.Code == "abuse":
		s.Abuses++
		s.BackoffUntil = now.Add(min(abuseBackoff<<min(s.Abuses-1, 10), abuseBackoffMax))
	case wrongSettings[a.Code]:
		s.BackoffUntil = now.Add(min(retryBackoff<<min(s.Failures-1, 10), retryBackoffMax))
	case s.Failures >= 2:
		s.BackoffUntil = now.Add(min(retryBackoff<<min(s.Failures-2, 10), retryBackoffMax))
	}
	if a.Code == "" || a.Addr.IsValid() {
		// taken despite a timeout, or another address: Address is gone
		s.Address = netip.Addr{}
		s.BrokerAddress = a.Addr
	}
}

// backoffError says that earlier failures hold an update back.
type backoffError struct {
	s     State
	until time.Time // s.BackoffUntil in now's zone, at most the maximum from now
}

// backoff describes s's back-off at now, at most the maximum (a clock ahead, a
// damaged file).
func (s State) backoff(now time.Time) *backoffError {
	end := now.Add(retryBackoffMax)
	if s.Code == "abuse" {
		end = now.Add(abuseBackoffMax)
	}
	if s.BackoffUntil.Before(end) {
		end = s.BackoffUntil
	}
	return &backoffError{s, end.In(now.Location())}
}

// clamped says the recorded end lay beyond the maximum.
func (e *backoffError) clamped() bool { return !e.until.Equal(e.s.BackoffUntil) }

// Error says until when, and how the admin can end it.
func (e *backoffError) Error() string {
	switch {
	case e.s.Code == "abuse":
		return e.held() + "; gifctl update --force cannot override it: the broker refuses updates while it blocks the tunnel"
	case wrongSettings[e.s.Code]:
		return e.held() + "; correct the update-url (a changed one ends the back-off) or override it with gifctl update --force " + e.s.Tunnel
	}
	return e.held() + "; gifctl update --force " + e.s.Tunnel + " overrides it"
}

// held is the back-off without the way out.
func (e *backoffError) held() string {
	msg := fmt.Sprintf("backing off until %s after %d failed updates", e.until.Format(time.DateTime), e.s.Failures)
	if e.s.Code != "" {
		msg = fmt.Sprintf("backing off until %s after %q", e.until.Format(time.DateTime), e.s.Answer)
	}
	if e.clamped() {
		msg += fmt.Sprintf(" (%s recorded a later end, beyond the maximum: a clock that was ahead? remove the file to clear it)", e.s.path)
	}
	return msg
}

// urlHash shows in the state file, without the key, that the URL changed.
func urlHash(u *url.URL) string {
	sum := sha256.Sum256([]byte("gifctl update-url\n" + u.String()))
	return hex.EncodeToString(sum[:16])
}

// settingsChanged ends, and says so, a wrongSettings back-off once the
// update URL changed: a correction is tried at once.
func (s *State) settingsChanged(urlHash string) string {
	if !wrongSettings[s.Code] || s.BackoffUntil.IsZero() || s.URLHash == "" || s.URLHash == urlHash {
		return ""
	}
	s.BackoffUntil, s.Failures = time.Time{}, 0
	return fmt.Sprintf("the update-url changed since the broker answered %q: back-off ended", s.Answer)
}
