package sim

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gifctl/gifctl/internal/sim/gifsim"
	"github.com/gifctl/gifctl/internal/sim/netns"
	"github.com/gifctl/gifctl/internal/sim/ugif"
)

func TestMain(m *testing.M) {
	gifsim.RunIfRequested()
	os.Exit(m.Run())
}

// pingWorks pings the PoP's IPv6 host from the router through the tunnel,
// retrying for a few seconds: a working tunnel answers at once, but the
// first packet after a change may race the change.
func pingWorks(t *testing.T, lab *netns.Lab) {
	t.Helper()
	var err error
	for try := 0; try < 3; try++ {
		if err = lab.Router.Ping(context.Background(), netns.PoPHost); err == nil {
			return
		}
	}
	t.Fatalf("ping %s through the tunnel: %v", netns.PoPHost, err)
}

// pingFails asserts one ping (1 s, like ping -c1 -W1) gets no answer.
func pingFails(t *testing.T, lab *netns.Lab) {
	t.Helper()
	if err := lab.Router.Ping(context.Background(), netns.PoPHost); err == nil {
		t.Fatalf("ping %s through the tunnel answered; want no reply", netns.PoPHost)
	}
}

func status(t *testing.T, ctl string) ugif.Status {
	t.Helper()
	st, err := ugif.Get(context.Background(), ctl, "gif0")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func setTunnel(t *testing.T, ctl string, local, remote string) {
	t.Helper()
	ep, err := ugif.ParseEndpoints(local, remote)
	if err != nil {
		t.Fatal(err)
	}
	st, err := ugif.SetTunnel(context.Background(), ctl, "gif0", ep)
	if err != nil {
		t.Fatal(err)
	}
	if st.Endpoints != ep {
		t.Fatalf("gif0 reports %v after tunnel %v", st.Endpoints, ep)
	}
}

// TestTunnelSurvivesRenumbering carries IPv6 over a real protocol-41
// tunnel between namespaces, renumbers the router, shows that the PoP drops
// the router's packets from the new address until its remote is changed,
// and that the tunnel works again once both ends know the new address.
func TestTunnelSurvivesRenumbering(t *testing.T) {
	t.Parallel()
	lab := netns.NewForTest(t)
	ctx := context.Background()
	prog, err := SelfProgram()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	routerCtl, popCtl := filepath.Join(dir, "router"), filepath.Join(dir, "pop")
	for _, d := range []string{routerCtl, popCtl} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	oldAddr, newAddr := netns.RouterPrefix.Addr().String(), netns.RenumberedPrefix.Addr().String()
	popAddr := netns.PoPPrefix.Addr().String()

	if _, err := StartPoP(ctx, lab, prog, popCtl); err != nil {
		t.Fatal(err)
	}
	ep, _ := ugif.ParseEndpoints(oldAddr, popAddr)
	if _, err := StartGif(ctx, lab.Router, prog, routerCtl, "gif0", ep, true); err != nil {
		t.Fatal(err)
	}
	steps := [][]string{
		{"-6", "addr", "add", RouterInner6.String(), "peer", PoPInner6.String(), "dev", "gif0", "nodad"},
		{"-6", "route", "add", "default", "via", PoPInner6.String(), "dev", "gif0"},
	}
	for _, s := range steps {
		if err := lab.Router.IP(s...); err != nil {
			t.Fatal(err)
		}
	}

	t.Log("tunnel up: ping through it")
	pingWorks(t, lab)
	if st := status(t, popCtl); st.Stats.Received == 0 {
		t.Errorf("PoP gif received nothing, yet the ping worked: %+v", st.Stats)
	}

	t.Log("the ISP renumbers the router; its gif still sends from the old address")
	if err := lab.Renumber(netns.RenumberedPrefix); err != nil {
		t.Fatal(err)
	}
	before := status(t, routerCtl).Stats
	pingFails(t, lab)
	if after := status(t, routerCtl).Stats; after.SendErrors == before.SendErrors {
		t.Errorf("router gif: no send error from the vanished source address: %+v", after)
	}

	t.Log("the router's end moves to the new address; the PoP still expects the old one and drops")
	setTunnel(t, routerCtl, newAddr, popAddr)
	popBefore := status(t, popCtl).Stats
	pingFails(t, lab)
	popAfter := status(t, popCtl).Stats
	if popAfter.DroppedForeign == popBefore.DroppedForeign {
		t.Errorf("PoP gif did not drop the packets from %s: %+v", newAddr, popAfter)
	}
	if popAfter.Received != popBefore.Received {
		t.Errorf("PoP gif accepted packets from %s while its remote is %s", newAddr, oldAddr)
	}

	t.Log("the broker learns the new address: the PoP's remote changes, and the tunnel works again")
	setTunnel(t, popCtl, popAddr, newAddr)
	pingWorks(t, lab)

	assertTornDown(t, lab, routerCtl, popCtl)
}

// assertTornDown closes the lab early and checks that nothing is left:
// no namespace, no process inside one, every daemon reaped and gone
// cleanly (its control socket removed).
func assertTornDown(t *testing.T, lab *netns.Lab, ctls ...string) {
	t.Helper()
	if err := lab.CloseAndVerify(); err != nil {
		t.Fatalf("teardown: %v", err)
	}
	for _, ctl := range ctls {
		socks, _ := filepath.Glob(filepath.Join(ctl, "*.sock"))
		if len(socks) > 0 {
			t.Errorf("control sockets left (a gif did not exit cleanly): %v", socks)
		}
	}
}
