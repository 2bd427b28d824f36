package config

import (
	"net/netip"
	"slices"
	"time"
)

// The check and tunnel blocks.

func (p *parser) check(kw token) error {
	fam, err := p.header(kw, "family (ipv4 or ipv6)")
	if err != nil {
		return err
	}
	if err := p.at(fam.line, checkSafe("check", fam.text)); err != nil {
		return err
	}
	var slot **Check
	switch fam.text {
	case "ipv4":
		slot = &p.cfg.IPv4
	case "ipv6":
		slot = &p.cfg.IPv6
	default:
		return p.errorf(fam.line, "check: unknown family %s; want ipv4 or ipv6", quoteShort(fam.text))
	}
	what := "check " + fam.text
	if *slot != nil {
		return p.errorf(kw.line, "%s: already given on line %d", what, (*slot).Line)
	}
	c := &Check{Timeout: DefaultCheckTimeout, Line: kw.line}
	want4 := fam.text == "ipv4"
	seen := make(map[string]int)
	targetLines := make(map[string]int) // address -> line of its first mention
	err = p.block(what, kw.line, func(k token, vs []token) error {
		switch k.text {
		case "target":
			if len(vs) == 0 {
				return p.errorf(k.line, "target: missing address")
			}
			for _, v := range vs {
				a, err := ParseAddr("target", v.text, want4)
				if err != nil {
					return p.at(k.line, err)
				}
				if first, ok := targetLines[a.String()]; ok {
					return p.errorf(k.line, "target: %s already listed on line %d", a, first)
				}
				if len(c.Targets) == MaxTargets {
					return p.errorf(k.line, "%s: more than %d targets", what, MaxTargets)
				}
				targetLines[a.String()] = k.line
				c.Targets = append(c.Targets, a)
			}
			return nil
		case "timeout":
			if err := p.once(seen, k); err != nil {
				return err
			}
			s, err := p.one(k, vs, "number of seconds")
			if err != nil {
				return err
			}
			n, err := parseInt("timeout", s, MinCheckTimeout, MaxCheckTimeout, " of seconds")
			if err != nil {
				return p.at(k.line, err)
			}
			c.Timeout = time.Duration(n) * time.Second
			return nil
		}
		return p.unknown(k, what)
	})
	if err != nil {
		return err
	}
	if len(c.Targets) == 0 {
		return p.errorf(kw.line, "%s: no target", what)
	}
	*slot = c
	return nil
}

func (p *parser) tunnel(kw token) error {
	nameTok, err := p.header(kw, "interface name")
	if err != nil {
		return err
	}
	name, err := parseIfName("tunnel", nameTok.text)
	if err != nil {
		return p.at(nameTok.line, err)
	}
	what := "tunnel " + name
	for _, o := range p.cfg.Tunnels {
		if o.Name == name {
			return p.errorf(kw.line, "%s: already defined on line %d", what, o.Line)
		}
	}
	t := &Tunnel{Name: name, Line: kw.line}
	seen := make(map[string]int)
	err = p.block(what, kw.line, func(k token, vs []token) error {
		if !slices.Contains(tunnelKeywords, k.text) {
			return p.unknown(k, what)
		}
		if err := p.once(seen, k); err != nil {
			return err
		}
		return p.tunnelStatement(t, k, vs)
	})
	if err != nil {
		return err
	}
	if t.Egress == "" {
		return p.errorf(kw.line, "%s: egress is required", what)
	}
	p.cfg.Tunnels = append(p.cfg.Tunnels, t)
	return nil
}

func (p *parser) tunnelStatement(t *Tunnel, k token, vs []token) error {
	var err error
	switch k.text {
	case "egress":
		var s string
		if s, err = p.one(k, vs, "interface name"); err != nil {
			return err
		}
		if t.Egress, err = parseIfName("egress", s); err != nil {
			return p.at(k.line, err)
		}
		if t.Egress == t.Name {
			return p.errorf(k.line, "egress: %s is the tunnel itself", t.Egress)
		}
	case "remote":
		var s string
		if s, err = p.one(k, vs, "IPv4 address"); err != nil {
			return err
		}
		t.Remote, err = ParseAddr("remote", s, true)
	case "inet6":
		return p.inet6(t, k, vs)
	case "mtu":
		var s string
		if s, err = p.one(k, vs, "number"); err != nil {
			return err
		}
		t.MTU, err = parseInt("mtu", s, MinMTU, MaxMTU, "")
	case "update-url":
		var s string
		if s, err = p.one(k, vs, "URL"); err != nil {
			return err
		}
		t.UpdateURL, err = parseUpdateURL(s)
	case "heartbeat":
		var s string
		if s, err = p.one(k, vs, "password"); err != nil {
			return err
		}
		t.Heartbeat, err = parseHeartbeat(s)
	}
	return p.at(k.line, err)
}

// inet6 is "inet6 ADDR peer ADDR". Either address may carry the prefix
// length of the tunnel's network, as Hurricane Electric's tunnel page shows
// them ("2001:db8:1::2/64"): the two must then lie in that network.
func (p *parser) inet6(t *Tunnel, k token, vs []token) error {
	if len(vs) != 3 || vs[1].text != "peer" || vs[1].kind != tokWord {
		for _, v := range vs {
			if err := checkSafe("inet6", v.text); err != nil {
				return p.at(k.line, err)
			}
		}
		return p.errorf(k.line, `inet6: want "inet6 ADDRESS peer ADDRESS"`)
	}
	a, alen, err := parseInner("inet6", vs[0].text)
	if err != nil {
		return p.at(k.line, err)
	}
	peer, plen, err := parseInner("peer", vs[2].text)
	if err != nil {
		return p.at(k.line, err)
	}
	if a == peer {
		return p.errorf(k.line, "inet6: address and peer are both %s", a)
	}
	for _, n := range []int{alen, plen} {
		if net := netip.PrefixFrom(a, n).Masked(); n > 0 && !net.Contains(peer) {
			return p.errorf(k.line, "inet6: %s and peer %s are not both in %s; copy both from the tunnel's page", a, peer, net)
		}
	}
	t.Inet6, t.Peer, t.Inet6Len = a, peer, max(alen, plen)
	return nil
}
