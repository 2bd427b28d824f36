package bsd

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The messages below are laid out as OpenBSD/amd64's kernel writes them
// to a routing socket (sys/net/route.h, sys/net/if.h), little-endian.

// ifaMsg is a struct ifa_msghdr (24 bytes) of type typ for interface
// index, followed by the sockaddrs an address change carries on OpenBSD
// (rtm_addrs RTA_NETMASK|RTA_IFP|RTA_IFA|RTA_BRD, each rounded to 8 bytes):
// 255.255.255.0, a sockaddr_dl for "em0", 192.0.2.7 and 192.0.2.255.
func ifaMsg(typ byte, index uint16) []byte {
	sin := func(a, b, c, d byte) []byte { // struct sockaddr_in, 16 bytes
		return []byte{16, 2, 0, 0, a, b, c, d, 0, 0, 0, 0, 0, 0, 0, 0}
	}
	sdl := []byte{ // struct sockaddr_dl, 24 bytes with "em0" and no address
		24, 18, 1, 0, 6, 3, 0, 0, 'e', 'm', '0', 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,
	}
	var addrs []byte
	addrs = append(addrs, sin(255, 255, 255, 0)...)
	addrs = append(addrs, sdl...)
	addrs = append(addrs, sin(192, 0, 2, 7)...)
	addrs = append(addrs, sin(192, 0, 2, 255)...)
	h := make([]byte, 24)
	binary.LittleEndian.PutUint16(h[0:], uint16(24+len(addrs))) // ifam_msglen
	h[2] = 5                                                    // ifam_version, RTM_VERSION
	h[3] = typ                                                  // ifam_type
	binary.LittleEndian.PutUint16(h[4:], 24)                    // ifam_hdrlen
	binary.LittleEndian.PutUint16(h[6:], index)                 // ifam_index
	binary.LittleEndian.PutUint32(h[12:], 0x4|0x10|0x20|0x80)   // ifam_addrs
	return append(h, addrs...)
}

// ifMsg is a struct if_msghdr, RTM_IFINFO: 168 bytes with its if_data,
// link state at ifm_data.ifi_link_state left 0.
func ifMsg(index uint16) []byte {
	m := make([]byte, 168)
	binary.LittleEndian.PutUint16(m[0:], 168)
	m[2], m[3] = 5, 0xe
	binary.LittleEndian.PutUint16(m[4:], 168)
	binary.LittleEndian.PutUint16(m[6:], index)
	return m
}

// announceMsg is a struct if_announcemsghdr, RTM_IFANNOUNCE: 26 bytes
// ending in the name.
func announceMsg(index uint16, name string) []byte {
	m := make([]byte, 26)
	binary.LittleEndian.PutUint16(m[0:], 26)
	m[2], m[3] = 5, 0xf
	binary.LittleEndian.PutUint16(m[4:], 26)
	binary.LittleEndian.PutUint16(m[6:], index)
	binary.LittleEndian.PutUint16(m[8:], 0) // IFAN_ARRIVAL
	copy(m[10:], name)
	return m
}

// rtMsg is a struct rt_msghdr of 96 bytes, RTM_ADD: a route, not an
// address change.
func rtMsg() []byte {
	m := make([]byte, 96)
	binary.LittleEndian.PutUint16(m[0:], 96)
	m[2], m[3] = 5, 0x1
	binary.LittleEndian.PutUint16(m[4:], 96)
	binary.LittleEndian.PutUint16(m[6:], 1)
	return m
}

func TestRouteNoticesWake(t *testing.T) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("the messages here are laid out for a little-endian host")
	}
	oldVersion := ifaMsg(0xc, 1)
	oldVersion[2] = 4
	for _, tc := range []struct {
		name string
		in   []byte
		want []string
	}{
		{"new address", ifaMsg(0xc, 1), []string{"RTM_NEWADDR on interface 1"}},
		{"address removed", ifaMsg(0xd, 2), []string{"RTM_DELADDR on interface 2"}},
		{"link state", ifMsg(3), []string{"RTM_IFINFO on interface 3"}},
		{"interface arrives", announceMsg(300, "gif1"), []string{"RTM_IFANNOUNCE on interface 300"}},
		{"route added", rtMsg(), nil},
		{"another version", oldVersion, nil},
		{"renumbering in one read", slices.Concat(ifaMsg(0xd, 1), rtMsg(), ifaMsg(0xc, 1)),
			[]string{"RTM_DELADDR on interface 1", "RTM_NEWADDR on interface 1"}},
		{"empty", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := routeNotices.parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRouteNoticesRefuseBadLengths(t *testing.T) {
	zero := ifaMsg(0xc, 1)
	zero[0], zero[1] = 0, 0
	long := ifaMsg(0xc, 1)
	long[0]++
	short := announceMsg(1, "gif0")[:7]
	short[0] = 7
	for name, in := range map[string][]byte{
		"length 0":           zero, // would loop for ever if accepted
		"longer than read":   long,
		"one byte":           {24},
		"no room for index":  short,
		"cut after a notice": append(ifaMsg(0xc, 1), 80, 0, 5),
	} {
		t.Run(name, func(t *testing.T) {
			if got, err := routeNotices.parse(in); err == nil {
				t.Errorf("parse accepted it: %q", got)
			}
		})
	}
}

// TestAddrWatchNext feeds routing messages through a datagram socket to
// the same Next that reads the routing socket on OpenBSD: one datagram is
// one read, as on the routing socket.
func TestAddrWatchNext(t *testing.T) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("the messages here are laid out for a little-endian host")
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[1])
	if err := unix.SetNonblock(fds[0], true); err != nil {
		t.Fatal(err)
	}
	w := newAddrWatch(fds[0], "test socket", routeNotices)
	defer w.Close()
	for _, m := range [][]byte{rtMsg(), ifaMsg(0xd, 1), {1, 2, 3}} {
		if _, err := unix.Write(fds[1], m); err != nil {
			t.Fatal(err)
		}
	}
	// The route is skipped: Next goes on to the next read.
	if got, err := w.Next(); err != nil || got != "RTM_DELADDR on interface 1" {
		t.Errorf("Next = %q, %v; want the RTM_DELADDR", got, err)
	}
	// What cannot be read still wakes the caller, who reads the state.
	if got, err := w.Next(); err != nil || !strings.HasPrefix(got, "unreadable notice: ") {
		t.Errorf("Next = %q, %v; want an unreadable notice", got, err)
	}
	errc := make(chan error)
	go func() {
		_, err := w.Next()
		errc <- err
	}()
	w.Close()
	if err := <-errc; err == nil {
		t.Error("Next on a closed watch returned no error")
	}
}
