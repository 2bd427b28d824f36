package broker

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 11, 23, 21, 5, 0, 0, time.UTC)

func TestDecide(t *testing.T) {
	a := netip.MustParseAddr("198.51.100.7")
	b := netip.MustParseAddr("198.51.100.8")
	accepted := State{Tunnel: "gif0", Address: a, Accepted: t0.Add(-time.Hour)}
	abused := State{Tunnel: "gif0", Address: a, Code: "abuse", Answer: "abuse", Failures: 1, Abuses: 1,
		BackoffUntil: t0.Add(10 * time.Minute)}
	failing := State{Tunnel: "gif0", Code: "badauth", Answer: "badauth", Failures: 1,
		BackoffUntil: t0.Add(5 * time.Minute)}
	noAnswer := State{Tunnel: "gif0", Failures: 3, BackoffUntil: t0.Add(time.Minute)}
	// Recorded 30 days ahead: by a clock that was ahead, or damaged.
	ahead := State{Tunnel: "gif0", Code: "abuse", Answer: "abuse", Failures: 1, Abuses: 1,
		BackoffUntil: t0.Add(30 * 24 * time.Hour), path: "/var/db/gifctl/gif0.broker.json"}
	aheadNoAnswer := State{Tunnel: "gif0", Failures: 3, BackoffUntil: t0.Add(30 * 24 * time.Hour), path: "/var/db/gifctl/gif0.broker.json"}
	type want struct {
		Send bool
		Why  string
	}
	for _, tc := range []struct {
		name  string
		s     State
		addr  netip.Addr
		now   time.Time
		force bool
		want  want
	}{
		{"first", State{Tunnel: "gif0"}, a, t0, false,
			want{true, "the broker has accepted no address yet; sending 198.51.100.7"}},
		{"same", accepted, a, t0, false,
			want{false, "the broker already has 198.51.100.7 (accepted 2026-11-23 20:05:00)"}},
		{"same forced", accepted, a, t0, true,
			want{true, "forced; the broker already has 198.51.100.7"}},
		{"changed", accepted, b, t0, false,
			want{true, "address changed from 198.51.100.7 to 198.51.100.8"}},
		{"no address", accepted, netip.Addr{}, t0, true, want{false, "no address to send"}},
		{"abuse", abused, b, t0, false,
			want{false, `backing off until 2026-11-23 21:15:00 after "abuse"; gifctl update --force cannot override it: the broker refuses updates while it blocks the tunnel`}},
		{"abuse forced", abused, b, t0, true,
			want{false, `backing off until 2026-11-23 21:15:00 after "abuse"; gifctl update --force cannot override it: the broker refuses updates while it blocks the tunnel`}},
		{"abuse over", abused, b, t0.Add(10 * time.Minute), false,
			want{true, "address changed from 198.51.100.7 to 198.51.100.8"}},
		{"abuse over, same address", abused, a, t0.Add(10 * time.Minute), false,
			want{false, "the broker already has 198.51.100.7"}},
		{"badauth", failing, a, t0, false,
			want{false, `backing off until 2026-11-23 21:10:00 after "badauth"; correct the update-url (a changed one ends the back-off) or override it with gifctl update --force gif0`}},
		{"badauth forced", failing, a, t0, true,
			want{true, `forced, despite backing off until 2026-11-23 21:10:00 after "badauth"`}},
		{"errors without answer", noAnswer, a, t0, false,
			want{false, "backing off until 2026-11-23 21:06:00 after 3 failed updates; gifctl update --force gif0 overrides it"}},
		{"abuse recorded beyond 6 hours", ahead, a, t0, false,
			want{false, `backing off until 2026-11-24 03:05:00 after "abuse" (/var/db/gifctl/gif0.broker.json recorded a later end, beyond the maximum: a clock that was ahead? remove the file to clear it); gifctl update --force cannot override it: the broker refuses updates while it blocks the tunnel`}},
		{"failures recorded beyond an hour", aheadNoAnswer, a, t0, false,
			want{false, `backing off until 2026-11-23 22:05:00 after 3 failed updates (/var/db/gifctl/gif0.broker.json recorded a later end, beyond the maximum: a clock that was ahead? remove the file to clear it); gifctl update --force gif0 overrides it`}},
		{"time zone of now", failing, a, t0.In(time.FixedZone("CET", 3600)), false,
			want{false, `backing off until 2026-11-23 22:10:00 after "badauth"; correct the update-url (a changed one ends the back-off) or override it with gifctl update --force gif0`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			send, why := decide(tc.s, tc.addr, tc.now, tc.force)
			if diff := cmp.Diff(tc.want, want{send, why}); diff != "" {
				t.Errorf("decide (-want +got):\n%s", diff)
			}
		})
	}
}

// step is one attempt in a Record sequence.
type step struct {
	after  time.Duration // since the previous step
	answer Answer
	err    error
	// wanted state afterwards
	failures int
	backoff  time.Duration // from this step; 0 for none
}

