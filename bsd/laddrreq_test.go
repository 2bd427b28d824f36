package bsd

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// iocparm extracts the argument size that _IOW/_IOWR encode in an ioctl
// number (sys/sys/ioccom.h: IOCPARM_LEN = (x >> 16) & IOCPARM_MASK, 0x1fff).
func iocparm(x uint32) int { return int(x>>16) & 0x1fff }

// siocSLIFPHYADDR is _IOW('i', 74, struct if_laddrreq) (sys/sys/sockio.h),
// which ifconfig's settunnel fills: gifctl never sets endpoints itself.
const siocSLIFPHYADDR = 0x8218694a

func TestLaddrreqSizeMatchesIoctlNumbers(t *testing.T) {
	for name, ioc := range map[string]uint32{
		"SIOCSLIFPHYADDR": siocSLIFPHYADDR,
		"SIOCGLIFPHYADDR": siocGLIFPHYADDR,
	} {
		if got := iocparm(ioc); got != laddrreqSize {
			t.Errorf("%s %#x encodes size %d, laddrreqSize is %d", name, ioc, got, laddrreqSize)
		}
		if grp := byte(ioc >> 8); grp != 'i' {
			t.Errorf("%s group %q, want 'i'", name, grp)
		}
	}
	if laddrreqSize != 536 {
		t.Errorf("laddrreqSize = %d, want 536", laddrreqSize)
	}
	if got := int(unsafe.Sizeof(laddrreq{})); got != laddrreqSize {
		t.Errorf("sizeof(laddrreq) = %d, want %d", got, laddrreqSize)
	}
	// The sockaddr_storage members must be 8-aligned (they hold a
	// u_int64_t), as the C compiler lays them out.
	if laddrreqAddrOff%8 != 0 || laddrreqDstaddrOff%8 != 0 {
		t.Errorf("addr at %d, dstaddr at %d: not 8-aligned", laddrreqAddrOff, laddrreqDstaddrOff)
	}
	// The direction bits: SIOCS is _IOW (IOC_IN 0x80000000), SIOCG is
	// _IOWR (IOC_INOUT 0xc0000000).
	if siocSLIFPHYADDR>>29 != 0x4 || siocGLIFPHYADDR>>29 != 0x6 {
		t.Errorf("direction bits: S %#x, G %#x", siocSLIFPHYADDR>>29, siocGLIFPHYADDR>>29)
	}
}

// The request TunnelEndpoints hands the ioctl is the name, NUL-padded, and
// zeros; checkIfname refuses what iflr_name cannot hold.
func TestLaddrreqRequest(t *testing.T) {
	old := getTunnel
	t.Cleanup(func() { getTunnel = old })
	var r laddrreq
	getTunnel = func(req *laddrreq) error { r = *req; return ErrNoTunnel }
	if _, _, err := TunnelEndpoints(context.Background(), "gif0", "/nonexistent/ifconfig"); !errors.Is(err, ErrNoTunnel) {
		t.Fatalf("TunnelEndpoints: %v, want ErrNoTunnel", err)
	}
	if got := r.name(); got != "gif0" {
		t.Errorf("name() = %q", got)
	}
	want := make([]byte, laddrreqSize)
	copy(want, "gif0")
	if diff := cmp.Diff(want, r[:]); diff != "" {
		t.Errorf("request bytes (-want +got):\n%s", diff)
	}
	// 15 bytes fit with the NUL, 16 do not.
	if err := checkIfname(strings.Repeat("a", 14) + "0"); err != nil {
		t.Errorf("15-byte name: %v", err)
	}
	for _, bad := range []string{"", strings.Repeat("a", 15) + "0", "-a", "gif 0", "../x"} {
		if err := checkIfname(bad); err == nil {
			t.Errorf("checkIfname(%q) succeeded", bad)
		}
	}
}

// kernelReply builds what gif_get_tunnel writes, byte by byte from the C
// structures, independently of putSockaddr.
func kernelReply4(src, dst [4]byte) *laddrreq {
	var r laddrreq
	copy(r[:], "gif0")
	for off, a := range map[int][4]byte{laddrreqAddrOff: src, laddrreqDstaddrOff: dst} {
		r[off] = 16  // sin_len
		r[off+1] = 2 // AF_INET
		// sin_port (2 bytes) stays 0
		copy(r[off+4:], a[:])
	}
	return &r
}

func TestEndpointsFromKernelBytes(t *testing.T) {
	r := kernelReply4([4]byte{192, 0, 2, 1}, [4]byte{216, 66, 80, 26})
	src, dst, err := r.endpoints()
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Addr{netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("216.66.80.26")}
	if diff := cmp.Diff(want, []netip.Addr{src, dst}, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
		t.Errorf("endpoints (-want +got):\n%s", diff)
	}
}

