package bsd

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// AddrWatch reads a routing (OpenBSD) or netlink (Linux) socket only to wake
// the caller on address or link changes: a lost notice costs only time.
type AddrWatch struct {
	f      *os.File // non-blocking, so Close wakes a pending Next
	format *noticeFormat
	buf    []byte
}

// Next blocks until a change and names it, "RTM_NEWADDR on interface 1".
// Lost (ENOBUFS) or unreadable notices count; an error means it is closed.
func (w *AddrWatch) Next() (string, error) {
	for {
		n, err := w.f.Read(w.buf)
		if errors.Is(err, unix.ENOBUFS) {
			return "notices lost (socket buffer full)", nil
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", w.f.Name(), err)
		}
		woke, err := w.format.parse(w.buf[:n])
		if err != nil {
			return "unreadable notice: " + err.Error(), nil
		}
		if len(woke) > 0 {
			return strings.Join(woke, ", "), nil
		}
	}
}

// Close closes the socket; a Next blocked on it returns an error.
func (w *AddrWatch) Close() error { return w.f.Close() }

// newAddrWatch wraps fd, non-blocking and subscribed; 64 KiB holds any notice.
func newAddrWatch(fd int, name string, format *noticeFormat) *AddrWatch {
	return &AddrWatch{f: os.NewFile(uintptr(fd), name), format: format, buf: make([]byte, 64<<10)}
}

// A noticeFormat locates a kernel's notice fields in host byte order, the
// length at 0 (counting the whole notice). A read returns whole notices.
type noticeFormat struct {
	lenSize, align      int            // bytes of the length; notices start at multiples of align
	versionOff, version int            // a version byte and its value; versionOff 0: none
	typeOff, typeSize   int            // the notice type
	indexOff, indexSize int            // the interface index
	wake                map[int]string // the types that report a change, by name
}

// routeNotices is OpenBSD's routing socket (sys/net/route.h). struct
// ifa_msghdr, if_msghdr and if_announcemsghdr begin alike: u_short msglen
// (0), u_char version (2, RTM_VERSION 5), u_char type (3), u_short hdrlen
// (4), u_short index (6); nothing after is read. No padding between.
var routeNotices = &noticeFormat{
	lenSize: 2, align: 1,
	versionOff: 2, version: 5,
	typeOff: 3, typeSize: 1,
	indexOff: 6, indexSize: 2,
	wake: map[int]string{
		rtmNewAddr:    "RTM_NEWADDR",
		rtmDelAddr:    "RTM_DELADDR",
		rtmIfInfo:     "RTM_IFINFO",
		rtmIfAnnounce: "RTM_IFANNOUNCE",
		rtmDesync:     "RTM_DESYNC",
	},
}

// OpenBSD's message types (sys/net/route.h); RTM_DESYNC: messages dropped.
const (
	rtmNewAddr    = 0xc
	rtmDelAddr    = 0xd
	rtmIfInfo     = 0xe
	rtmIfAnnounce = 0xf
	rtmDesync     = 0x10
)

// parse names each notice in b that reports a change, skipping other types and
// versions as x/net/route's ParseRIB (BSD-only) does; bad lengths are errors.
func (f *noticeFormat) parse(b []byte) ([]string, error) {
	var woke []string
	for len(b) > 0 {
		if len(b) < f.lenSize {
			return woke, fmt.Errorf("%d bytes left, too few for a length", len(b))
		}
		n := int(uintAt(b, 0, f.lenSize))
		if n < f.lenSize || n > len(b) {
			return woke, fmt.Errorf("length %d with %d bytes left", n, len(b))
		}
		m := b[:n]
		b = b[min(len(b), (n+f.align-1)/f.align*f.align):]
		if f.versionOff > 0 && (n <= f.versionOff || int(m[f.versionOff]) != f.version) {
			continue
		}
		if n < f.typeOff+f.typeSize {
			return woke, fmt.Errorf("length %d, too short for a type", n)
		}
		name, ok := f.wake[int(uintAt(m, f.typeOff, f.typeSize))]
		if !ok {
			continue
		}
		if n < f.indexOff+f.indexSize {
			return woke, fmt.Errorf("%s of %d bytes, too short for an interface index", name, n)
		}
		woke = append(woke, fmt.Sprintf("%s on interface %d", name, uintAt(m, f.indexOff, f.indexSize)))
	}
	return woke, nil
}

func uintAt(b []byte, off, size int) uint32 {
	switch size {
	case 1:
		return uint32(b[off])
	case 2:
		return uint32(binary.NativeEndian.Uint16(b[off:]))
	default:
		return binary.NativeEndian.Uint32(b[off:])
	}
}
