package scenario

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/sim/netns"
	"github.com/gifctl/gifctl/internal/sim/standin"
)

// TestAddressChange: the ISP renumbers the router. Under ifstated alone
// its tunnel check notices; with gifctl watch the kernel tells watch at
// once. gifctl restart repoints the tunnel and tells the broker, the
// broker pings the new address and moves its end, IPv6 comes back.
func TestAddressChange(t *testing.T) {
	t.Parallel()
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			w := m.world(t)
			ctx := context.Background()
			change := w.Events().Since()
			d, err := AddressChange(ctx, w, 30*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("recovered in %.1f s (ifstated's clock %dx: its tunnel check runs every %.1f s)", d.Seconds(), testScale, 5.0/testScale)

			r := lastRun(t, w, w.Gifctl("restart gif0"), change, 10*time.Second)
			if r.Code != 0 {
				t.Errorf("restart: exit %d\n%s", r.Code, r.Output)
			}
			wantRestartedBy(t, w, m, r)
			newSrc := netns.RenumberedPrefix.Addr().String()
			wantHostnameSource(t, w, newSrc)
			_, answers := updates(t, w)
			if want := []string{"nochg " + netns.RouterPrefix.Addr().String(), "good " + newSrc}; !slices.Equal(answers, want) {
				t.Errorf("broker answers %q, want %q", answers, want)
			}
			if len(w.Events().Find("pop", "broker: ping "+newSrc+": reply")) == 0 {
				t.Errorf("the broker did not ping %s before accepting it", newSrc)
			}
			if err := w.WaitFor(ctx, 20*time.Second, "all well again", w.AllWell); err != nil {
				t.Error(err)
			}
			finish(t, w)
		})
	}
}

// wantRestartedBy checks who ran the restart r of gif0: ifstated, after a
// failed check tunnel, or gifctl watch, with no check tunnel at all (the
// file gifctl ifstated --watch prints has none).
func wantRestartedBy(t *testing.T, w *World, m mode, r Run) {
	t.Helper()
	if r.ByWatch != m.watch {
		t.Errorf("the restart at %.3f s was gifctl watch's: %v, want %v", r.Start.Seconds(), r.ByWatch, m.watch)
	}
	checks := w.Runs("check tunnel")
	if m.watch && len(checks) != 0 {
		t.Errorf("with gifctl watch, ifstated ran check tunnel %d times; want none", len(checks))
	}
	if m.watch {
		return
	}
	var before *Run
	for i := range checks {
		if checks[i].End <= r.Start {
			before = &checks[i]
		}
	}
	if before == nil || before.Code == 0 {
		t.Errorf("ifstated restarted gif0 at %.3f s without a failed check tunnel before", r.Start.Seconds())
	}
}

// TestLostLease: em0 loses its lease and, later, gets a new address. The
// IPv4 check fails, ifstated goes to no_ipv4 and runs gifctl restart
// --egress: netstart em0 starts the DHCP client, gifctl waits for the
// address the ISP offers a second later, then restarts the tunnel. gifctl
// watch, where it runs, restarts nothing while em0 has no IPv4 address;
// there ifstated's auto checks only IPv6, every 3 minutes of its time
// (36 s here), and goes through no_ipv6, which finds IPv4 down.
func TestLostLease(t *testing.T) {
	t.Parallel()
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			w := m.world(t)
			ctx := context.Background()
			start := time.Now()
			lost := w.Events().Since()
			if err := w.LoseLease(); err != nil {
				t.Fatal(err)
			}
			egress := w.Gifctl("restart --egress gif0")
			if err := w.WaitFor(ctx, 60*time.Second, "ifstated to run "+egress, func() bool {
				return len(w.Events().Find("ifstated", "running "+egress)) > 0
			}); err != nil {
				t.Fatal(err)
			}
			if s := w.State(); s != "no_ipv4" {
				t.Errorf("ifstated in state %s while it restarts the egress, want no_ipv4", s)
			}
			time.Sleep(time.Second)
			offered := w.Events().Since()
			if err := w.OfferLease(netns.RenumberedPrefix); err != nil {
				t.Fatal(err)
			}
			d, err := w.WaitIPv6(ctx, start, 30*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("IPv6 back %.1f s after the lease was lost", d.Seconds())
			r := lastRun(t, w, egress, 0, 20*time.Second)
			if r.Code != 0 || !strings.Contains(r.Output, "em0: restarting") {
				t.Errorf("restart --egress: exit %d, said:\n%s", r.Code, r.Output)
			}
			wantHostnameSource(t, w, netns.RenumberedPrefix.Addr().String())
			if m.watch {
				if len(w.Events().Find("watch", "em0: no IPv4 address: no restart of gif0 until em0 has an IPv4 address")) == 0 {
					t.Errorf("gifctl watch did not say it waits for em0's address")
				}
				for _, r := range w.Runs(w.Gifctl("restart gif0")) {
					// ifstated's no_ipv6 may restart it: IPv6 is down too.
					if r.ByWatch && r.Start > lost && r.Start < offered {
						t.Errorf("gifctl watch restarted gif0 at %.3f s, while em0 had no address", r.Start.Seconds())
					}
				}
			}
			if err := w.WaitFor(ctx, 20*time.Second, "all well again", w.AllWell); err != nil {
				t.Error(err)
			}
			finish(t, w)
		})
	}
}

