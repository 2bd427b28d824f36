package heartbeat

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Beat is a heartbeat a PoP accepted.
type Beat struct {
	Inner    netip.Addr // the tunnel's inner IPv6 address
	Endpoint netip.Addr // the tunnel's IPv4 end: the datagram's source
	Time     time.Time
}

// Verify checks a datagram received from src the way sixxsd does
// (src/hb.c): trailing CR and LF cut, the prefix, an IPv6 address, "sender"
// or an IPv4 address equal to src, a time within MaxSkew of now, and the
// MD5 over the text as received with password in place of the hash. It is
// the PoP's side, for this package's tests: gifctl only sends. Errors never
// contain the password or the expected hash.
func Verify(datagram []byte, src netip.Addr, now time.Time, password string) (Beat, error) {
	src = src.Unmap()
	msg := strings.TrimRight(string(datagram), "\r\n")
	rest, ok := strings.CutPrefix(msg, prefix)
	if !ok {
		return Beat{}, fmt.Errorf("heartbeat from %v: not a heartbeat", src)
	}
	f := strings.Split(rest, " ")
	if len(f) != 4 {
		return Beat{}, fmt.Errorf("heartbeat from %v: %d fields after %q, want 4", src, len(f), strings.TrimSpace(prefix))
	}
	inner, err := netip.ParseAddr(f[0])
	if err != nil || !inner.Is6() || inner.Zone() != "" {
		return Beat{}, fmt.Errorf("heartbeat from %v: %q is not an IPv6 address", src, f[0])
	}
	if f[1] != Sender {
		a, err := netip.ParseAddr(f[1])
		if err != nil || a.Unmap() != src {
			return Beat{}, fmt.Errorf("heartbeat from %v: says it comes from %q", src, f[1])
		}
	}
	secs, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || strconv.FormatInt(secs, 10) != f[2] {
		return Beat{}, fmt.Errorf("heartbeat from %v: bad time %q", src, f[2])
	}
	t := time.Unix(secs, 0)
	if skew := now.Sub(t).Abs(); skew > MaxSkew {
		return Beat{}, fmt.Errorf("heartbeat from %v: time is %v off", src, skew.Round(time.Second))
	}
	head := prefix + f[0] + " " + f[1] + " " + f[2] + " "
	sum := md5.Sum([]byte(head + password)) // as sixxsd hashes, apart from Message
	if subtle.ConstantTimeCompare([]byte(f[3]), []byte(hex.EncodeToString(sum[:]))) != 1 {
		return Beat{}, fmt.Errorf("heartbeat from %v: %w", src, ErrBadHash)
	}
	return Beat{Inner: inner, Endpoint: src, Time: t}, nil
}

// ErrBadHash is a heartbeat whose hash does not verify: wrong password,
// or text changed on the way.
var ErrBadHash = errors.New("hash does not match")
