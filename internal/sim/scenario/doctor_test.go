package scenario

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/broker"
	"github.com/gifctl/gifctl/internal/doctor"
	"github.com/gifctl/gifctl/internal/sim"
	"github.com/gifctl/gifctl/internal/sim/netns"
	"github.com/gifctl/gifctl/internal/sim/ugif"
)

// TestDoctor breaks one world in each way the users of 6in4 tools meet,
// one at a time, and checks that gifctl doctor names it with its fix
// (exit 1); then mends it. The healthy world, first and last, is all
// fine (exit 0). ifstated is stopped first: it would repair some of it.
func TestDoctor(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.StopIfstated()
	ctx := context.Background()
	router := w.Lab.Router
	path := func(name string) string { return filepath.Join(w.Dir, name) }
	write := func(name, text string, mode os.FileMode) func() error {
		return func() error { return os.WriteFile(path(name), []byte(text), mode) }
	}
	orig := func(name string) string { return w.ReadFile(name) }
	hostname, pf, state := orig("etc/hostname.gif0"), orig("etc/pf.conf"), orig("state/gif0.broker.json")
	routerAddr, peer := w.Lab.RouterIPv4(), sim.PoPInner6.String()
	var gifMTU, egressMTU int

	for _, tc := range []struct {
		name         string
		break_, mend func() error
		id, fix      string // the finding that must fail, a part of its fix
	}{
		{name: "healthy"},
		{"stale source", func() error { return w.Renumber(netns.RenumberedPrefix) }, func() error { return w.Renumber(routerAddr) },
			"hostname.tunnel", "gifctl restart gif0"},
		{"PPPoE's MTU under HE's 1480", func() error {
			return join(router.IP("link", "set", netns.RouterIf, "mtu", "1492"), router.IP("link", "set", "gif0", "mtu", "1480"))
		}, func() error {
			return join(router.IP("link", "set", netns.RouterIf, "mtu", fmt.Sprint(egressMTU)), router.IP("link", "set", "gif0", "mtu", fmt.Sprint(gifMTU)))
		}, "gif.mtu", `"mtu 1472"`},
		{"no default route", func() error {
			return join(write("etc/hostname.gif0", strings.ReplaceAll(hostname, "!route -qn add -inet6 default "+peer+"\n", ""), 0o640)(),
				router.IP("-6", "route", "del", "default", "dev", "gif0"))
		}, func() error {
			return join(write("etc/hostname.gif0", hostname, 0o640)(), router.IP("-6", "route", "add", "default", "via", peer, "dev", "gif0"))
		}, "route.default", "!route -qn add -inet6 default " + peer},
		{"abuse block", func() error {
			s, err := broker.LoadState(path("state"), "gif0")
			now := time.Now()
			s.Code, s.Answer, s.When, s.Abuses, s.Failures, s.BackoffUntil = "abuse", "abuse", now, 1, 1, now.Add(10*time.Minute)
			return join(err, s.Save(path("state")))
		}, write("state/gif0.broker.json", state, 0o600), "broker.answer", "wait"},
		{"loose hostname.gif0", func() error { return os.Chmod(path("etc/hostname.gif0"), 0o644) },
			func() error { return os.Chmod(path("etc/hostname.gif0"), 0o640) }, "hostname.perms", "chmod 640 "},
		{"pf.conf that does not parse", write("etc/pf.conf", "BROKEN\n", 0o600), write("etc/pf.conf", pf, 0o600),
			"pf.conf", "pfctl -n -f"},
		{"a tunnel that carries nothing", func() error {
			return popRemote(ctx, w, netip.MustParseAddr("198.18.9.9"))
		}, func() error { return popRemote(ctx, w, routerAddr.Addr()) }, "reach.peer", "protocol 41"},
		{name: "healthy again"},
	} {
		if tc.break_ != nil {
			if err := tc.break_(); err != nil {
				t.Fatalf("%s: breaking: %v", tc.name, err)
			}
		}
		code, fs := runDoctor(t, w)
		switch failed := failures(fs); {
		case tc.id == "" && (code != 0 || failed != ""):
			t.Errorf("%s: doctor exit %d, failed: %s", tc.name, code, failed)
		case tc.id != "" && (code != 1 || fs[tc.id].Level != doctor.Fail || !strings.Contains(fs[tc.id].Fix, tc.fix)):
			t.Errorf("%s: doctor exit %d, %s: %+v; want it failed with a fix containing %q", tc.name, code, tc.id, fs[tc.id], tc.fix)
		}
		if tc.name == "healthy" {
			gifMTU, egressMTU = mtu(t, w, "gif0"), mtu(t, w, netns.RouterIf)
		}
		if tc.mend != nil {
			if err := tc.mend(); err != nil {
				t.Fatalf("%s: mending: %v", tc.name, err)
			}
		}
	}
	finish(t, w)
}

func join(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// runDoctor runs gifctl doctor --json as the admin and returns its exit
// status and findings by id.
func runDoctor(t *testing.T, w *World) (int, map[string]doctor.Finding) {
	t.Helper()
	r, err := w.Admin(context.Background(), "doctor --json")
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Findings []doctor.Finding }
	if err := json.NewDecoder(strings.NewReader(r.Output[max(0, strings.Index(r.Output, "{")):])).Decode(&out); err != nil {
		t.Fatalf("doctor --json: exit %d, %v:\n%s", r.Code, err, r.Output)
	}
	fs := map[string]doctor.Finding{}
	for _, f := range out.Findings {
		fs[f.ID] = f
	}
	return r.Code, fs
}

// failures lists the findings that failed, for a message.
func failures(fs map[string]doctor.Finding) string {
	var s []string
	for id, f := range fs {
		if f.Level == doctor.Fail {
			s = append(s, id+": "+f.Message)
		}
	}
	return strings.Join(s, "; ")
}

// mtu is interface name's MTU in the router.
func mtu(t *testing.T, w *World, name string) int {
	t.Helper()
	out, err := w.Lab.Router.Run(context.Background(), "cat", "/sys/class/net/"+name+"/mtu")
	var n int
	if _, serr := fmt.Sscan(string(out), &n); err != nil || serr != nil {
		t.Fatalf("%s's mtu: %v %v %q", name, err, serr, out)
	}
	return n
}

// popRemote points the PoP's end of the tunnel at addr, as a broker that
// has a wrong address for the router does.
func popRemote(ctx context.Context, w *World, addr netip.Addr) error {
	_, err := ugif.SetTunnel(ctx, w.PoPCtl, "gif0", ugif.Endpoints{Local: netns.PoPPrefix.Addr(), Remote: addr})
	return err
}