// TestBadAuth: the broker refuses the update key. gifctl exits 1 naming
// the answer, and backs off: ifstated keeps asking (no_ipv6), gifctl does
// not send again.
func TestBadAuth(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	if err := w.Broker.Force(ctx, 200, "badauth"); err != nil {
		t.Fatal(err)
	}
	w.Logf("the broker answers badauth from now on (the update key was changed at HE, say)")
	before, _ := updates(t, w)
	change := w.Events().Since()
	if err := w.Renumber(netns.RenumberedPrefix); err != nil {
		t.Fatal(err)
	}
	restart := w.Gifctl("restart gif0")
	first := lastRun(t, w, restart, change, 20*time.Second)
	if first.Code != 1 || !strings.Contains(first.Output, `"badauth"`) {
		t.Errorf("restart with badauth: exit %d, said:\n%s\nwant exit 1 naming \"badauth\"", first.Code, first.Output)
	}
	// IPv6 stays down, so ifstated goes to no_ipv6 and runs restart again.
	second := lastRun(t, w, restart, first.End, 30*time.Second)
	if !strings.Contains(second.Output, "backing off until") {
		t.Errorf("restart during the back-off said:\n%s\nwant it to say it backs off", second.Output)
	}
	time.Sleep(3 * time.Second) // 15 s of ifstated's time: more checks, more chances to loop
	after, answers := updates(t, w)
	if after != before+1 {
		t.Errorf("%d update requests after the change, want 1: %q", after-before, answers)
	}
	t.Logf("%d restarts since the change, %d update request", len(w.Runs(restart))-1, after-before)
	finish(t, w)
}

// TestAbuse: the ISP renumbers the router three times within seconds. The
// broker takes two updates (with the first restart's, three within a
// minute) and answers abuse to the next. gifctl backs off: when ifstated
// runs it again (IPv6 is down, the broker has the old address), it sends
// nothing, although the broker does not have the router's address.
func TestAbuse(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	a, b := netns.RouterPrefix, netns.RenumberedPrefix
	restart := w.Gifctl("restart gif0")
	var abused Run
	for i, p := range []struct {
		to   netip.Prefix
		want string
	}{
		{b, "good " + b.Addr().String()},
		{a, "good " + a.Addr().String()},
		{b, "abuse"},
	} {
		change := w.Events().Since()
		if err := w.Renumber(p.to); err != nil {
			t.Fatal(err)
		}
		if err := w.WaitFor(ctx, 30*time.Second, "update "+p.want, func() bool {
			n, _ := updates(t, w)
			return n == i+2
		}); err != nil {
			t.Fatal(err)
		}
		r := runSaying(t, w, restart, change, `"`+p.want, 20*time.Second)
		if _, answers := updates(t, w); answers[i+1] != p.want {
			t.Fatalf("answer %q, want %q", answers[i+1], p.want)
		}
		if p.want == "abuse" {
			abused = r
			break
		}
		// The next change is acted on at once only when ifstated is
		// settled (see World.Settled).
		if err := w.WaitFor(ctx, 60*time.Second, "ifstated settled", w.Settled); err != nil {
			t.Fatal(err)
		}
	}
	if abused.Code != 1 || !strings.Contains(abused.Output, `"abuse"`) || !strings.Contains(abused.Output, "backing off until") {
		t.Errorf("restart answered abuse: exit %d, said:\n%s", abused.Code, abused.Output)
	}
	// IPv6 is down: ifstated goes to no_ipv6 and runs restart again.
	again := lastRun(t, w, restart, abused.End, 30*time.Second)
	if again.Code != 1 || !strings.Contains(again.Output, "backing off until") {
		t.Errorf("restart during the back-off: exit %d, said:\n%s", again.Code, again.Output)
	}
	time.Sleep(3 * time.Second)
	if n, answers := updates(t, w); n != 4 {
		t.Errorf("%d update requests, want 4 (none during the back-off): %q", n, answers)
	}
	finish(t, w)
}

