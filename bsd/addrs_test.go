package bsd

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func addrs(ss ...string) []netip.Addr {
	var out []netip.Addr
	for _, s := range ss {
		out = append(out, netip.MustParseAddr(s))
	}
	return out
}

func TestChooseSource(t *testing.T) {
	tests := []struct {
		name       string
		addrs      []netip.Addr
		current    netip.Addr // hostname.IF's source
		kernel     netip.Addr // the kernel's
		wantChosen netip.Addr
		wantOthers []netip.Addr
		wantErr    error
	}{
		{
			name:       "one address",
			addrs:      addrs("192.0.2.10"),
			wantChosen: netip.MustParseAddr("192.0.2.10"),
			wantOthers: []netip.Addr{},
		},
		{
			name:       "current kept though not first",
			addrs:      addrs("192.0.2.10", "198.51.100.7", "203.0.113.1"),
			current:    netip.MustParseAddr("198.51.100.7"),
			wantChosen: netip.MustParseAddr("198.51.100.7"),
			wantOthers: addrs("192.0.2.10", "203.0.113.1"),
		},
		{
			name:       "current gone: first listed",
			addrs:      addrs("203.0.113.1", "192.0.2.10"),
			current:    netip.MustParseAddr("198.51.100.7"),
			wantChosen: netip.MustParseAddr("203.0.113.1"),
			wantOthers: addrs("192.0.2.10"),
		},
		{
			name:       "current given as IPv4-mapped IPv6",
			addrs:      addrs("192.0.2.10", "198.51.100.7"),
			current:    netip.MustParseAddr("::ffff:198.51.100.7"),
			wantChosen: netip.MustParseAddr("198.51.100.7"),
			wantOthers: addrs("192.0.2.10"),
		},
		{
			name:       "IPv6 addresses ignored",
			addrs:      addrs("2001:db8::1", "192.0.2.10"),
			wantChosen: netip.MustParseAddr("192.0.2.10"),
			wantOthers: []netip.Addr{},
		},
		{
			name:       "the kernel's source before hostname.IF's",
			addrs:      addrs("192.0.2.10", "198.51.100.7", "203.0.113.1"),
			current:    netip.MustParseAddr("192.0.2.10"),
			kernel:     netip.MustParseAddr("203.0.113.1"),
			wantChosen: netip.MustParseAddr("203.0.113.1"),
			wantOthers: addrs("192.0.2.10", "198.51.100.7"),
		},
		{
			name:    "none",
			addrs:   nil,
			current: netip.MustParseAddr("192.0.2.10"),
			wantErr: ErrNoIPv4,
		},
		{
			name:    "only IPv6",
			addrs:   addrs("2001:db8::1"),
			wantErr: ErrNoIPv4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chosen, others, err := ChooseSource("em0", tt.addrs, tt.kernel, tt.current)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantChosen, chosen, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
				t.Errorf("chosen (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantOthers, others, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
				t.Errorf("others (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChooseSourceErrorMessage(t *testing.T) {
	_, _, err := ChooseSource("em0", nil, netip.Addr{})
	if got, want := fmt.Sprint(err), "em0: no IPv4 address"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestIsCGNAT(t *testing.T) {
	for s, want := range map[string]bool{
		"100.63.255.255":     false,
		"100.64.0.0":         true,
		"100.100.1.2":        true,
		"100.127.255.255":    true,
		"100.128.0.0":        false,
		"::ffff:100.64.0.1":  true,
		"192.168.1.1":        false,
		"2001:db8::100:64:0": false,
	} {
		if got := IsCGNAT(netip.MustParseAddr(s)); got != want {
			t.Errorf("IsCGNAT(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestIPv4AddrsLoopback(t *testing.T) {
	lo := loopbackName(t)
	got, err := IPv4Addrs(lo)
	if err != nil {
		t.Fatal(err)
	}
	if !containsAddr(got, netip.MustParseAddr("127.0.0.1")) {
		t.Errorf("IPv4Addrs(%s) = %v, want 127.0.0.1 among them", lo, got)
	}
	for _, a := range got {
		if !a.Is4() {
			t.Errorf("IPv4Addrs(%s) returned non-IPv4 %v", lo, a)
		}
	}
}

func TestIPv4AddrsUnknown(t *testing.T) {
	_, err := IPv4Addrs("nosuch17")
	if !errors.Is(err, ErrNoInterface) {
		t.Fatalf("err = %v, want ErrNoInterface", err)
	}
	if got, want := err.Error(), "nosuch17: no such interface"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

// TestIPv4AddrsOrder checks the order against the kernel's own listing, in
// a network namespace of its own where lo has three addresses. It re-runs
// this test binary under unshare(1), so nothing leaks into the host.
func TestIPv4AddrsOrder(t *testing.T) {
	if os.Getenv("BSD_TEST_IN_NETNS") == "1" {
		// Inside: compare with `ip -4 -o addr show dev lo`.
		out, err := exec.Command("ip", "-4", "-o", "addr", "show", "dev", "lo").Output()
		if err != nil {
			t.Fatal(err)
		}
		var want []netip.Addr
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Fields(line)
			for i := range f {
				if f[i] == "inet" && i+1 < len(f) {
					p := netip.MustParsePrefix(f[i+1])
					want = append(want, p.Addr())
				}
			}
		}
		got, err := IPv4Addrs("lo")
		if err != nil {
			t.Fatal(err)
		}
		if len(want) != 4 {
			t.Fatalf("setup: ip lists %v, want 4 addresses", want)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
			t.Errorf("IPv4Addrs order (-ip +IPv4Addrs):\n%s", diff)
		}
		return
	}
	if os.Geteuid() != 0 && os.Getenv("CI") == "" {
		t.Skip("needs root: creates a network namespace")
	}
	for _, tool := range []string{"unshare", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s missing: %v", tool, err)
			}
			t.Skipf("%s missing", tool)
		}
	}
	script := `set -e
ip link set lo up
ip addr add 198.51.100.9/24 dev lo
ip addr add 192.0.2.20/24 dev lo
ip addr add 198.51.100.3/24 dev lo
exec "$0" -test.run='^TestIPv4AddrsOrder$' -test.count=1 -test.v`
	cmd := exec.Command("unshare", "--net", "sh", "-c", script, os.Args[0])
	cmd.Env = append(os.Environ(), "BSD_TEST_IN_NETNS=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("in namespace: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "--- PASS: TestIPv4AddrsOrder") {
		t.Fatalf("in namespace: no PASS:\n%s", out.String())
	}
}

func loopbackName(t *testing.T) string {
	t.Helper()
	for _, n := range []string{"lo", "lo0"} {
		if _, err := IPv4Addrs(n); err == nil {
			return n
		}
	}
	t.Skip("no loopback interface found")
	return ""
}

func containsAddr(list []netip.Addr, a netip.Addr) bool {
	for _, b := range list {
		if a == b {
			return true
		}
	}
	return false
}

func TestConsistent(t *testing.T) {
	a, b := netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("198.51.100.8")
	remote := netip.MustParseAddr("216.66.80.26")
	for _, tt := range []struct {
		name             string
		addrs            []netip.Addr
		src, dst, remote netip.Addr
		want             string // "" for consistent
	}{
		{"source on egress", []netip.Addr{a}, a, remote, remote, ""},
		{"one of several", []netip.Addr{b, a}, a, remote, remote, ""},
		{"no remote known", []netip.Addr{a}, a, b, netip.Addr{}, ""},
		{"no address", nil, a, remote, remote, "em0: no IPv4 address"},
		{"source gone", []netip.Addr{b}, a, remote, remote, "gif0: tunnel source 198.51.100.7 is not em0's address (198.51.100.8)"},
		{"other destination", []netip.Addr{a}, a, b, remote, "gif0: tunnel destination 198.51.100.8 is not the remote 216.66.80.26"},
	} {
		err := Consistent("gif0", "em0", tt.addrs, tt.src, tt.dst, tt.remote)
		if got := fmt.Sprint(err); (err == nil) != (tt.want == "") || err != nil && got != tt.want {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestNotPublic(t *testing.T) {
	for _, tc := range []struct {
		addr string
		want string
	}{
		{"198.51.100.7", ""}, // documentation ranges count as public, on purpose
		{"203.0.113.1", ""},
		{"8.8.8.8", ""},
		{"::ffff:8.8.8.8", ""},
		{"100.63.255.255", ""},
		{"100.128.0.0", ""},
		{"10.1.2.3", "a private address"},
		{"172.16.0.1", "a private address"},
		{"172.31.255.255", "a private address"},
		{"192.168.1.1", "a private address"},
		{"100.64.0.1", "a CGNAT address (6in4 works only if the ISP passes protocol 41)"},
		{"100.127.255.255", "a CGNAT address (6in4 works only if the ISP passes protocol 41)"},
		{"127.0.0.1", "a loopback address"},
		{"169.254.1.1", "a link-local address"},
		{"0.0.0.0", `in "this network" (0.0.0.0/8)`},
		{"224.0.0.1", "a multicast address"},
		{"255.255.255.255", "a reserved or broadcast address"},
		{"2001:db8::1", "not an IPv4 address"},
	} {
		if got := NotPublic(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("NotPublic(%s) = %q, want %q", tc.addr, got, tc.want)
		}
	}
	if NotPublic(netip.Addr{}) == "" {
		t.Errorf("the zero Addr is public")
	}
}
