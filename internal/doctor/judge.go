package doctor

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/broker"
)

const (
	// heHost is HE's update endpoint; its IPv4-only name makes the request
	// leave over IPv4, so that behind NAT HE takes the address it sees.
	heHost = "ipv4.tunnelbroker.net"
	// hePinger pings a new endpoint before HE accepts it (HE forum topic
	// 1994: "IP is not ICMP pingable" otherwise).
	hePinger = "66.220.2.74"
	// ipv4Header is what 6in4 adds to each packet: the gif's MTU plus this
	// must fit the egress's (sys/net/if_gif.c 1.141).
	ipv4Header = 20
	asRoot     = "run gifctl doctor as root"
)

// Level is how a finding stands.
type Level string

// The levels, from good to bad; Skip is "not checked", with the reason.
const (
	OK   Level = "ok"
	Skip Level = "skip"
	Warn Level = "warn"
	Fail Level = "fail"
)

// Finding is one checked fact; the JSON names are an API.
type Finding struct {
	ID      string `json:"id"`               // e.g. "gif.mtu"
	Tunnel  string `json:"tunnel,omitempty"` // "" for the configuration as a whole
	Level   Level  `json:"status"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"` // what to do; empty when ok
}

// Failed says whether any finding needs fixing.
func Failed(fs []Finding) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Level == Fail })
}

// Write prints findings grouped under their tunnel (or "configuration"),
// one line each, the fix on the next.
func Write(w io.Writer, findings []Finding) {
	group := "\x00"
	for _, f := range findings {
		if f.Tunnel != group {
			group = f.Tunnel
			fmt.Fprintln(w, cmp.Or(group, "configuration"))
		}
		level := string(f.Level)
		if f.Level == Warn || f.Level == Fail {
			level = strings.ToUpper(level)
		}
		fmt.Fprintf(w, "  %-4s  %-18s %s\n", level, f.ID, f.Message)
		if f.Fix != "" && f.Level != OK {
			fmt.Fprintf(w, "  %-4s  %-18s fix: %s\n", "", "", f.Fix)
		}
	}
}

// judge collects the findings of one tunnel.
type judge struct {
	f      *Facts
	now    time.Time
	src    netip.Addr // the tunnel source the egress gives, by bsd.ChooseSource
	srcErr error
	out    []Finding
}

func (j *judge) add(id string, l Level, msg, fix string) {
	j.out = append(j.out, Finding{ID: id, Tunnel: j.f.Tunnel, Level: l, Message: msg, Fix: fix})
}

// rule is one case of a finding. Messages are built before the case is
// chosen, so they print errors with fmt.Sprint, which takes nil.
type rule struct {
	when     bool
	level    Level // "": no finding, an earlier one said it
	msg, fix string
}

// first adds finding id as the first rule that holds says.
func (j *judge) first(id string, rules []rule) {
	if i := slices.IndexFunc(rules, func(r rule) bool { return r.when }); i >= 0 && rules[i].level != "" {
		j.add(id, rules[i].level, rules[i].msg, rules[i].fix)
	}
}

// Judge turns one tunnel's facts into findings, in the order an admin
// would go through them: configuration, file, kernel, pf, broker, packets.
func Judge(f *Facts, now time.Time) []Finding {
	j := &judge{f: f, now: now}
	j.src, _, j.srcErr = bsd.ChooseSource(f.Egress, f.Kernel.Egress.IPv4(), f.Kernel.Source)
	for _, check := range []func(){
		j.updateURL, j.hostnameFile, j.egress, j.gifLink, j.endpoints, j.inner, j.mtu,
		j.defaultRoute, j.pf, j.broker, j.reach,
	} {
		check()
	}
	return j.out
}

// Config is the finding on the configuration file config.Load read: it
// parses, and only root may read or change it (else config.Load fails).
func Config(file string) Finding {
	return Finding{ID: "config", Level: OK, Message: file + " parses; others may neither read nor change it"}
}

// restart is the fix of everything gifctl restart repairs.
func (j *judge) restart() string { return "gifctl restart " + j.f.Tunnel }

func (j *judge) updateURL() {
	h := j.f.UpdateHost
	j.first("config.update-url", []rule{
		{h == "" && j.f.Heartbeat, OK, "no update-url: the PoP learns the address from heartbeats", ""},
		{h == "", Warn, "no update-url: gifctl does not tell the broker when the address changes",
			"add update-url with the tunnel page's Example Update URL to the tunnel block"},
		{h != heHost && (h == "tunnelbroker.net" || strings.HasSuffix(h, ".tunnelbroker.net")), Warn,
			"update-url goes to https://" + h + ", not " + heHost + ": over IPv6 the broker would see the wrong address",
			"use https://" + heHost + "/nic/update?hostname=TUNNELID"},
		{true, OK, "update-url goes to https://" + h, ""},
	})
}

