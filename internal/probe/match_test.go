package probe

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

func marshal(t *testing.T, typ icmp.Type, body icmp.MessageBody) []byte {
	t.Helper()
	b, err := (&icmp.Message{Type: typ, Body: body}).Marshal(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMatch(t *testing.T) {
	sent := time.Unix(1000, 0)
	live4 := netip.MustParseAddr("198.18.1.2")
	live6 := netip.MustParseAddr("2001:db8:1::2")
	echo := func(id, seq int) *icmp.Echo { return &icmp.Echo{ID: id, Seq: seq, Data: payload} }
	corrupt := func(b []byte) []byte { b = append([]byte(nil), b...); b[len(b)-1] ^= 1; return b }
	reply4 := marshal(t, ipv4.ICMPTypeEchoReply, echo(77, 5))
	reply6 := marshal(t, ipv6.ICMPTypeEchoReply, echo(77, 5))

	tests := []struct {
		name string
		fam  Family
		b    []byte
		from netip.Addr
		want bool
	}{
		{"v4 reply", IPv4, reply4, live4, true},
		{"v4 reply from 4in6 form", IPv4, reply4, netip.AddrFrom16(live4.As16()), true},
		{"v4 wrong id", IPv4, marshal(t, ipv4.ICMPTypeEchoReply, echo(78, 5)), live4, false},
		{"v4 seq not sent", IPv4, marshal(t, ipv4.ICMPTypeEchoReply, echo(77, 6)), live4, false},
		{"v4 not a target", IPv4, reply4, netip.MustParseAddr("198.18.1.3"), false},
		{"v4 our own request", IPv4, marshal(t, ipv4.ICMPTypeEcho, echo(77, 5)), live4, false},
		{"v4 bad checksum", IPv4, corrupt(reply4), live4, false},
		{"v4 unreachable quoting request", IPv4, marshal(t, ipv4.ICMPTypeDestinationUnreachable,
			&icmp.DstUnreach{Data: marshal(t, ipv4.ICMPTypeEcho, echo(77, 5))}), live4, false},
		{"v4 truncated", IPv4, reply4[:3], live4, false},
		{"v4 empty", IPv4, nil, live4, false},
		{"v6 reply", IPv6, reply6, live6, true},
		{"v6 reply with zone", IPv6, reply6, live6.WithZone("eth0"), true},
		{"v6 wrong id", IPv6, marshal(t, ipv6.ICMPTypeEchoReply, echo(1, 5)), live6, false},
		{"v6 seq not sent", IPv6, marshal(t, ipv6.ICMPTypeEchoReply, echo(77, 4)), live6, false},
		{"v6 not a target", IPv6, reply6, netip.MustParseAddr("2001:db8:1::3"), false},
		{"v6 our own request", IPv6, marshal(t, ipv6.ICMPTypeEchoRequest, echo(77, 5)), live6, false},
		{"v6 unreachable quoting request", IPv6, marshal(t, ipv6.ICMPTypeDestinationUnreachable,
			&icmp.DstUnreach{Data: marshal(t, ipv6.ICMPTypeEchoRequest, echo(77, 5))}), live6, false},
		{"v6 parsed as v4 reply type", IPv6, reply4, live6, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &matcher{
				family:  tt.fam,
				id:      77,
				targets: []netip.Addr{live4, live6},
				sent:    map[uint16]time.Time{5: sent},
			}
			at, ok := m.match(tt.b, tt.from)
			if ok != tt.want {
				t.Fatalf("match = %v, want %v", ok, tt.want)
			}
			if ok && !at.Equal(sent) {
				t.Errorf("sent at %v, want %v", at, sent)
			}
		})
	}
}

func TestChecksumOK(t *testing.T) {
	for _, n := range []int{0, 1, 5, 16} {
		b := marshal(t, ipv4.ICMPTypeEcho, &icmp.Echo{ID: 1, Seq: 2, Data: make([]byte, n)})
		if !checksumOK(b) {
			t.Errorf("%d byte payload: checksum of a marshalled message does not verify", n)
		}
	}
}

func TestAnyRefusesBadTargets(t *testing.T) {
	tests := []struct {
		fam     Family
		targets []netip.Addr
		want    string
	}{
		{IPv4, nil, "ipv4: no targets"},
		{IPv4, []netip.Addr{netip.MustParseAddr("2001:db8::1")}, "ipv4: target 2001:db8::1 is not an ipv4 address"},
		{IPv6, []netip.Addr{netip.MustParseAddr("198.18.0.1")}, "ipv6: target 198.18.0.1 is not an ipv6 address"},
		{IPv6, []netip.Addr{netip.MustParseAddr("::ffff:198.18.0.1")}, "ipv6: target ::ffff:198.18.0.1 is not an ipv6 address"},
	}
	for _, tt := range tests {
		// No socket needed: targets are checked before anything is sent.
		_, err := (&Prober{family: tt.fam}).Any(t.Context(), tt.targets)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%v %v: error (-want +got):\n%s", tt.fam, tt.targets, diff)
		}
	}
}

func TestNoReplyError(t *testing.T) {
	e := &noReplyError{
		Targets: []netip.Addr{netip.MustParseAddr("198.18.1.2"), netip.MustParseAddr("198.18.2.2")},
		Waited:  1000400 * time.Microsecond,
		Rounds:  5,
	}
	if diff := cmp.Diff("no reply from 198.18.1.2, 198.18.2.2 in 1s", e.Error()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
