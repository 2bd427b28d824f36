package bsd

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// AddrWatch, a routing (OpenBSD) or netlink (Linux) socket, reports address and
// link changes only to wake the caller, who reads the state afresh: a lost
// notice costs only time.
type AddrWatch struct {
	f     *os.File                       // non-blocking, so Close wakes a pending Next
	parse func([]byte) ([]string, error) // names the notices of one read that wake
	buf   []byte
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
		woke, err := w.parse(w.buf[:n])
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
func newAddrWatch(fd int, name string, parse func([]byte) ([]string, error)) *AddrWatch {
	return &AddrWatch{f: os.NewFile(uintptr(fd), name), parse: parse, buf: make([]byte, 64<<10)}
}

// OpenBSD's message types (sys/net/route.h); RTM_DESYNC: messages dropped.
const (
	rtmNewAddr    = 0xc
	rtmDelAddr    = 0xd
	rtmIfInfo     = 0xe
	rtmIfAnnounce = 0xf
	rtmDesync     = 0x10
	rtmVersion    = 5
)

// rtmWakes are the routing-socket notices that report a change.
var rtmWakes = map[byte]string{rtmNewAddr: "RTM_NEWADDR", rtmDelAddr: "RTM_DELADDR",
	rtmIfInfo: "RTM_IFINFO", rtmIfAnnounce: "RTM_IFANNOUNCE", rtmDesync: "RTM_DESYNC"}

// parseRouteNotices names each notice of a routing-socket read that reports
// a change. struct ifa_msghdr, if_msghdr and if_announcemsghdr begin alike
// (sys/net/route.h): u_short msglen (0), u_char version (2), u_char type
// (3), u_short hdrlen (4), u_short index (6), in host byte order; nothing
// after is read. Other types and versions are skipped, as x/net/route's
// ParseRIB (BSD-only) does; bad lengths are errors.
func parseRouteNotices(b []byte) ([]string, error) {
	var woke []string
	for len(b) > 0 {
		if len(b) < 2 {
			return woke, fmt.Errorf("%d bytes left, too few for a length", len(b))
		}
		n := int(binary.NativeEndian.Uint16(b))
		if n < 2 || n > len(b) {
			return woke, fmt.Errorf("length %d with %d bytes left", n, len(b))
		}
		m := b[:n]
		b = b[n:]
		if n <= 2 || m[2] != rtmVersion {
			continue
		}
		if n < 4 {
			return woke, fmt.Errorf("length %d, too short for a type", n)
		}
		name, ok := rtmWakes[m[3]]
		if !ok {
			continue
		}
		if n < 8 {
			return woke, fmt.Errorf("%s of %d bytes, too short for an interface index", name, n)
		}
		woke = append(woke, fmt.Sprintf("%s on interface %d", name, binary.NativeEndian.Uint16(m[6:])))
	}
	return woke, nil
}