func (j *judge) hostnameFile() {
	h, f := &j.f.Hostname, j.f
	j.first("hostname.file", []rule{
		{errors.Is(h.Err, fs.ErrNotExist), Fail, h.Path + " does not exist: nothing sets the tunnel up at boot",
			j.restart() + " writes it (the tunnel block needs remote and inet6 ... peer)"},
		{errors.Is(h.Err, fs.ErrPermission), Skip, "cannot read " + h.Path, asRoot},
		{h.Err != nil, Fail, fmt.Sprint(h.Err), ""},
	})
	if h.Err != nil {
		return
	}
	var wrong, fix []string
	if h.UID != 0 || h.GID != 0 {
		wrong = append(wrong, fmt.Sprintf("owned by %d:%d, not root:wheel", h.UID, h.GID))
		fix = append(fix, "chown root:wheel "+h.Path)
	}
	if h.Mode.Perm()&^0o640 != 0 {
		wrong = append(wrong, fmt.Sprintf("mode %04o, more than 0640", h.Mode.Perm()))
		fix = append(fix, "chmod 640 "+h.Path)
	}
	j.first("hostname.perms", []rule{
		{wrong != nil, Fail, h.Path + " is " + strings.Join(wrong, " and ") + ": every line of it runs as root, and netstart warns",
			strings.Join(fix, "; ")},
		{true, OK, fmt.Sprintf("%s is root:wheel, mode %04o", h.Path, h.Mode.Perm()), ""},
	})

	err := bsd.Consistent(f.Tunnel, f.Egress, f.Kernel.Egress.IPv4(), h.Source, h.Dest, f.Remote)
	j.first("hostname.tunnel", []rule{
		{!h.Source.IsValid(), Fail, h.Path + " has no tunnel line that netstart can use", j.restart() + " adds it"},
		{f.Kernel.EgressErr == nil && err != nil, Fail, h.Path + ": " + fmt.Sprint(err), j.restart()},
		{true, OK, fmt.Sprintf("%s: tunnel %s %s", h.Path, h.Source, h.Dest), ""},
	})

	j.first("hostname.inet6", []rule{
		{!h.Inner.IsValid(), Fail, h.Path + " sets no inner address",
			fmt.Sprintf("add the lines \"inet6 %s 128\" and \"dest %s\" (the Client and Server IPv6 addresses of the tunnel page)",
				orNone(f.ConfInner, "ADDR"), orNone(f.ConfPeer, "PEER"))},
		{f.ConfInner.IsValid() && (f.ConfInner != h.Inner || f.ConfPeer != h.Peer), Fail,
			fmt.Sprintf("%s sets inet6 %s dest %s, but the tunnel block says inet6 %s peer %s",
				h.Path, h.Inner, h.Peer, f.ConfInner, f.ConfPeer), "make them agree"},
		{true, OK, fmt.Sprintf("%s: inet6 %s dest %s", h.Path, h.Inner, h.Peer), ""},
	})

	if len(h.CRLF) > 0 {
		j.add("hostname.crlf", Fail, fmt.Sprintf("%s: line %s ends in CR LF: netstart passes the CR on to ifconfig, which refuses the line",
			h.Path, strings.Trim(fmt.Sprint(h.CRLF), "[]")), "perl -pi -e 's/\\r$//' "+h.Path)
	}
	if len(h.Differs) > 0 {
		j.add("hostname.netstart", Fail, h.Path+": netstart reads it otherwise than gifctl: "+strings.Join(h.Differs, "; "),
			"rewrite those lines as hostname.if(5) shows")
	}
}

func (j *judge) egress() {
	k, e, src := &j.f.Kernel, j.f.Egress, j.src
	j.first("egress.addr", []rule{
		{k.EgressErr != nil, Fail, fmt.Sprint(k.EgressErr), "check the egress line of the tunnel block"},
		{j.srcErr != nil, Fail, fmt.Sprint(j.srcErr) + ": no tunnel source",
			"sh /etc/netstart " + e + ", or wait for the DHCP lease or PPPoE session"},
		{bsd.IsCGNAT(src), Warn, fmt.Sprintf("%s's address %s is the ISP's carrier-grade NAT (100.64.0.0/10): 6in4 works only if the ISP passes protocol 41, which it rarely does", e, src),
			"ask the ISP for a public IPv4 address"},
		{bsd.NotPublic(src) != "", Warn, fmt.Sprintf("%s's address %s is private: the router is behind NAT, the broker sees the NAT's address (gifctl leaves myip out)", e, src),
			"the NAT must forward protocol 41 to this router, and the broker's client IPv4 must be the NAT's"},
		{true, OK, fmt.Sprintf("%s has %s", e, bsd.JoinAddrs(k.Egress.IPv4())), ""},
	})
}

