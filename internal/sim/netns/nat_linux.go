package netns

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// Masquerade makes the namespace a NAT for the addresses in from: what
// they send out through outIf gets the source address of outIf, as a home
// router or a carrier-grade NAT does for its private customers, and replies
// are translated back (conntrack, which also handles protocol 41 as a
// generic protocol). It speaks nf_tables over netlink itself, so neither
// nft(8) nor iptables(8) need be installed; the kernel needs nf_tables with
// NAT (CONFIG_NFT_NAT, CONFIG_NFT_MASQ).
//
// Only from, not every source: conntrack starts tracking when the rule
// appears, so a packet of a public address's flow caught by the rule would
// take outIf's address too, and generic protocols have no port to tell two
// flows apart. Protocol 41 from the public address, sent as the rule
// appeared and so masqueraded, held the NAT's address to the PoP for the
// generic timeout (600 s), and the tunnel from the private address could
// not get it.
//
// The rule is `table ip gifsim { chain postrouting { type nat hook
// postrouting priority srcnat; oifname OUTIF ip saddr FROM masquerade } }`.
func (n *Namespace) Masquerade(outIf string, from netip.Prefix) error {
	if len(outIf) >= unix.IFNAMSIZ {
		return fmt.Errorf("%s: masquerade: %q: interface name too long", n.Name, outIf)
	}
	if !from.Addr().Is4() {
		return fmt.Errorf("%s: masquerade: %s: not an IPv4 prefix", n.Name, from)
	}
	err := n.Do(func() error { return nftMasquerade(outIf, from.Masked()) })
	if err != nil {
		return fmt.Errorf("%s: masquerade %s on %s: %w", n.Name, from, outIf, err)
	}
	return nil
}

const (
	nftTable          = "gifsim"
	nftChain          = "postrouting"
	natPrioritySrcNAT = 100 // NF_IP_PRI_NAT_SRC, nft's "srcnat"
)

// nftMasquerade sends the table, chain and rule in one batch, as nft(8)
// does, and waits for the kernel's acknowledgement of each.
func nftMasquerade(outIf string, from netip.Prefix) error {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_NETFILTER)
	if err != nil {
		return fmt.Errorf("netlink: %w", err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("netlink: %w", err)
	}

	ifname := make([]byte, unix.IFNAMSIZ)
	copy(ifname, outIf)
	oif := expr("meta", attrU32(unix.NFTA_META_DREG, unix.NFT_REG_1), attrU32(unix.NFTA_META_KEY, unix.NFT_META_OIFNAME))
	oifIs := cmpEq(ifname)
	// The source address is 4 bytes at offset 12 of the IPv4 header.
	saddr := expr("payload", attrU32(unix.NFTA_PAYLOAD_DREG, unix.NFT_REG_1),
		attrU32(unix.NFTA_PAYLOAD_BASE, unix.NFT_PAYLOAD_NETWORK_HEADER),
		attrU32(unix.NFTA_PAYLOAD_OFFSET, 12), attrU32(unix.NFTA_PAYLOAD_LEN, 4))
	mask := net.CIDRMask(from.Bits(), 32)
	masked := expr("bitwise", attrU32(unix.NFTA_BITWISE_SREG, unix.NFT_REG_1), attrU32(unix.NFTA_BITWISE_DREG, unix.NFT_REG_1),
		attrU32(unix.NFTA_BITWISE_LEN, 4),
		nested(unix.NFTA_BITWISE_MASK, attr(unix.NFTA_DATA_VALUE, mask)),
		nested(unix.NFTA_BITWISE_XOR, attr(unix.NFTA_DATA_VALUE, make([]byte, 4))))
	saddrIn := cmpEq(from.Addr().AsSlice())
	masq := expr("masq")

	var b batch
	b.add(unix.NFNL_MSG_BATCH_BEGIN, 0, unix.AF_UNSPEC)
	b.add(nftMsg(unix.NFT_MSG_NEWTABLE), unix.NLM_F_CREATE|unix.NLM_F_ACK, unix.NFPROTO_IPV4,
		attrString(unix.NFTA_TABLE_NAME, nftTable))
	b.add(nftMsg(unix.NFT_MSG_NEWCHAIN), unix.NLM_F_CREATE|unix.NLM_F_ACK, unix.NFPROTO_IPV4,
		attrString(unix.NFTA_CHAIN_TABLE, nftTable),
		attrString(unix.NFTA_CHAIN_NAME, nftChain),
		nested(unix.NFTA_CHAIN_HOOK, attrU32(unix.NFTA_HOOK_HOOKNUM, unix.NF_INET_POST_ROUTING),
			attrU32(unix.NFTA_HOOK_PRIORITY, natPrioritySrcNAT)),
		attrString(unix.NFTA_CHAIN_TYPE, "nat"))
	var exprs [][]byte
	for _, e := range [][][]byte{oif, oifIs, saddr, masked, saddrIn, masq} {
		exprs = append(exprs, nested(unix.NFTA_LIST_ELEM, e...))
	}
	b.add(nftMsg(unix.NFT_MSG_NEWRULE), unix.NLM_F_CREATE|unix.NLM_F_APPEND|unix.NLM_F_ACK, unix.NFPROTO_IPV4,
		attrString(unix.NFTA_RULE_TABLE, nftTable),
		attrString(unix.NFTA_RULE_CHAIN, nftChain),
		nested(unix.NFTA_RULE_EXPRESSIONS, exprs...))
	b.add(unix.NFNL_MSG_BATCH_END, 0, unix.AF_UNSPEC)

	if err := unix.Sendto(fd, b.buf, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("netlink send: %w", err)
	}
	return b.acks(fd)
}