func TestEndpointsIPv6WithScope(t *testing.T) {
	var r laddrreq
	for off, s := range map[int]string{laddrreqAddrOff: "fe80::1", laddrreqDstaddrOff: "2001:db8::2"} {
		r[off] = 28
		r[off+1] = 24 // OpenBSD's AF_INET6
		a := netip.MustParseAddr(s).As16()
		copy(r[off+8:], a[:])
	}
	binary.NativeEndian.PutUint32(r[laddrreqAddrOff+24:], 3)
	src, dst, err := r.endpoints()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := src.String(), "fe80::1%3"; got != want {
		t.Errorf("src = %s, want %s", got, want)
	}
	if got, want := dst.String(), "2001:db8::2"; got != want {
		t.Errorf("dst = %s, want %s", got, want)
	}
}

func TestSockaddrRoundTrip(t *testing.T) {
	for _, pair := range [][2]string{
		{"192.0.2.1", "216.66.80.26"},
		{"192.0.2.1", "0.0.0.0"}, // gif allows a 0.0.0.0 destination
		{"2001:db8::1", "2001:db8::2"},
		{"fe80::1%4", "fe80::2%4"},
	} {
		src, dst := netip.MustParseAddr(pair[0]), netip.MustParseAddr(pair[1])
		var r laddrreq
		copy(r[:], "gif1")
		if err := r.setEndpoints(src, dst); err != nil {
			t.Fatal(err)
		}
		gotSrc, gotDst, err := r.endpoints()
		if err != nil {
			t.Fatalf("%v: %v", pair, err)
		}
		if gotSrc != src || gotDst != dst {
			t.Errorf("round trip %v: got %v %v", pair, gotSrc, gotDst)
		}
		if r.name() != "gif1" {
			t.Errorf("name clobbered: %q", r.name())
		}
	}
}

func TestEndpointsErrors(t *testing.T) {
	tests := map[string]func(r *laddrreq){
		"unset source":    func(r *laddrreq) { clear(r[laddrreqAddrOff:laddrreqDstaddrOff]) },
		"bad sin_len":     func(r *laddrreq) { r[laddrreqAddrOff] = 15 },
		"unknown family":  func(r *laddrreq) { r[laddrreqDstaddrOff+1] = 7 },
		"Linux AF_INET6":  func(r *laddrreq) { r[laddrreqAddrOff+1] = 10 },
		"families differ": func(r *laddrreq) { _ = putSockaddr(r[laddrreqDstaddrOff:], netip.MustParseAddr("2001:db8::1")) },
	}
	for name, mangle := range tests {
		t.Run(name, func(t *testing.T) {
			r := kernelReply4([4]byte{192, 0, 2, 1}, [4]byte{216, 66, 80, 26})
			mangle(r)
			if src, dst, err := r.endpoints(); err == nil {
				t.Errorf("endpoints() = %v, %v, nil; want an error", src, dst)
			}
		})
	}
}

func TestPutSockaddrRefuses(t *testing.T) {
	b := make([]byte, sockaddrStorageSize)
	if err := putSockaddr(b, netip.Addr{}); err == nil {
		t.Error("invalid address accepted")
	}
	if err := putSockaddr(b, netip.MustParseAddr("fe80::1%em0")); err == nil {
		t.Error("non-numeric zone accepted")
	}
	if err := putSockaddr(b[:8], netip.MustParseAddr("192.0.2.1")); err == nil {
		t.Error("short buffer accepted")
	}
}

// What the kernel hands back, built the way ifconfig's settunnel fills
// a request for SIOCSLIFPHYADDR: gifctl never sets endpoints itself.

// name returns iflr_name up to its NUL.
func (r *laddrreq) name() string {
	b := r[:ifNameSize]
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// setEndpoints fills addr and dstaddr as ifconfig's settunnel does for
// SIOCSLIFPHYADDR. gifctl never sets endpoints itself (netstart does); this
// exists so the tests can build what the kernel would hand back.
func (r *laddrreq) setEndpoints(src, dst netip.Addr) error {
	if err := putSockaddr(r[laddrreqAddrOff:laddrreqDstaddrOff], src); err != nil {
		return fmt.Errorf("source: %w", err)
	}
	if err := putSockaddr(r[laddrreqDstaddrOff:], dst); err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	return nil
}

// putSockaddr writes a as a BSD sockaddr_in or sockaddr_in6 (with sa_len)
// at the start of b, port 0.
func putSockaddr(b []byte, a netip.Addr) error {
	clear(b)
	switch {
	case a.Is4():
		if len(b) < sockaddrInLen {
			return errors.New("short sockaddr buffer")
		}
		b[0], b[1] = sockaddrInLen, bsdAFInet
		v := a.As4()
		copy(b[4:8], v[:])
	case a.Is6():
		if len(b) < sockaddrIn6Len {
			return errors.New("short sockaddr buffer")
		}
		b[0], b[1] = sockaddrIn6Len, bsdAFInet6
		v := a.As16()
		copy(b[sockaddrIn6Addr:sockaddrIn6Addr+16], v[:])
		if z := a.Zone(); z != "" {
			id, err := strconv.ParseUint(z, 10, 32)
			if err != nil {
				return fmt.Errorf("zone %q is not a numeric scope id", z)
			}
			binary.NativeEndian.PutUint32(b[sockaddrIn6Zone:], uint32(id))
		}
	default:
		return errors.New("invalid address")
	}
	return nil
}
