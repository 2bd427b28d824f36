package heartbeat

import (
	"crypto/md5"
	"encoding/hex"
	"net/netip"
	"strconv"
	"time"
)

const (
	Port    = 3740              // the UDP port a SixXS PoP listens on
	Sender  = "sender"          // in place of the IPv4 address: take the source's
	MaxSkew = 120 * time.Second // how far a beat's time may be off the PoP's clock
	prefix  = "HEARTBEAT TUNNEL "
)

// Message returns the heartbeat of the tunnel whose inner IPv6 address is
// inner, at t; sender is Sender or the IPv4 address it will leave from.
func Message(inner netip.Addr, sender string, t time.Time, password string) string {
	head := prefix + inner.WithZone("").String() + " " + sender + " " + strconv.FormatInt(t.Unix(), 10) + " "
	return head + digest(head, password)
}

// digest is the lowercase hex MD5 of head followed by the password.
func digest(head, password string) string {
	sum := md5.Sum([]byte(head + password))
	return hex.EncodeToString(sum[:])
}
