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
	var conn *icmp.PacketConn
	err := n.Do(func() (err error) {
		conn, err = listenICMP(dst)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: ping %s: %w", n.Name, dst.Unmap(), err)
	}
	if err := echo(ctx, conn, dst); err != nil {
		return fmt.Errorf("%s: %w", n.Name, err)
	}
	return nil
}

// PingHere is Ping from the network namespace the calling process lives
// in: for programs started inside a namespace, such as the simulated
// broker pinging a new tunnel endpoint from the PoP.
func PingHere(ctx context.Context, dst netip.Addr) error {
	conn, err := listenICMP(dst)
	if err != nil {
		return fmt.Errorf("ping %s: %w", dst.Unmap(), err)
	}
	return echo(ctx, conn, dst)
}

// isICMPv6 says whether dst is pinged with ICMPv6.
func isICMPv6(dst netip.Addr) bool { return dst.Is6() && !dst.Is4In6() }

func listenICMP(dst netip.Addr) (*icmp.PacketConn, error) {
	if isICMPv6(dst) {
		return icmp.ListenPacket("ip6:ipv6-icmp", "::")
	}
	return icmp.ListenPacket("ip4:icmp", "0.0.0.0")
}

// echo sends the request on conn, waits for its reply and closes conn.
func echo(ctx context.Context, conn *icmp.PacketConn, dst netip.Addr) error {
	defer conn.Close()
	proto := 1
	var reqType, replyType icmp.Type = ipv4.ICMPTypeEcho, ipv4.ICMPTypeEchoReply
	if isICMPv6(dst) {
		proto = 58
		reqType, replyType = ipv6.ICMPTypeEchoRequest, ipv6.ICMPTypeEchoReply
	}
	dst = dst.Unmap()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultPingTimeout)
		defer cancel()
	}
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
		return fmt.Errorf("ping %s: %w", dst, err)
	}
	buf := make([]byte, 1500)
	for {
		k, peer, err := conn.ReadFrom(buf)
		if err != nil {
			return fmt.Errorf("ping %s: no reply", dst)
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
