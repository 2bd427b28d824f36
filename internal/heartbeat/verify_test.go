package heartbeat

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const secret = "hartslag-0123"

func TestVerify(t *testing.T) {
	inner := netip.MustParseAddr("2001:db8:1::2")
	src := netip.MustParseAddr("192.0.2.7")
	now := time.Unix(1700000000, 0)
	good := Message(inner, Sender, now, secret)
	tests := []struct {
		name     string
		datagram string
		src      netip.Addr
		password string
		want     string // error; "" accepted
	}{
		{"sender", good, src, secret, ""},
		{"trailing newline, as a Tcl puts sends", good + "\n", src, secret, ""},
		{"trailing CR LF, as nc sends", good + "\r\n", src, secret, ""},
		{"explicit IPv4 that is the source", Message(inner, "192.0.2.7", now, secret), src, secret, ""},
		{"source as IPv4-mapped", good, netip.MustParseAddr("::ffff:192.0.2.7"), secret, ""},
		{"120 s fast", Message(inner, Sender, now.Add(MaxSkew), secret), src, secret, ""},
		{"120 s slow", Message(inner, Sender, now.Add(-MaxSkew), secret), src, secret, ""},
		{"121 s slow", Message(inner, Sender, now.Add(-MaxSkew-time.Second), secret), src, secret,
			"heartbeat from 192.0.2.7: time is 2m1s off"},
		{"booted in 1970", Message(inner, Sender, time.Unix(0, 0), secret), src, secret,
			"heartbeat from 192.0.2.7: time is 472222h13m20s off"},
		{"explicit IPv4 not the source", Message(inner, "192.0.2.8", now, secret), src, secret,
			`heartbeat from 192.0.2.7: says it comes from "192.0.2.8"`},
		{"wrong password", good, src, "hartslag", "heartbeat from 192.0.2.7: hash does not match"},
		{"hash in upper case", good[:len(good)-32] + strings.ToUpper(good[len(good)-32:]), src, secret,
			"heartbeat from 192.0.2.7: hash does not match"},
		{"text changed on the way", strings.Replace(good, "1::2", "1::3", 1), src, secret,
			"heartbeat from 192.0.2.7: hash does not match"},
		{"password sent instead of hash", good[:len(good)-32] + secret, src, secret,
			"heartbeat from 192.0.2.7: hash does not match"},
		{"not a heartbeat", "HELLO", src, secret, "heartbeat from 192.0.2.7: not a heartbeat"},
		{"double space", strings.Replace(good, " sender", "  sender", 1), src, secret,
			`heartbeat from 192.0.2.7: 5 fields after "HEARTBEAT TUNNEL", want 4`},
		{"IPv4 as inner address", "HEARTBEAT TUNNEL 10.0.0.1 sender 1700000000 " + strings.Repeat("0", 32), src, secret,
			`heartbeat from 192.0.2.7: "10.0.0.1" is not an IPv6 address`},
		{"time not a number", "HEARTBEAT TUNNEL 2001:db8:1::2 sender 17e8 " + strings.Repeat("0", 32), src, secret,
			`heartbeat from 192.0.2.7: bad time "17e8"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Verify([]byte(tt.datagram), tt.src, now, tt.password)
			got := ""
			if err != nil {
				got = err.Error()
				if strings.Contains(got, tt.password) || strings.Contains(got, secret) {
					t.Errorf("error %q shows the password", got)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if err == nil && (b.Inner != inner || b.Endpoint != src.Unmap()) {
				t.Errorf("beat %+v, want inner %v endpoint %v", b, inner, src)
			}
		})
	}
}

func TestVerifyWrongPasswordIsErrBadHash(t *testing.T) {
	now := time.Unix(1700000000, 0)
	msg := Message(netip.MustParseAddr("2001:db8::2"), Sender, now, secret)
	_, err := Verify([]byte(msg), netip.MustParseAddr("192.0.2.7"), now, "other")
	if !errors.Is(err, ErrBadHash) {
		t.Errorf("error %v, want ErrBadHash", err)
	}
}

func TestMessageDoesNotContainPassword(t *testing.T) {
	msg := Message(netip.MustParseAddr("2001:db8::2"), Sender, time.Unix(1700000000, 0), secret)
	if strings.Contains(msg, secret) {
		t.Errorf("message %q carries the password", msg)
	}
}
