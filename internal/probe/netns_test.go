package probe

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/sim/netns"
	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// slack is how much later than its deadline Any may return. Any itself
// wakes within milliseconds of it; the rest is the scheduler of a loaded
// 2-core CI machine running many parallel tests, which a correct Any can't
// help. A second still catches the bug this guards against: a read that
// ignores the deadline and waits for the next packet or round.
const slack = time.Second

// lab is a prober namespace with two neighbours on links of their own: one
// that answers echo requests and one that silently ignores them.
//
//	live (eth0 198.18.1.2, 2001:db8:1::2) -- tolive   (198.18.1.1, 2001:db8:1::1)
//	                                          prober
//	silent (eth0 198.18.2.2, 2001:db8:2::2) -- tosilent (198.18.2.1, 2001:db8:2::1)
type lab struct {
	prober, live, silent *netns.TestNS
}

type addrs struct{ live, silent, local netip.Addr }

var labAddrs = map[Family]addrs{
	IPv4: {netip.MustParseAddr("198.18.1.2"), netip.MustParseAddr("198.18.2.2"), netip.MustParseAddr("198.18.1.1")},
	IPv6: {netip.MustParseAddr("2001:db8:1::2"), netip.MustParseAddr("2001:db8:2::2"), netip.MustParseAddr("2001:db8:1::1")},
}

func newLab(t *testing.T) *lab {
	t.Helper()
	l := &lab{prober: netns.NewTestNS(t), live: netns.NewTestNS(t), silent: netns.NewTestNS(t)}
	netns.Link(t, l.prober, "tolive", l.live, "eth0")
	netns.Link(t, l.prober, "tosilent", l.silent, "eth0")
	for _, a := range []struct {
		ns     *netns.TestNS
		ifname string
		prefix string
	}{
		{l.prober, "tolive", "198.18.1.1/24"},
		{l.prober, "tolive", "2001:db8:1::1/64"},
		{l.live, "eth0", "198.18.1.2/24"},
		{l.live, "eth0", "2001:db8:1::2/64"},
		{l.prober, "tosilent", "198.18.2.1/24"},
		{l.prober, "tosilent", "2001:db8:2::1/64"},
		{l.silent, "eth0", "198.18.2.2/24"},
		{l.silent, "eth0", "2001:db8:2::2/64"},
	} {
		a.ns.AddAddr(a.ifname, a.prefix)
	}
	l.silent.Sysctl("net.ipv4.icmp_echo_ignore_all", "1")
	l.silent.Sysctl("net.ipv6.icmp.echo_ignore_all", "1")
	return l
}

