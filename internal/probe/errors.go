package probe

import (
	"errors"
	"net/netip"
	"strings"
	"time"
)

// ErrNoReply matches the error of Any when no target answered before the
// context ended: the check is false (gifctl check exits 1).
var ErrNoReply = errors.New("no reply")

// noReplyError is the error Any returns when no target answered. It
// matches ErrNoReply, and SendErr when that is set.
type noReplyError struct {
	Targets []netip.Addr
	Waited  time.Duration // from the first send to giving up
	Rounds  int           // rounds of echo requests sent
	// SendErr is the last error a send gave (ENETUNREACH, ENETDOWN, ...),
	// nil when every request went out. For gifctl -v: it tells a link
	// that is down from a network that is silent.
	SendErr error
}

func (e *noReplyError) Error() string {
	var b strings.Builder
	b.WriteString("no reply from ")
	for i, a := range e.Targets {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.String())
	}
	b.WriteString(" in ")
	b.WriteString(e.Waited.Round(time.Millisecond).String())
	if e.SendErr != nil {
		b.WriteString("; last send error: ")
		b.WriteString(e.SendErr.Error())
	}
	return b.String()
}

// Unwrap lets errors.Is find ErrNoReply and the send error.
func (e *noReplyError) Unwrap() []error {
	if e.SendErr == nil {
		return []error{ErrNoReply}
	}
	return []error{ErrNoReply, e.SendErr}
}
