package gifsim

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ipAddrShow is `ip -j addr show` (iproute2 6.1) for a userspace gif,
// trimmed to the fields that matter.
const ipAddrShow = `[{"ifindex":3,"ifname":"gif0","flags":["POINTOPOINT","MULTICAST","NOARP","UP","LOWER_UP"],"mtu":1280,
"qdisc":"pfifo_fast","operstate":"UNKNOWN","group":"default","txqlen":500,"link_type":"none","addr_info":[
{"family":"inet6","local":"2001:db8:1::2","address":"2001:db8:1::1","prefixlen":128,"scope":"global","nodad":true},
{"family":"inet6","local":"fe80::1","prefixlen":64,"scope":"link"}]},
{"ifindex":2,"ifname":"em0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"link_type":"ether",
"address":"0e:7e:10:ed:fa:ab","addr_info":[{"family":"inet","local":"198.18.1.2","prefixlen":24,"broadcast":"198.18.1.255","scope":"global"}]}]`

func TestParseIPLinks(t *testing.T) {
	got, err := parseIPLinks([]byte(ipAddrShow))
	if err != nil {
		t.Fatal(err)
	}
	want := []ifInfo{
		{Name: "gif0", Index: 3, Flags: []string{"POINTOPOINT", "MULTICAST", "NOARP", "UP", "LOWER_UP"}, MTU: 1280, LinkType: "none",
			Addrs: []ifAddr{
				{Prefix: netip.MustParsePrefix("2001:db8:1::2/128"), Peer: netip.MustParseAddr("2001:db8:1::1")},
				{Prefix: netip.MustParsePrefix("fe80::1/64")},
			}},
		{Name: "em0", Index: 2, Flags: []string{"BROADCAST", "MULTICAST", "UP", "LOWER_UP"}, MTU: 1500, LinkType: "ether",
			LLAddr: "0e:7e:10:ed:fa:ab",
			Addrs:  []ifAddr{{Prefix: netip.MustParsePrefix("198.18.1.2/24"), Broadcast: netip.MustParseAddr("198.18.1.255")}}},
	}
	opts := cmp.Comparer(func(a, b netip.Addr) bool { return a == b })
	pfx := cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })
	if diff := cmp.Diff(want, got, opts, pfx); diff != "" {
		t.Errorf("parseIPLinks (-want +got):\n%s", diff)
	}
	devs, err := parseDefaultDevs([]byte(`[{"dst":"default","gateway":"198.18.1.1","dev":"em0","flags":[]}]`))
	if err != nil || !devs["em0"] || len(devs) != 1 {
		t.Errorf("parseDefaultDevs = %v, %v", devs, err)
	}
}
