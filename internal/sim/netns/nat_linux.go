package netns

import (
	"encoding/binary"
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// Masquerade makes the namespace a NAT: whatever leaves through outIf gets
// the source address of outIf, as a home router or a carrier-grade NAT
// does, and replies are translated back (conntrack, which also handles
// protocol 41 as a generic protocol). It speaks nf_tables over netlink
// itself, so neither nft(8) nor iptables(8) need be installed; the kernel
// needs nf_tables with NAT (CONFIG_NFT_NAT, CONFIG_NFT_MASQ).
//
// The rule is `table ip gifsim { chain postrouting { type nat hook
// postrouting priority srcnat; oifname OUTIF masquerade } }`.
func (n *Namespace) Masquerade(outIf string) error {
	if len(outIf) >= unix.IFNAMSIZ {
		return fmt.Errorf("%s: masquerade: %q: interface name too long", n.Name, outIf)
	}
	err := n.Do(func() error { return nftMasquerade(outIf) })
	if err != nil {
		return fmt.Errorf("%s: masquerade on %s: %w", n.Name, outIf, err)
	}
	return nil
}

const (
	nftTable = "gifsim"
	nftChain = "postrouting"

	// From linux/netfilter/nf_tables.h, which x/sys/unix does not carry
	// in full.
	nftaTableName     = 1
	nftaChainTable    = 1
	nftaChainName     = 3
	nftaChainHook     = 4
	nftaChainType     = 7
	nftaHookHooknum   = 1
	nftaHookPriority  = 2
	nftaRuleTable     = 1
	nftaRuleChain     = 2
	nftaRuleExprs     = 4
	nftaListElem      = 1
	nftaExprName      = 1
	nftaExprData      = 2
	nftaMetaDreg      = 1
	nftaMetaKey       = 2
	nftMetaOifname    = 7
	nftaCmpSreg       = 1
	nftaCmpOp         = 2
	nftaCmpData       = 3
	nftCmpEq          = 0
	nftaDataValue     = 1
	nftReg1           = 1
	nfInetPostRouting = 4
	natPrioritySrcNAT = 100
)

// nftMasquerade sends the table, chain and rule in one batch, as nft(8)
// does, and waits for the kernel's acknowledgement of each.
func nftMasquerade(outIf string) error {
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
	meta := expr("meta", attrU32(nftaMetaDreg, nftReg1), attrU32(nftaMetaKey, nftMetaOifname))
	cmp := expr("cmp", attrU32(nftaCmpSreg, nftReg1), attrU32(nftaCmpOp, nftCmpEq),
		nested(nftaCmpData, attr(nftaDataValue, ifname)))
	masq := expr("masq")

	var b batch
	b.add(unix.NFNL_MSG_BATCH_BEGIN, 0, unix.AF_UNSPEC)
	b.add(nftMsg(unix.NFT_MSG_NEWTABLE), unix.NLM_F_CREATE|unix.NLM_F_ACK, unix.NFPROTO_IPV4,
		attrString(nftaTableName, nftTable))
	b.add(nftMsg(unix.NFT_MSG_NEWCHAIN), unix.NLM_F_CREATE|unix.NLM_F_ACK, unix.NFPROTO_IPV4,
		attrString(nftaChainTable, nftTable),
		attrString(nftaChainName, nftChain),
		nested(nftaChainHook, attrU32(nftaHookHooknum, nfInetPostRouting), attrU32(nftaHookPriority, natPrioritySrcNAT)),
		attrString(nftaChainType, "nat"))
	b.add(nftMsg(unix.NFT_MSG_NEWRULE), unix.NLM_F_CREATE|unix.NLM_F_APPEND|unix.NLM_F_ACK, unix.NFPROTO_IPV4,
		attrString(nftaRuleTable, nftTable),
		attrString(nftaRuleChain, nftChain),
		nested(nftaRuleExprs, nested(nftaListElem, meta...), nested(nftaListElem, cmp...), nested(nftaListElem, masq...)))
	b.add(unix.NFNL_MSG_BATCH_END, 0, unix.AF_UNSPEC)

	if err := unix.Sendto(fd, b.buf, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("netlink send: %w", err)
	}
	return b.acks(fd)
}

func nftMsg(m int) uint16 { return uint16(unix.NFNL_SUBSYS_NFTABLES<<8 | m) }

// expr is one rule expression: its name and its data attributes.
func expr(name string, data ...[]byte) [][]byte {
	return [][]byte{attrString(nftaExprName, name), nested(nftaExprData, data...)}
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