// TestPrivateEgressBehindNAT: the router moves to a private address behind
// the ISP's NAT. gifctl leaves myip out, the broker takes the NAT's public
// address from the request, pings it, and the tunnel works through the NAT.
func TestPrivateEgressBehindNAT(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	private := netip.MustParsePrefix("192.168.1.2/24")
	if err := w.Lab.ISP.Masquerade(netns.ISPPoPIf, private); err != nil {
		t.Fatal(err)
	}
	public := netns.PoPPrefix.Masked().Addr().Next() // the ISP's address on the PoP's side
	w.Events().Addf("isp", "NAT: what %s sends out through pop0 takes %s as its source", private.Masked(), public)
	// The tunnel from the public address passes the NAT untouched. Its
	// packets now also leave a conntrack entry behind, which must not keep
	// the tunnel from the private address from getting through.
	if _, err := w.WaitIPv6(ctx, time.Now(), 10*time.Second); err != nil {
		t.Fatalf("before the renumbering: %v", err)
	}
	start := time.Now()
	change := w.Events().Since()
	if err := w.Renumber(private); err != nil {
		t.Fatal(err)
	}
	d, err := w.WaitIPv6(ctx, start, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("IPv6 back through the NAT in %.1f s", d.Seconds())
	r := lastRun(t, w, w.Gifctl("restart gif0"), change, 10*time.Second)
	if !strings.Contains(r.Output, "myip left out: 192.168.1.2 is a private address") {
		t.Errorf("restart said:\n%s\nwant it to say myip is left out", r.Output)
	}
	reqs, err := w.Broker.Requests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	last := reqs[len(reqs)-1]
	if last.Query.Has("myip") || last.Remote.Addr() != public || last.Answer != "good "+public.String() {
		t.Errorf("last update: %s from %s, answered %q; want no myip, from %s, good %s", last.RequestURI, last.Remote, last.Answer, public, public)
	}
	wantHostnameSource(t, w, private.Addr().String())
	if err := w.WaitFor(ctx, 20*time.Second, "all well again", w.AllWell); err != nil {
		t.Error(err)
	}
	finish(t, w)
}

// TestBrokenPFConf: pf.conf does not parse. gifctl restarts the tunnel and
// updates the broker, but does not load pf.conf, and says why.
func TestBrokenPFConf(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	loaded := w.ReadFile("pf.loaded")
	if err := os.WriteFile(filepath.Join(w.Dir, "etc/pf.conf"), []byte("pass\nBROKEN rule\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w.Events().Addf("admin", "edits pf.conf: a syntax error on line 2")
	standin.Calls(w.Dir) // forget the calls so far
	change := w.Events().Since()
	d, err := AddressChange(ctx, w, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("IPv6 back in %.1f s despite pf.conf", d.Seconds())
	r := lastRun(t, w, w.Gifctl("restart gif0"), change, 10*time.Second)
	if r.Code != 1 || !strings.Contains(r.Output, "pf.conf: not loaded") || !strings.Contains(r.Output, "syntax error") {
		t.Errorf("restart: exit %d, said:\n%s\nwant exit 1, pf.conf not loaded, the syntax error", r.Code, r.Output)
	}
	var calls []string
	for _, c := range standin.Calls(w.Dir) {
		if strings.HasPrefix(c, "pfctl ") {
			calls = append(calls, c)
		}
	}
	if want := "pfctl -n -f DIR/etc/pf.conf"; !slices.Equal(calls, []string{want}) {
		t.Errorf("pfctl calls %q, want only %q", calls, want)
	}
	if got := w.ReadFile("pf.loaded"); got != loaded {
		t.Errorf("pf loaded %q, want the old rules %q still", got, loaded)
	}
	finish(t, w)
}

// TestFiveChanges: the ISP renumbers the router five times within a
// quarter of a second. The tunnel ends up on the last address, the broker
// told of it; gifctl's restarts coalesce (gifctl watch runs one for the
// first change it saw and one more for all that came during it), and
// nothing is left running or starts again afterwards.
func TestFiveChanges(t *testing.T) {
	t.Parallel()
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			w := m.world(t)
			ctx := context.Background()
			change := w.Events().Since()
			start := time.Now()
			var ps []netip.Prefix
			for i := range 5 {
				ps = append(ps, netip.PrefixFrom(netip.AddrFrom4([4]byte{198, 18, byte(3 + i), 2}), 24))
			}
			if err := w.RenumberEach(ps, 50*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			last := ps[len(ps)-1]
			d, err := w.WaitIPv6(ctx, start, 60*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			restart := w.Gifctl("restart gif0")
			if err := w.WaitFor(ctx, 30*time.Second, "no restart running", func() bool {
				return !slices.ContainsFunc(w.Running(), func(c string) bool { return c == restart })
			}); err != nil {
				t.Fatal(err)
			}
			// Under gifctl watch ifstated may restart too, if IPv6 was
			// down for its check ipv6 (slow on a loaded machine).
			var restarts, byWatch []Run
			for _, r := range w.Runs(restart) {
				if r.Start >= change {
					restarts = append(restarts, r)
				}
				if r.Start >= change && r.ByWatch {
					byWatch = append(byWatch, r)
				}
			}
			t.Logf("IPv6 back %.1f s after the first change; %d restarts, %d of them gifctl watch's", d.Seconds(), len(restarts), len(byWatch))
			switch {
			case len(restarts) == 0:
				t.Fatal("no restart of gif0 after five changes")
			case m.watch && (len(byWatch) == 0 || len(byWatch) > 3):
				t.Errorf("gifctl watch restarted gif0 %d times for five changes; want 1 to 3", len(byWatch))
			}
			wantRestartedBy(t, w, m, restarts[0])
			if r := restarts[len(restarts)-1]; r.Code != 0 {
				t.Errorf("the last restart: exit %d\n%s", r.Code, r.Output)
			}
			wantHostnameSource(t, w, last.Addr().String())
			_, answers := updates(t, w)
			if want := "good " + last.Addr().String(); answers[len(answers)-1] != want {
				t.Errorf("the broker's last answer %q, want %q: %q", answers[len(answers)-1], want, answers)
			}
			if err := w.WaitFor(ctx, 20*time.Second, "all well again", w.AllWell); err != nil {
				t.Error(err)
			}
			// A quiet while (10 s of ifstated's time): no restart changes
			// anything. One may run: when the minute clock behind $retry
			// flips before check tunnel has run again, ifstated acts on the
			// check's last, stale failure, and that restart has nothing to do.
			n := len(w.Runs(restart))
			time.Sleep(2 * time.Second)
			if err := w.WaitFor(ctx, 30*time.Second, "no restart running", func() bool {
				return !slices.Contains(w.Running(), restart)
			}); err != nil {
				t.Fatal(err)
			}
			for _, r := range w.Runs(restart)[n:] {
				if !strings.Contains(r.Output, "nothing to do") {
					t.Errorf("a restart at %.3f s, after the tunnel worked, did something:\n%s", r.Start.Seconds(), r.Output)
				}
			}
			finish(t, w)
		})
	}
}

// TestWatchBackstop: under gifctl watch, the broker answers 911 (trouble
// on its side) when the ISP renumbers the router. watch's restart
// repoints the tunnel but cannot tell the broker, and then, the tunnel
// agreeing with em0, has nothing more to do. ifstated's auto, which under
// watch checks only IPv6, every 3 minutes of its time (36 s here), finds
// it down; no_ipv6's restart tells the broker, back by then.
func TestWatchBackstop(t *testing.T) {
	t.Parallel()
	w := withWatch.world(t)
	ctx := context.Background()
	if err := w.Broker.Force(ctx, 200, "911"); err != nil {
		t.Fatal(err)
	}
	w.Logf("the broker answers 911 from now on")
	// Renumber just after a run of ifstated's IPv6 check, so that the next
	// comes after watch's restart has failed: one in between would send a
	// second update and earn a back-off longer than the test.
	seen := len(w.Runs("check ipv6"))
	if err := w.WaitFor(ctx, 60*time.Second, "ifstated's next check ipv6", func() bool {
		return len(w.Runs("check ipv6")) > seen
	}); err != nil {
		t.Fatal(err)
	}
	start, change := time.Now(), w.Events().Since()
	if err := w.Renumber(netns.RenumberedPrefix); err != nil {
		t.Fatal(err)
	}
	restart := w.Gifctl("restart gif0")
	first := lastRun(t, w, restart, change, 20*time.Second)
	if !first.ByWatch || first.Code == 0 || !strings.Contains(first.Output, `"911"`) {
		t.Fatalf("first restart: by watch %v, exit %d, said:\n%s\nwant watch's, failing on \"911\"", first.ByWatch, first.Code, first.Output)
	}
	if err := w.Broker.Normal(ctx); err != nil {
		t.Fatal(err)
	}
	w.Logf("the broker answers as HE does again")
	d, err := w.WaitIPv6(ctx, start, 90*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("IPv6 back %.1f s after the change", d.Seconds())
	// A run is recorded when it exits, which can be just after the ping
	// through the tunnel that it made possible.
	newSrc := netns.RenumberedPrefix.Addr().String()
	repair := waitRun(t, w, restart, 10*time.Second, "by ifstated telling the broker "+newSrc, func(r Run) bool {
		return r.Start > first.End && !r.ByWatch && strings.Contains(r.Output, `"good `+newSrc+`"`)
	})
	if n := len(w.Events().Find("ifstated", "changing state to no_ipv6")); n == 0 {
		t.Errorf("ifstated repaired at %.3f s without going to no_ipv6", repair.Start.Seconds())
	}
	wantHostnameSource(t, w, newSrc)
	if err := w.WaitFor(ctx, 20*time.Second, "all well again", w.AllWell); err != nil {
		t.Error(err)
	}
	finish(t, w)
}