func (j *judge) gifLink() {
	k, t := &j.f.Kernel, j.f.Tunnel
	j.first("gif.link", []rule{
		{errors.Is(k.GifErr, bsd.ErrNoInterface), Fail, t + " does not exist", "sh /etc/netstart " + t},
		{k.GifErr != nil, Fail, fmt.Sprint(k.GifErr), ""},
		{!k.Gif.Up, Fail, t + " is down", "ifconfig " + t + " up"},
		{true, OK, t + " exists and is up", ""},
	})
}

// endpoints and inner leave out what gif.link or hostname.inet6 said.
func (j *judge) endpoints() {
	k, f := &j.f.Kernel, j.f
	consistent := bsd.Consistent(f.Tunnel, f.Egress, k.Egress.IPv4(), k.Source, k.Dest, f.Remote)
	j.first("gif.endpoints", []rule{
		{k.GifErr != nil, "", "", ""},
		{k.EndpointsErr != nil, Fail, fmt.Sprint(k.EndpointsErr), j.restart()},
		{consistent != nil, Fail, fmt.Sprint(consistent), j.restart()},
		{true, OK, fmt.Sprintf("%s: tunnel %s --> %s", f.Tunnel, k.Source, k.Dest), ""},
	})
}

func (j *judge) inner() {
	k, f := &j.f.Kernel, j.f
	j.first("gif.inet6", []rule{
		{k.GifErr != nil || !f.Inner.IsValid(), "", "", ""},
		{!slices.Contains(k.Gif.Addrs, f.Inner), Fail, fmt.Sprintf("%s does not have its inner address %s", f.Tunnel, f.Inner),
			"sh /etc/netstart " + f.Tunnel},
		{true, OK, fmt.Sprintf("%s has %s", f.Tunnel, f.Inner), ""},
	})
}

func (j *judge) mtu() {
	k, f := &j.f.Kernel, j.f
	gif, egress, want := k.Gif.MTU, k.Egress.MTU, k.Egress.MTU-ipv4Header
	why := ""
	if egress == 1492 {
		why = " (PPPoE)"
	}
	j.first("gif.mtu", []rule{
		{k.GifErr != nil || k.EgressErr != nil, "", "", ""},
		{gif <= want, OK, fmt.Sprintf("%s mtu %d + %d fits %s mtu %d", f.Tunnel, gif, ipv4Header, f.Egress, egress), ""},
		{true, Fail, fmt.Sprintf("%s mtu %d + %d bytes of IPv4 header is more than %s mtu %d%s: large packets are lost",
			f.Tunnel, gif, ipv4Header, f.Egress, egress, why),
			fmt.Sprintf("add \"mtu %d\" to %s, run ifconfig %s mtu %d, and set MTU %d at the broker too",
				want, f.Hostname.Path, f.Tunnel, want, want)},
	})
}

func (j *judge) defaultRoute() {
	h, k, f := &j.f.Hostname, &j.f.Kernel, j.f
	line := "route -qn add -inet6 default " + orNone(f.Peer, "PEER")
	fix := "add the line \"!" + line + "\" to " + h.Path
	j.first("route.default", []rule{
		{h.Route, OK, h.Path + " adds the IPv6 default route", ""},
		{k.Route && h.Err != nil, OK, "the IPv6 default route goes through " + f.Tunnel, ""},
		{k.Route, Warn, "the IPv6 default route goes through " + f.Tunnel + ", but " + h.Path +
			" does not add it: it is gone after a reboot", fix},
		{k.RouteErr != nil, Warn, h.Path + " does not add an IPv6 default route, and the kernel's cannot be read: " +
			fmt.Sprint(k.RouteErr), fix},
		{h.Err == nil, Fail, "no IPv6 default route through " + f.Tunnel + ", and " + h.Path + " adds none",
			fix + " and run " + line},
		{true, Fail, "no IPv6 default route through " + f.Tunnel, fix + " and run " + line},
	})
}

func (j *judge) pf() {
	p, f := &j.f.PF, j.f
	j.first("pf.conf", []rule{
		{p.Conf == "", OK, "pf-conf is not set: gifctl does not reload pf", ""},
		{p.ConfErr != nil && !f.Root, Skip, "cannot tell whether " + p.Conf + " parses: " + fmt.Sprint(p.ConfErr), asRoot},
		{p.ConfErr != nil, Fail, fmt.Sprint(p.ConfErr), "fix " + p.Conf + ": pfctl -n -f " + p.Conf + " names the lines"},
		{true, OK, p.Conf + " parses", ""},
	})
	unknown := "cannot tell whether pf is enabled: " + fmt.Sprint(p.InfoErr)
	j.first("pf.enabled", []rule{
		{p.InfoErr != nil && !f.Root, Skip, unknown, asRoot},
		{p.InfoErr != nil, Warn, unknown, ""},
		{!p.Enabled, Warn, "pf is disabled: nothing is filtered, and pf.conf is not in force", "pfctl -e"},
		{true, OK, "pf is enabled", ""},
	})
	remote := orNone(f.Remote, "REMOTE")
	j.add("pf.rules", Skip, "not checked, gifctl has no rule tester: that pf passes protocol 41 from "+remote+
		" and ICMP echo from "+hePinger+", the address HE pings a new endpoint from before it accepts it",
		fmt.Sprintf("pf.conf needs rules such as \"pass in on %s inet proto ipv6 from %s\" and \"pass in on %s inet proto icmp from %s icmp-type echoreq\"",
			f.Egress, remote, f.Egress, hePinger))
}