// open opens a Prober inside ns, closed when the test ends.
func open(t *testing.T, ns *netns.TestNS, fam Family, source netip.Addr) *Prober {
	t.Helper()
	var p *Prober
	err := ns.Do(func() (err error) {
		p, err = Open(fam, source)
		return err
	})
	if err != nil {
		t.Fatalf("Open(%v, %v) in %s: %v", fam, source, ns.Name, err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// listen opens a raw ICMP socket of fam inside ns, bound to addr.
func listen(t *testing.T, ns *netns.TestNS, fam Family, addr netip.Addr) *icmp.PacketConn {
	t.Helper()
	network := "ip4:icmp"
	if fam == IPv6 {
		network = "ip6:ipv6-icmp"
	}
	var c *icmp.PacketConn
	err := ns.Do(func() (err error) {
		c, err = icmp.ListenPacket(network, addr.String())
		return err
	})
	if err != nil {
		t.Fatalf("listen %s %v in %s: %v", network, addr, ns.Name, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// anyWithin runs p.Any with the given timeout and returns its result and
// how long it took.
func anyWithin(t *testing.T, p *Prober, timeout time.Duration, targets ...netip.Addr) (Reply, error, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	start := time.Now()
	r, err := p.Any(ctx, targets)
	return r, err, time.Since(start)
}

// wantNoReply checks that err is a noReplyError that came at the deadline,
// not before it and not noticeably after it.
func wantNoReply(t *testing.T, err error, took, timeout time.Duration) *noReplyError {
	t.Helper()
	var nr *noReplyError
	if !errors.Is(err, ErrNoReply) || !errors.As(err, &nr) {
		t.Fatalf("error = %v, want a noReplyError", err)
	}
	if took < timeout-10*time.Millisecond || took > timeout+slack {
		t.Errorf("returned after %v, want the deadline %v (at most %v late)", took, timeout, slack)
	}
	return nr
}

var families = []Family{IPv4, IPv6}

func TestLive(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	for _, fam := range families {
		t.Run(fam.String(), func(t *testing.T) {
			p := open(t, l.prober, fam, netip.Addr{})
			want := labAddrs[fam].live
			// Twice on one Prober: sequence numbers go on across calls.
			for range 2 {
				r, err, _ := anyWithin(t, p, 3*time.Second, want)
				if err != nil {
					t.Fatal(err)
				}
				if r.From != want {
					t.Errorf("reply from %v, want %v", r.From, want)
				}
				if r.RTT <= 0 || r.RTT > time.Second {
					t.Errorf("RTT %v on a veth", r.RTT)
				}
			}
		})
	}
}

func TestSilent(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	for _, fam := range families {
		t.Run(fam.String(), func(t *testing.T) {
			t.Parallel()
			p := open(t, l.prober, fam, netip.Addr{})
			const timeout = 700 * time.Millisecond
			_, err, took := anyWithin(t, p, timeout, labAddrs[fam].silent)
			nr := wantNoReply(t, err, took, timeout)
			if nr.Rounds < 2 {
				t.Errorf("%d rounds in %v, want a resend every %v", nr.Rounds, timeout, defaultInterval)
			}
			if nr.SendErr != nil {
				t.Errorf("send error %v on a working link", nr.SendErr)
			}
		})
	}
}

func TestSilentAndLiveAnswersAtLiveRTT(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	for _, fam := range families {
		t.Run(fam.String(), func(t *testing.T) {
			t.Parallel()
			p := open(t, l.prober, fam, netip.Addr{})
			a := labAddrs[fam]
			r, err, took := anyWithin(t, p, 5*time.Second, a.silent, a.live)
			if err != nil {
				t.Fatal(err)
			}
			if r.From != a.live {
				t.Errorf("reply from %v, want %v", r.From, a.live)
			}
			if took > time.Second {
				t.Errorf("took %v with a 5s timeout: waited for the silent target", took)
			}
		})
	}
}

func TestLinkDown(t *testing.T) {
	t.Parallel()
	for _, fam := range families {
		for _, when := range []string{"before", "during"} {
			t.Run(fam.String()+"/"+when, func(t *testing.T) {
				t.Parallel()
				l := newLab(t)
				p := open(t, l.prober, fam, netip.Addr{})
				down := func() { l.prober.IP("link", "set", "tosilent", "down") }
				if when == "before" {
					down()
				} else {
					// Whenever it happens, the answer must be the same.
					time.AfterFunc(300*time.Millisecond, down)
				}
				const timeout = 900 * time.Millisecond
				_, err, took := anyWithin(t, p, timeout, labAddrs[fam].silent)
				nr := wantNoReply(t, err, took, timeout)
				if nr.SendErr == nil {
					t.Fatalf("no send error recorded: %v", err)
				}
				if msg := nr.SendErr.Error(); !strings.Contains(msg, "unreachable") && !strings.Contains(msg, "down") {
					t.Errorf("send error %q, want network unreachable or down", msg)
				}
			})
		}
	}
}

func TestOwnRequestsOnLoopbackDoNotCount(t *testing.T) {
	t.Parallel()
	ns := netns.NewTestNS(t)
	lo := map[Family]netip.Addr{IPv4: netip.MustParseAddr("127.0.0.1"), IPv6: netip.IPv6Loopback()}
	for _, fam := range families {
		p := open(t, ns, fam, netip.Addr{})
		if _, err, _ := anyWithin(t, p, 3*time.Second, lo[fam]); err != nil {
			t.Fatalf("%v: loopback with echo answered: %v", fam, err)
		}
	}
	// Now the kernel stays quiet and the raw socket sees only our own
	// requests going out over lo, with our id, our sequence numbers and the
	// target as source address.
	ns.Sysctl("net.ipv4.icmp_echo_ignore_all", "1")
	ns.Sysctl("net.ipv6.icmp.echo_ignore_all", "1")
	for _, fam := range families {
		p := open(t, ns, fam, netip.Addr{})
		const timeout = 500 * time.Millisecond
		r, err, took := anyWithin(t, p, timeout, lo[fam])
		if err == nil {
			t.Fatalf("%v: reply %+v from loopback that ignores echo", fam, r)
		}
		wantNoReply(t, err, took, timeout)
	}
}

// A forgery answers each echo request reaching the silent host with one
// crafted packet: it stands in for other processes' pings, stray packets
// and ICMP errors. Only the control may count as a reply.
type forgery struct {
	name  string
	other bool // send from the silent host's second address, not the target
	forge func(fam Family, req *icmp.Echo, raw []byte) *icmp.Message
	count bool
}

func echoType(fam Family, reply bool) icmp.Type {
	switch {
	case fam == IPv4 && reply:
		return ipv4.ICMPTypeEchoReply
	case fam == IPv4:
		return ipv4.ICMPTypeEcho
	case reply:
		return ipv6.ICMPTypeEchoReply
	}
	return ipv6.ICMPTypeEchoRequest
}

var forgeries = []forgery{
	{"valid reply (control)", false, func(fam Family, req *icmp.Echo, _ []byte) *icmp.Message {
		return &icmp.Message{Type: echoType(fam, true), Body: req}
	}, true},
	{"wrong id", false, func(fam Family, req *icmp.Echo, _ []byte) *icmp.Message {
		return &icmp.Message{Type: echoType(fam, true), Body: &icmp.Echo{ID: req.ID ^ 0x5555, Seq: req.Seq, Data: req.Data}}
	}, false},
	{"sequence never sent", false, func(fam Family, req *icmp.Echo, _ []byte) *icmp.Message {
		return &icmp.Message{Type: echoType(fam, true), Body: &icmp.Echo{ID: req.ID, Seq: req.Seq + 1000, Data: req.Data}}
	}, false},
	{"from another address", true, func(fam Family, req *icmp.Echo, _ []byte) *icmp.Message {
		return &icmp.Message{Type: echoType(fam, true), Body: req}
	}, false},
	{"request sent back", false, func(fam Family, req *icmp.Echo, _ []byte) *icmp.Message {
		return &icmp.Message{Type: echoType(fam, false), Body: req}
	}, false},
	{"unreachable quoting the request", false, func(fam Family, req *icmp.Echo, raw []byte) *icmp.Message {
		var typ icmp.Type = ipv4.ICMPTypeDestinationUnreachable
		if fam == IPv6 {
			typ = ipv6.ICMPTypeDestinationUnreachable
		}
		// A real error quotes the IP header first; the bytes a careless
		// parser would fall for are the echo request's, and they are here.
		return &icmp.Message{Type: typ, Code: 1, Body: &icmp.DstUnreach{Data: append(make([]byte, 40), raw...)}}
	}, false},
}

var otherAddr = map[Family]string{IPv4: "198.18.2.3/24", IPv6: "2001:db8:2::3/64"}

// spoof makes the silent host answer with f until the test ends.
func spoof(t *testing.T, l *lab, fam Family, f forgery) {
	t.Helper()
	in := listen(t, l.silent, fam, labAddrs[fam].silent)
	out := in
	if f.other {
		l.silent.AddAddr("eth0", otherAddr[fam])
		out = listen(t, l.silent, fam, netip.MustParsePrefix(otherAddr[fam]).Addr())
	}
	proto := ipv4.ICMPTypeEcho.Protocol()
	if fam == IPv6 {
		proto = ipv6.ICMPTypeEchoRequest.Protocol()
	}
	go func() {
		buf := make([]byte, 1500)
		for {
			n, peer, err := in.ReadFrom(buf)
			if err != nil {
				return // closed when the test ends
			}
			msg, err := icmp.ParseMessage(proto, buf[:n])
			if err != nil || msg.Type != echoType(fam, false) {
				continue
			}
			b, err := f.forge(fam, msg.Body.(*icmp.Echo), buf[:n]).Marshal(nil)
			if err != nil {
				panic(err)
			}
			out.WriteTo(b, peer)
		}
	}()
}

func TestStrayPacketsDoNotCount(t *testing.T) {
	t.Parallel()
	for _, f := range forgeries {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			l := newLab(t)
			for _, fam := range families {
				spoof(t, l, fam, f)
				p := open(t, l.prober, fam, netip.Addr{})
				if f.count {
					// Any returns at the first valid reply, so only a failure
					// waits this long: time for a lost neighbour solicitation
					// (retransmitted after 1 s) when other tests load the host.
					if _, err, _ := anyWithin(t, p, 3*time.Second, labAddrs[fam].silent); err != nil {
						t.Fatalf("%v: the spoofer's valid replies did not count: %v", fam, err)
					}
					continue
				}
				const timeout = 600 * time.Millisecond
				r, err, took := anyWithin(t, p, timeout, labAddrs[fam].silent)
				if err == nil {
					t.Fatalf("%v: counted %+v", fam, r)
				}
				wantNoReply(t, err, took, timeout)
			}
		})
	}
}

func TestSource(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	second := map[Family]string{IPv4: "198.18.1.5/24", IPv6: "2001:db8:1::5/64"}
	for _, fam := range families {
		l.prober.AddAddr("tolive", second[fam])
	}
	for _, fam := range families {
		t.Run(fam.String()+"/probes leave from it", func(t *testing.T) {
			src := netip.MustParsePrefix(second[fam]).Addr()
			watch := listen(t, l.live, fam, labAddrs[fam].live)
			p := open(t, l.prober, fam, src)
			if _, err, _ := anyWithin(t, p, 3*time.Second, labAddrs[fam].live); err != nil {
				t.Fatal(err)
			}
			// The request is queued on watch: the kernel hands raw sockets
			// their copy before it answers.
			watch.SetReadDeadline(time.Now().Add(2 * time.Second))
			buf := make([]byte, 1500)
			for {
				n, peer, err := watch.ReadFrom(buf)
				if err != nil {
					t.Fatalf("saw no request from the prober: %v", err)
				}
				if !strings.Contains(string(buf[:n]), string(payload)) {
					continue
				}
				if got := peer.(*net.IPAddr).IP.String(); got != src.String() {
					t.Errorf("request came from %v, want %v", got, src)
				}
				break
			}
		})
		t.Run(fam.String()+"/replies must come back to it", func(t *testing.T) {
			// Bound to its address on the other link, the prober's request
			// still leaves toward live, but live has no route back to that
			// address: like native IPv6 leaving while the tunnel is dead.
			p := open(t, l.prober, fam, netip.MustParsePrefix(map[Family]string{
				IPv4: "198.18.2.1/24", IPv6: "2001:db8:2::1/64"}[fam]).Addr())
			const timeout = 500 * time.Millisecond
			_, err, took := anyWithin(t, p, timeout, labAddrs[fam].live)
			wantNoReply(t, err, took, timeout)
		})
		t.Run(fam.String()+"/not configured", func(t *testing.T) {
			missing := map[Family]netip.Addr{IPv4: netip.MustParseAddr("198.18.9.9"), IPv6: netip.MustParseAddr("2001:db8:9::9")}[fam]
			err := l.prober.Do(func() error {
				p, err := Open(fam, missing)
				if err == nil {
					p.Close()
				}
				return err
			})
			if !errors.Is(err, ErrNoSource) {
				t.Errorf("Open(%v, %v) = %v, want ErrNoSource", fam, missing, err)
			}
		})
	}
}

func TestCancelWakesAtOnce(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	p := open(t, l.prober, IPv4, netip.Addr{})
	// Without a deadline and with rounds far apart, only the cancellation
	// itself can end the read in time.
	p.interval = time.Minute
	ctx, cancel := context.WithCancel(t.Context())
	const after = 300 * time.Millisecond
	time.AfterFunc(after, cancel)
	start := time.Now()
	_, err := p.Any(ctx, []netip.Addr{labAddrs[IPv4].silent})
	wantNoReply(t, err, time.Since(start), after)
}
