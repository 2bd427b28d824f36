package gifsim

import (
	"encoding/json"
	"fmt"
	"net/netip"
)

// ipLink is one interface in `ip -j addr show` (and `ip -j link show`,
// which alone carries ifalias).
type ipLink struct {
	Index    int      `json:"ifindex"`
	Name     string   `json:"ifname"`
	Flags    []string `json:"flags"`
	MTU      int      `json:"mtu"`
	LinkType string   `json:"link_type"`
	Address  string   `json:"address"`
	Alias    string   `json:"ifalias"`
	AddrInfo []struct {
		Family    string `json:"family"`
		Local     string `json:"local"`
		Address   string `json:"address"` // the peer, on a point-to-point address
		Prefixlen int    `json:"prefixlen"`
		Broadcast string `json:"broadcast"`
	} `json:"addr_info"`
}

// parseIPLinks turns `ip -j addr show` output into ifInfos (without the
// alias, egress and gif parts, which come from elsewhere).
func parseIPLinks(out []byte) ([]ifInfo, error) {
	var links []ipLink
	if err := json.Unmarshal(out, &links); err != nil {
		return nil, fmt.Errorf("ip -j addr: %w", err)
	}
	infos := make([]ifInfo, 0, len(links))
	for _, l := range links {
		info := ifInfo{Name: l.Name, Index: l.Index, Flags: l.Flags, MTU: l.MTU, LinkType: l.LinkType, LLAddr: l.Address}
		for _, a := range l.AddrInfo {
			local, err := netip.ParseAddr(a.Local)
			if err != nil || (a.Family != "inet" && a.Family != "inet6") {
				continue
			}
			ia := ifAddr{Prefix: netip.PrefixFrom(local, a.Prefixlen)}
			ia.Peer, _ = netip.ParseAddr(a.Address)
			ia.Broadcast, _ = netip.ParseAddr(a.Broadcast)
			info.Addrs = append(info.Addrs, ia)
		}
		infos = append(infos, info)
	}
	return infos, nil
}

// ipRoute is one route in `ip -j route show default`.
type ipRoute struct {
	Dev string `json:"dev"`
}

// parseDefaultDevs returns the interfaces that default routes leave by.
func parseDefaultDevs(out []byte) (map[string]bool, error) {
	var routes []ipRoute
	if err := json.Unmarshal(out, &routes); err != nil {
		return nil, fmt.Errorf("ip -j route: %w", err)
	}
	devs := map[string]bool{}
	for _, r := range routes {
		if r.Dev != "" {
			devs[r.Dev] = true
		}
	}
	return devs, nil
}
