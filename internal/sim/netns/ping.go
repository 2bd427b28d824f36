package netns

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// DefaultPingTimeout bounds Ping when ctx has no deadline, like ping -W1.
const DefaultPingTimeout = time.Second

// Ping sends one ICMP (IPv4) or ICMPv6 echo request to dst from inside the
// namespace and waits for the matching reply until ctx ends (or
// DefaultPingTimeout passes): `ping -c1 -W1`, without iputils. The socket
// is raw, so replies are matched by identifier and a random payload.
func (n *Namespace) Ping(ctx context.Context, dst netip.Addr) error {
	network, listen, proto := "ip4:icmp", "0.0.0.0", 1
	var reqType, replyType icmp.Type = ipv4.ICMPTypeEcho, ipv4.ICMPTypeEchoReply
	if dst.Is6() && !dst.Is4In6() {
		network, listen, proto = "ip6:ipv6-icmp", "::", 58
		reqType, replyType = ipv6.ICMPTypeEchoRequest, ipv6.ICMPTypeEchoReply
	}
	dst = dst.Unmap()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultPingTimeout)
		defer cancel()
	}
	var conn *icmp.PacketConn
	err := n.Do(func() (err error) {
		conn, err = icmp.ListenPacket(network, listen)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: ping %s: %w", n.Name, dst, err)
	}
	defer conn.Close()
	dl, _ := ctx.Deadline()
	conn.SetReadDeadline(dl)
	stop := context.AfterFunc(ctx, func() { conn.SetReadDeadline(time.Now()) })
	defer stop()

	token := make([]byte, 16)
	rand.Read(token)
	id := int(binary.BigEndian.Uint16(token))
	req := icmp.Message{Type: reqType, Body: &icmp.Echo{ID: id, Seq: 1, Data: token}}
	b, err := req.Marshal(nil) // ICMPv6 checksum: the kernel fills it in
	if err != nil {
		return err
	}
	if _, err := conn.WriteTo(b, &net.IPAddr{IP: dst.AsSlice()}); err != nil {
		return fmt.Errorf("%s: ping %s: %w", n.Name, dst, err)
	}
	buf := make([]byte, 1500)
	for {
		k, peer, err := conn.ReadFrom(buf)
		if err != nil {
			return fmt.Errorf("%s: ping %s: no reply", n.Name, dst)
		}
		m, err := icmp.ParseMessage(proto, buf[:k])
		if err != nil || m.Type != replyType {
			continue
		}
		echo, ok := m.Body.(*icmp.Echo)
		from, _ := netip.AddrFromSlice(peer.(*net.IPAddr).IP)
		if ok && echo.ID == id && bytes.Equal(echo.Data, token) && from.Unmap() == dst {
			return nil
		}
	}
}
