package bsd

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/gifctl/gifctl/internal/sim/netns"
)

// nlMsg is a netlink message as the kernel writes it (linux/netlink.h):
// a 16-byte nlmsghdr of type typ, then body, padded to 4 bytes.
func nlMsg(typ uint16, body []byte) []byte {
	n := 16 + len(body)
	m := make([]byte, (n+3)&^3)
	binary.NativeEndian.PutUint32(m[0:], uint32(n))
	binary.NativeEndian.PutUint16(m[4:], typ)
	copy(m[16:], body)
	return m
}

// ifaddrBody is a struct ifaddrmsg for 192.0.2.7/24 on interface index,
// with its IFA_ADDRESS attribute: 13 bytes, so the message needs padding.
func ifaddrBody(index uint32) []byte {
	b := []byte{unix.AF_INET, 24, 0, 0, 0, 0, 0, 0}
	binary.NativeEndian.PutUint32(b[4:], index)
	attr := []byte{8, 0, unix.IFA_ADDRESS, 0, 192, 0, 2, 7}
	return append(append(b, attr...), 'x') // a last odd byte
}

// ifinfoBody is a struct ifinfomsg for interface index.
func ifinfoBody(index uint32) []byte {
	b := make([]byte, 16)
	binary.NativeEndian.PutUint32(b[4:], index)
	return b
}

func TestNetlinkNoticesWake(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want []string
	}{
		{"new address", nlMsg(unix.RTM_NEWADDR, ifaddrBody(2)), []string{"RTM_NEWADDR on interface 2"}},
		{"link", nlMsg(unix.RTM_NEWLINK, ifinfoBody(7)), []string{"RTM_NEWLINK on interface 7"}},
		{"route", nlMsg(unix.RTM_NEWROUTE, make([]byte, 12)), nil},
		{"done", nlMsg(unix.NLMSG_DONE, []byte{0, 0, 0, 0}), nil},
		{"renumbering in one read, padded",
			slices.Concat(nlMsg(unix.RTM_DELADDR, ifaddrBody(2)), nlMsg(unix.RTM_NEWADDR, ifaddrBody(2))),
			[]string{"RTM_DELADDR on interface 2", "RTM_NEWADDR on interface 2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := netlinkNotices.parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if got, err := netlinkNotices.parse(nlMsg(unix.RTM_NEWADDR, nil)); err == nil {
		t.Errorf("an RTM_NEWADDR without its ifaddrmsg was accepted: %q", got)
	}
}

// TestOpenAddrWatchSeesAddressChange opens the real netlink socket in a
// fresh namespace and adds, then removes, an address there.
func TestOpenAddrWatchSeesAddressChange(t *testing.T) {
	ns := netns.NewTestNS(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	var w *AddrWatch
	if err := ns.Do(func() (err error) { w, err = OpenAddrWatch(); return err }); err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, step := range []struct {
		args []string
		want string
	}{
		{[]string{"link", "set", "veth0", "up"}, "RTM_NEWLINK"},
		{[]string{"addr", "add", "192.0.2.7/24", "dev", "veth0"}, "RTM_NEWADDR"},
		{[]string{"addr", "del", "192.0.2.7/24", "dev", "veth0"}, "RTM_DELADDR"},
	} {
		ns.IP(step.args...)
		// A step may bring more than one notice (a link going up can
		// report twice); read until the one it must bring.
		for {
			got, err := w.Next()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(got, step.want) {
				break
			}
			t.Logf("%v: also %s", step.args, got)
		}
	}
}
