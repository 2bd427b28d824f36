package sim

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/sim/netns"
	"github.com/gifctl/gifctl/internal/sim/standin"
	"github.com/gifctl/gifctl/internal/sim/ugif"
	"github.com/google/go-cmp/cmp"
)

// hostnameGif0 renders the file gifctl writes for a source: the tunnel
// line, then the inner addresses (hostname.if(5)).
func hostnameGif0(src string) string {
	return "tunnel " + src + " " + netns.PoPPrefix.Addr().String() + "\n" +
		"inet6 " + RouterInner6.String() + " 128\n" +
		"dest " + PoPInner6.String() + "\n" +
		"!route -qn add -inet6 default " + PoPInner6.String() + "\n"
}

// TestStandInsDriveTheRouter configures the router only through the
// netstart and ifconfig stand-ins (package standin, handing over to
// gifsim), as gifctl would on OpenBSD:
// netstart creates gif0 from hostname.gif0, ifconfig prints it in
// OpenBSD's format (which the project's own parser reads back), and after
// renumbering a rewritten hostname.gif0 moves the tunnel in place.
func TestStandInsDriveTheRouter(t *testing.T) {
	t.Parallel()
	lab := netns.NewForTest(t)
	ctx := context.Background()
	prog, err := SelfProgram()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	routerCtl, popCtl, etc := filepath.Join(dir, "router"), filepath.Join(dir, "pop"), filepath.Join(dir, "etc")
	for _, d := range []string{routerCtl, popCtl, etc} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := standin.Write(dir, standin.Options{Gifsim: prog.Command(), Ctl: routerCtl}); err != nil {
		t.Fatal(err)
	}
	netstart, ifconfig := filepath.Join(dir, "netstart"), filepath.Join(dir, "ifconfig")
	if _, err := StartPoP(ctx, lab, prog, popCtl); err != nil {
		t.Fatal(err)
	}
	hostname := filepath.Join(etc, "hostname.gif0")

	// No file yet: netstart's message, status 0, nothing created.
	out, err := lab.Router.Run(ctx, "sh", netstart, "gif0")
	if err != nil {
		t.Fatal(err)
	}
	if want := "netstart: " + hostname + ": No such file or directory.\n"; string(out) != want {
		t.Errorf("netstart without a file said %q, want %q", out, want)
	}
	if out, err := lab.Router.Run(ctx, ifconfig, "gif0"); err == nil || string(out) != "gif0: no such interface\n" {
		t.Errorf("ifconfig gif0 before netstart: %q, %v; want \"gif0: no such interface\" and status 1", out, err)
	}

	oldSrc := netns.RouterPrefix.Addr().String()
	if err := os.WriteFile(hostname, []byte(hostnameGif0(oldSrc)), 0o640); err != nil {
		t.Fatal(err)
	}
	if out, err := lab.Router.Run(ctx, "sh", netstart, "gif0"); err != nil || len(out) > 0 {
		t.Fatalf("netstart gif0: %q, %v", out, err)
	}
	out, err = lab.Router.Run(ctx, ifconfig, "gif0")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ifconfig gif0:\n%s", out)
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	wantFirst := "gif0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1280"
	wantTunnel := "\ttunnel: inet " + oldSrc + " --> " + netns.PoPPrefix.Addr().String() + " ttl 64 nodf ecn"
	wantInet6 := "\tinet6 " + RouterInner6.String() + " --> " + PoPInner6.String() + " prefixlen 128"
	if lines[0] != wantFirst || !contains(lines, wantTunnel) || !contains(lines, wantInet6) || !contains(lines, "\tgroups: gif egress") {
		t.Errorf("ifconfig gif0:\n%s\nwant lines %q, %q, %q and groups gif egress", out, wantFirst, wantTunnel, wantInet6)
	}
	src, dst, err := bsd.ParseIfconfigTunnel(out)
	if err != nil || src.String() != oldSrc || dst != netns.PoPPrefix.Addr() {
		t.Errorf("bsd.ParseIfconfigTunnel = %v, %v, %v", src, dst, err)
	}
	out, err = lab.Router.Run(ctx, ifconfig, netns.RouterIf)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ifconfig em0:\n%s", out)
	if want := "\tinet 198.18.1.2 netmask 0xffffff00 broadcast 198.18.1.255\n"; !strings.Contains(string(out), want) {
		t.Errorf("ifconfig em0:\n%s\nwant %q", out, want)
	}
	pingWorks(t, lab)
	before, err := ugif.Get(ctx, routerCtl, "gif0")
	if err != nil {
		t.Fatal(err)
	}

	// The ISP renumbers; the file gets the new source (gifctl's job), netstart
	// runs again, and the PoP learns the new remote (the broker's job).
	if err := lab.Renumber(netns.RenumberedPrefix); err != nil {
		t.Fatal(err)
	}
	newSrc := netns.RenumberedPrefix.Addr().String()
	if err := os.WriteFile(hostname, []byte(hostnameGif0(newSrc)), 0o640); err != nil {
		t.Fatal(err)
	}
	if out, err := lab.Router.Run(ctx, "sh", netstart, "gif0"); err != nil || len(out) > 0 {
		t.Fatalf("netstart gif0 again: %q, %v", out, err)
	}
	popIfconfig := prog.Argv("ifconfig", "-ctl", popCtl, "gif0", "tunnel", netns.PoPPrefix.Addr().String(), newSrc)
	if out, err := lab.PoP.Run(ctx, append([]string{"env"}, append(prog.Env, popIfconfig...)...)...); err != nil || len(out) > 0 {
		t.Fatalf("PoP ifconfig gif0 tunnel: %q, %v", out, err)
	}
	out, err = lab.Router.Run(ctx, ifconfig, "gif0")
	if err != nil {
		t.Fatal(err)
	}
	if src, _, err := bsd.ParseIfconfigTunnel(out); err != nil || src.String() != newSrc {
		t.Errorf("after netstart, gif0's source is %v (%v), want %s:\n%s", src, err, newSrc, out)
	}
	pingWorks(t, lab)
	after, err := ugif.Get(ctx, routerCtl, "gif0")
	if err != nil {
		t.Fatal(err)
	}
	// Changed in place: the same gif kept counting.
	if diff := cmp.Diff(true, after.Stats.Sent > before.Stats.Sent && after.Stats.Received > before.Stats.Received); diff != "" {
		t.Errorf("gif0 was recreated, not changed in place: before %+v, after %+v", before.Stats, after.Stats)
	}

	assertTornDown(t, lab, popCtl, routerCtl)
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}