// cmpEq compares register 1 with value.
func cmpEq(value []byte) [][]byte {
	return expr("cmp", attrU32(unix.NFTA_CMP_SREG, unix.NFT_REG_1), attrU32(unix.NFTA_CMP_OP, unix.NFT_CMP_EQ),
		nested(unix.NFTA_CMP_DATA, attr(unix.NFTA_DATA_VALUE, value)))
}

func nftMsg(m int) uint16 { return uint16(unix.NFNL_SUBSYS_NFTABLES<<8 | m) }

// expr is one rule expression: its name and its data attributes.
func expr(name string, data ...[]byte) [][]byte {
	return [][]byte{attrString(unix.NFTA_EXPR_NAME, name), nested(unix.NFTA_EXPR_DATA, data...)}
}

// batch is a sequence of netlink messages sent at once.
type batch struct {
	buf  []byte
	seq  uint32
	want []uint32 // sequence numbers that asked for an acknowledgement
}

// add appends a message: netlink header, nfgenmsg (family, version 0,
// resource id: the subsystem for batch messages), attributes.
func (b *batch) add(typ uint16, flags uint16, family uint8, attrs ...[]byte) {
	b.seq++
	var body []byte
	resID := uint16(0)
	if typ == unix.NFNL_MSG_BATCH_BEGIN || typ == unix.NFNL_MSG_BATCH_END {
		resID = unix.NFNL_SUBSYS_NFTABLES
	}
	body = append(body, family, unix.NFNETLINK_V0, byte(resID>>8), byte(resID))
	for _, a := range attrs {
		body = append(body, a...)
	}
	hdr := make([]byte, unix.NLMSG_HDRLEN)
	binary.NativeEndian.PutUint32(hdr[0:], uint32(len(hdr)+len(body)))
	binary.NativeEndian.PutUint16(hdr[4:], typ)
	binary.NativeEndian.PutUint16(hdr[6:], unix.NLM_F_REQUEST|flags)
	binary.NativeEndian.PutUint32(hdr[8:], b.seq)
	b.buf = append(b.buf, hdr...)
	b.buf = append(b.buf, body...)
	if flags&unix.NLM_F_ACK != 0 {
		b.want = append(b.want, b.seq)
	}
}

// acks reads the kernel's answers until every message that asked has been
// acknowledged, and returns the first error it reports.
func (b *batch) acks(fd int) error {
	pending := map[uint32]bool{}
	for _, s := range b.want {
		pending[s] = true
	}
	buf := make([]byte, 1<<16)
	for len(pending) > 0 {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			return fmt.Errorf("netlink receive: %w", err)
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			return fmt.Errorf("netlink receive: %w", err)
		}
		for _, m := range msgs {
			if m.Header.Type != unix.NLMSG_ERROR || len(m.Data) < 4 {
				continue
			}
			if errno := int32(binary.NativeEndian.Uint32(m.Data)); errno != 0 {
				return fmt.Errorf("nf_tables: %w", os.NewSyscallError("netlink", unix.Errno(-errno)))
			}
			delete(pending, m.Header.Seq)
		}
	}
	return nil
}

// attr is one netlink attribute, padded to 4 bytes.
func attr(typ uint16, data []byte) []byte {
	l := unix.SizeofNlAttr + len(data)
	a := make([]byte, (l+unix.NLA_ALIGNTO-1)&^(unix.NLA_ALIGNTO-1))
	binary.NativeEndian.PutUint16(a[0:], uint16(l))
	binary.NativeEndian.PutUint16(a[2:], typ)
	copy(a[unix.SizeofNlAttr:], data)
	return a
}

func nested(typ uint16, attrs ...[]byte) []byte {
	var data []byte
	for _, a := range attrs {
		data = append(data, a...)
	}
	return attr(typ|unix.NLA_F_NESTED, data)
}

// attrString is a NUL-terminated string attribute.
func attrString(typ uint16, s string) []byte { return attr(typ, append([]byte(s), 0)) }

// attrU32 is a 32-bit attribute in network byte order, as nf_tables wants
// its numbers.
func attrU32(typ uint16, v uint32) []byte { return attr(typ, binary.BigEndian.AppendUint32(nil, v)) }