// answerFixes are the fixes of the broker answers that name one.
var answerFixes = map[string]string{
	"badauth": "check the user name and the key in update-url: the key is the tunnel's Update Key, on its Advanced tab",
	"abuse":   "wait: the broker blocks updates for a while, and each one sent meanwhile prolongs the block",
	"nohost":  "check hostname= in update-url: it is the tunnel's ID",
	"!yours":  "check hostname= in update-url: the tunnel's ID, of the account in the URL",
	"badip":   "the broker refuses this address: it must be public and answer HE's ping",
}

func (j *judge) broker() {
	s, f := j.f.Broker, j.f
	if s == nil {
		return
	}
	when, err, update := s.When.In(j.now.Location()).Format(time.DateTime), f.BrokerErr, "gifctl update "+f.Tunnel
	j.first("broker.answer", []rule{
		{errors.Is(err, fs.ErrPermission), Skip, "cannot read the broker state: " + fmt.Sprint(err), asRoot},
		{err != nil, Fail, fmt.Sprint(err), ""},
		{s.When.IsZero(), OK, "no update sent yet", ""},
		{broker.Answer{Code: s.Code, Text: s.Answer}.OK(), OK, fmt.Sprintf("the broker answered %q at %s", s.Answer, when), ""},
		{s.Code == "", Warn, fmt.Sprintf("the last update at %s failed: %s", when, s.Answer), update + " once the broker can be reached"},
		{true, Fail, fmt.Sprintf("the broker answered %q at %s", s.Answer, when),
			cmp.Or(answerFixes[s.Code], "see the broker answers in gifctl(8)")},
	})
	if err != nil {
		return
	}
	if j.now.Before(s.BackoffUntil) {
		j.add("broker.backoff", Fail, "gifctl sends no update until "+s.BackoffUntil.In(j.now.Location()).Format(time.DateTime),
			"fix the cause above; gifctl tries again after that")
	}
	// Address is what the broker last accepted from gifctl; after an
	// answerless failure it is forgotten, as the broker may have taken it.
	j.first("broker.address", []rule{
		{f.Kernel.EgressErr != nil || j.srcErr != nil, "", "", ""}, // egress.addr said it
		{!s.Address.IsValid() && s.When.IsZero(), Warn, "gifctl has not told the broker any address yet", update},
		{j.src != s.Address, Fail, fmt.Sprintf("the broker last accepted %s from gifctl, not %s",
			orNone(s.Address, "no address"), j.src), update},
		{true, OK, "the broker has " + j.src.String(), ""},
	})
}

// orNone is a, or none when a is invalid.
func orNone(a netip.Addr, none string) string {
	if a.IsValid() {
		return a.String()
	}
	return none
}

func (j *judge) reach() {
	f := j.f
	probe := func(id string, p Probe, l Level, what, fix string) {
		j.first(id, []rule{
			{p.Skipped != "", Skip, what + ": not sent: " + p.Skipped, ""},
			{p.Err != nil, l, what + ": " + fmt.Sprint(p.Err), fix},
			{true, OK, what + ": a reply", ""},
		})
	}
	probe("reach.peer", f.Peer6, Fail, "echo to the tunnel's peer "+bsd.JoinAddrs(f.Peer6.Targets)+" from "+f.Inner.String(),
		"the tunnel carries nothing: fix what failed above; if nothing did, the broker may not have this address yet, or something drops protocol 41 from "+f.Remote.String())
	t6 := f.Targets6
	if f.Peer6.Err != nil && t6.Skipped == "" {
		t6.Skipped = "the peer does not answer"
	}
	probe("reach.ipv6", t6, Fail, strings.TrimSpace("echo to the check ipv6 targets "+bsd.JoinAddrs(t6.Targets))+" from "+f.Inner.String(),
		"the peer answers but beyond it nothing does: check the default route and the broker's side")
	probe("reach.remote", f.Remote4, Warn, "echo to the remote "+bsd.JoinAddrs(f.Remote4.Targets),
		"the IPv4 path to the broker's end is down, or ICMP is filtered on the way: traceroute "+f.Remote.String())
}
