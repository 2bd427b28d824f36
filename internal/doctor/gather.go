package doctor

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/hostnameif"
	"github.com/gifctl/gifctl/internal/broker"
	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/probe"
)

// Facts is what doctor knows of one tunnel: gathered, or built by tests.
type Facts struct {
	Tunnel, Egress      string
	Remote, Inner, Peer netip.Addr // the tunnel block's, else hostname.IF's
	ConfInner, ConfPeer netip.Addr // the tunnel block's inet6 ... peer, if any
	UpdateHost          string     // the update-url's host; "" without one
	Heartbeat           bool
	Root                bool // raw sockets and /dev/pf need it

	Hostname  Hostname
	Kernel    Kernel
	PF        PF
	Broker    *broker.State // gifctl's record of the broker's answers; nil without an update-url
	BrokerErr error         // the record could not be read
	Peer6     Probe         // ICMPv6 echo to Peer from Inner, through the tunnel
	Targets6  Probe         // ICMPv6 echo to the check ipv6 targets from Inner
	Remote4   Probe         // ICMP echo to Remote
}

// Hostname is hostname.IF as netstart and gifctl read it.
type Hostname struct {
	Path         string
	Err          error // it could not be read (fs.ErrNotExist: missing)
	UID, GID     int
	Mode         fs.FileMode
	Source, Dest netip.Addr // of the tunnel line netstart leaves in force
	Inner, Peer  netip.Addr
	Route        bool     // a ! line adds the IPv6 default route
	CRLF         []int    // lines ending in CR LF
	Differs      []string // lines netstart reads otherwise than gifctl
}

// Kernel is what the kernel says now.
type Kernel struct {
	Egress, Gif       bsd.Link
	EgressErr, GifErr error
	Source, Dest      netip.Addr // the gif's tunnel endpoints
	EndpointsErr      error
	Route             bool // an IPv6 default route out of the gif
	RouteErr          error
}

// PF is pfctl's view: whether pf-conf parses and pf is enabled.
type PF struct {
	Conf    string // pf-conf; "" when gifctl leaves pf alone
	ConfErr error  // from pfctl -n -f
	Enabled bool
	InfoErr error // pfctl -s info could not tell
}

// Probe is one bounded round of echo requests.
type Probe struct {
	Targets []netip.Addr
	Skipped string // why it was not sent; "" when it was
	Err     error  // nil: a reply came
}

// runTimeout bounds each command doctor runs (ifconfig, pfctl).
const runTimeout = 5 * time.Second

// Gatherer reads facts in pledge's order: Open, before it, does the kernel
// reads and opens the raw sockets; Finish runs pfctl, reads the broker state,
// probes.
type Gatherer struct {
	c     *config.Config
	facts []*Facts
	v4    *probe.Prober
	v6    []*probe.Prober // per tunnel, bound to its inner address; nil when not opened
}

// Open reads hostname.IF and the kernel and opens the probes' sockets.
func Open(ctx context.Context, c *config.Config, tunnels []*config.Tunnel) *Gatherer {
	g := &Gatherer{c: c, v6: make([]*probe.Prober, len(tunnels))}
	var err, v4Err error
	g.v4, v4Err = probe.Open(probe.IPv4, netip.Addr{})
	for i, t := range tunnels {
		h := readHostname(t.HostnameFile(c), t.Name)
		// The tunnel block sets inet6 and peer together, or neither.
		f := &Facts{Tunnel: t.Name, Egress: t.Egress, Remote: cmp.Or(t.Remote, h.Dest),
			Inner: cmp.Or(t.Inet6, h.Inner), Peer: cmp.Or(t.Peer, h.Peer), ConfInner: t.Inet6, ConfPeer: t.Peer,
			Heartbeat: t.Heartbeat != "", Root: os.Geteuid() == 0, Hostname: h}
		if t.UpdateURL != nil {
			f.UpdateHost, f.Broker = t.UpdateURL.Hostname(), &broker.State{}
		}
		k := &f.Kernel
		k.Egress, k.EgressErr = bsd.ReadLink(t.Egress)
		k.Gif, k.GifErr = bsd.ReadLink(t.Name)
		if k.GifErr == nil {
			ctx, cancel := context.WithTimeout(ctx, runTimeout)
			k.Source, k.Dest, k.EndpointsErr = bsd.TunnelEndpoints(ctx, t.Name, c.Ifconfig)
			cancel()
			k.Route, k.RouteErr = bsd.DefaultRoute6Via(t.Name)
		}
		f.Peer6.Targets, f.Remote4 = addrs(f.Peer), Probe{Targets: addrs(f.Remote), Err: v4Err}
		if c.IPv6 != nil {
			f.Targets6.Targets = c.IPv6.Targets
		} else {
			f.Targets6.Skipped = "gifctl.conf has no check ipv6 block"
		}
		if !f.Inner.IsValid() {
			f.Peer6.Skipped, f.Targets6.Skipped = "the inner address is unknown", "the inner address is unknown"
		} else if g.v6[i], err = probe.Open(probe.IPv6, f.Inner); err != nil {
			f.Peer6.Err, f.Targets6.Err = err, err
		}
		g.facts = append(g.facts, f)
	}
	return g
}

