package heartbeat

import (
	"crypto/md5"
	"encoding/hex"
	"net/netip"
	"strconv"
	"time"
)

// Port is the UDP port a SixXS PoP listens on for heartbeats.
const Port = 3740

// Sender in place of an IPv4 address tells the PoP to use the datagram's
// source address as the tunnel's IPv4 end.
const Sender = "sender"

// MaxSkew is how far a beat's time may be from the PoP's clock.
const MaxSkew = 120 * time.Second

// prefix starts every heartbeat.
const prefix = "HEARTBEAT TUNNEL "

// Message returns the heartbeat text for the tunnel whose inner (local)
// IPv6 address is inner, at time t: "HEARTBEAT TUNNEL <inner> <sender>
// <unix time> <md5>". sender is Sender or the IPv4 address the beat will
// be sent from. inner must be an IPv6 address; the config parser sees to
// that.
func Message(inner netip.Addr, sender string, t time.Time, password string) string {
	head := prefix + inner.WithZone("").String() + " " + sender + " " + strconv.FormatInt(t.Unix(), 10) + " "
	return head + digest(head, password)
}

// digest is the lowercase hex MD5 of head followed by the password.
func digest(head, password string) string {
	h := md5.New()
	h.Write([]byte(head))
	h.Write([]byte(password))
	return hex.EncodeToString(h.Sum(nil))
}