func TestRecordBackoff(t *testing.T) {
	addr := netip.MustParseAddr("198.51.100.7")
	good := Answer{Code: "good", Addr: addr, Text: "198.51.100.7"}
	abuse := Answer{Code: "abuse"}
	badauth := Answer{Code: "badauth"}
	e911 := Answer{Code: "911"}
	failed := errors.New("failed")
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"abuse doubles up to 6 h", []step{
			{0, abuse, failed, 1, 10 * time.Minute},
			{11 * time.Minute, abuse, failed, 2, 20 * time.Minute},
			{21 * time.Minute, abuse, failed, 3, 40 * time.Minute},
			{time.Hour, abuse, failed, 4, 80 * time.Minute},
			{2 * time.Hour, abuse, failed, 5, 160 * time.Minute},
			{3 * time.Hour, abuse, failed, 6, 320 * time.Minute},
			{6 * time.Hour, abuse, failed, 7, 6 * time.Hour},
			{7 * time.Hour, abuse, failed, 8, 6 * time.Hour},
			{7 * time.Hour, good, nil, 0, 0},
			{time.Hour, abuse, failed, 1, 10 * time.Minute},
		}},
		{"badauth backs off from the first", []step{
			{0, badauth, failed, 1, 5 * time.Minute},
			{6 * time.Minute, badauth, failed, 2, 10 * time.Minute},
			{11 * time.Minute, badauth, failed, 3, 20 * time.Minute},
			{21 * time.Minute, badauth, failed, 4, 40 * time.Minute},
			{41 * time.Minute, badauth, failed, 5, time.Hour},
			{61 * time.Minute, badauth, failed, 6, time.Hour},
			{61 * time.Minute, good, nil, 0, 0},
		}},
		{"other failures from the second", []step{
			{0, e911, failed, 1, 0},
			{time.Minute, Answer{}, failed, 2, 5 * time.Minute},
			{6 * time.Minute, e911, failed, 3, 10 * time.Minute},
			{11 * time.Minute, e911, failed, 4, 20 * time.Minute},
			{21 * time.Minute, e911, failed, 5, 40 * time.Minute},
			{41 * time.Minute, e911, failed, 6, time.Hour},
			{61 * time.Minute, e911, failed, 7, time.Hour},
			{61 * time.Minute, good, nil, 0, 0},
			{time.Minute, e911, failed, 1, 0},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := State{Tunnel: "gif0"}
			now := t0
			for i, st := range tc.steps {
				now = now.Add(st.after)
				if send, why := decide(s, netip.MustParseAddr("192.0.2.1"), now, false); !send && st.answer.Code != "abuse" {
					t.Fatalf("step %d: decide would not send: %s", i, why)
				}
				s.Record(st.answer, st.err, addr, now)
				var until time.Time
				if st.backoff != 0 {
					until = now.Add(st.backoff)
				}
				if s.Failures != st.failures || !s.BackoffUntil.Equal(until) || !s.When.Equal(now) {
					t.Fatalf("step %d (%s): failures %d, backoff until %v; want %d, %v",
						i, st.answer, s.Failures, s.BackoffUntil, st.failures, until)
				}
			}
		})
	}
}

func TestRecordSuccess(t *testing.T) {
	local := netip.MustParseAddr("10.0.0.2")
	public := netip.MustParseAddr("198.51.100.7")
	s := State{Tunnel: "gif0", Failures: 3, Abuses: 1, BackoffUntil: t0, Answer: "abuse", Code: "abuse"}
	s.Record(Answer{Code: "good", Addr: public, Text: "198.51.100.7"}, nil, local, t0)
	want := State{Tunnel: "gif0", Address: local, BrokerAddress: public, Answer: "good 198.51.100.7",
		Code: "good", When: t0, Accepted: t0}
	if diff := cmp.Diff(want, s, addrComparer); diff != "" {
		t.Errorf("after good (-want +got):\n%s", diff)
	}
	// Behind NAT the local address is what decide compares: no second update.
	if send, why := decide(s, local, t0.Add(time.Hour), false); send {
		t.Errorf("decide sends the same local address again: %s", why)
	}
	// A failure with an answer keeps what the broker has ...
	s.Record(Answer{Code: "911"}, errors.New("911"), netip.MustParseAddr("10.0.0.3"), t0)
	if s.Address != local || s.Answer != "911" {
		t.Errorf("after 911: %+v", s)
	}
	// ... one without an answer may have changed it.
	s.Record(Answer{}, errors.New("https://alice:*****@h/nic/update: context deadline exceeded"), local, t0)
	if s.Address.IsValid() || s.Answer != "https://alice:*****@h/nic/update: context deadline exceeded" {
		t.Errorf("after a timeout: %+v", s)
	}
}