func addrs(a netip.Addr) []netip.Addr {
	return slices.DeleteFunc([]netip.Addr{a}, func(a netip.Addr) bool { return !a.IsValid() })
}

// Finish gathers the rest and returns the facts, one per tunnel.
func (g *Gatherer) Finish(ctx context.Context) []*Facts {
	pf := readPF(ctx, g.c.Pfctl, g.c.PfConf)
	none := &config.Check{Timeout: config.DefaultCheckTimeout} // no check block
	t4, t6 := cmp.Or(g.c.IPv4, none).Timeout, cmp.Or(g.c.IPv6, none).Timeout
	for i, f := range g.facts {
		f.PF = pf
		if f.Broker != nil {
			*f.Broker, f.BrokerErr = broker.LoadState(g.c.StateDir, f.Tunnel)
		}
		echo(ctx, g.v6[i], &f.Peer6, t6)
		echo(ctx, g.v6[i], &f.Targets6, t6)
		echo(ctx, g.v4, &f.Remote4, t4)
	}
	return g.facts
}

// Close closes the probes' sockets.
func (g *Gatherer) Close() {
	for _, p := range append(g.v6, g.v4) {
		if p != nil {
			p.Close()
		}
	}
}

// echo sends one bounded probe if it can, and records its error or why not.
func echo(ctx context.Context, p *probe.Prober, pr *Probe, timeout time.Duration) {
	switch {
	case pr.Skipped != "":
	case errors.Is(pr.Err, fs.ErrPermission), errors.Is(pr.Err, syscall.EPERM):
		pr.Err, pr.Skipped = nil, "raw sockets need root"
	case pr.Err == nil && len(pr.Targets) == 0:
		pr.Skipped = "no target"
	case pr.Err == nil:
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		_, pr.Err = p.Any(ctx, pr.Targets)
		if errors.Is(pr.Err, probe.ErrNoReply) { // said without the time it waited, which varies
			_, send, _ := strings.Cut(pr.Err.Error(), "; ")
			pr.Err = errors.New(strings.TrimSuffix(fmt.Sprintf("no reply within %v; %s", timeout, send), "; "))
		}
	}
}

// readHostname reads hostname.IF, its owner and mode, as netstart reads
// it when it sets up interface ifname.
func readHostname(path, ifname string) Hostname {
	h := Hostname{Path: path}
	fi, err := os.Stat(path)
	if h.Err = err; err != nil {
		return h
	}
	h.Mode = fi.Mode()
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		h.UID, h.GID = int(st.Uid), int(st.Gid)
	}
	data, err := bsd.ReadFile(path, bsd.MaxSmallFile)
	if h.Err = err; err != nil {
		return h
	}
	f := hostnameif.Parse(data)
	h.Source, h.Dest, _ = f.Tunnel(ifname)
	h.Inner, h.Peer, _ = f.Inet6(ifname)
	_, line := f.DefaultRoute(ifname)
	h.Route = line > 0
	for i, l := range bytes.Split(data, []byte("\n")) {
		if bytes.HasSuffix(l, []byte("\r")) {
			h.CRLF = append(h.CRLF, i+1)
		}
	}
	for _, d := range f.Divergences(ifname) {
		if !slices.Contains(h.CRLF, d.Line) { // hostname.crlf says it, with its fix
			h.Differs = append(h.Differs, d.String())
		}
	}
	return h
}

// readPF asks pfctl whether conf, when set, parses (pfctl -n -f, which
// loads nothing) and whether pf is enabled (the Status line of pfctl -s
// info, sbin/pfctl/pfctl_parser.c print_status).
func readPF(ctx context.Context, pfctl, conf string) PF {
	p := PF{Conf: conf}
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	if conf != "" {
		_, p.ConfErr = bsd.Run(ctx, []string{pfctl, "-n", "-f", conf})
	}
	out, err := bsd.Run(ctx, []string{pfctl, "-s", "info"})
	switch {
	case err != nil:
		p.InfoErr = err
	case bytes.HasPrefix(out, []byte("Status: Enabled")):
		p.Enabled = true
	case !bytes.HasPrefix(out, []byte("Status: Disabled")):
		p.InfoErr = errors.New(pfctl + " -s info: no Status line")
	}
	return p
}
