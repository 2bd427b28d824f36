package netns

import (
	"context"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLabBuildsRoutesAndTearsDown(t *testing.T) {
	Require(t)
	l, err := New()
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			l.Close()
		}
	})
	ctx := context.Background()
	if err := l.Router.Ping(ctx, PoPPrefix.Addr()); err != nil {
		t.Errorf("router to PoP over IPv4: %v", err)
	}
	if err := l.PoP.Ping(ctx, PoPHost); err != nil {
		t.Errorf("PoP to its own IPv6 host: %v", err)
	}
	// A tracked daemon, and one that escapes tracking by forking into the
	// background: Close must get both.
	tracked, err := l.Router.Start(nil, "sleep", "300")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.PoP.Run(ctx, "sh", "-c", "sleep 301 >/dev/null 2>&1 &"); err != nil {
		t.Fatal(err)
	}
	ino, err := l.PoP.Inode()
	if err != nil {
		t.Fatal(err)
	}
	if len(PidsIn(ino)) == 0 {
		t.Fatal("the forked sleep is not in the PoP namespace")
	}

	// CloseAndVerify is Close plus the checks: no namespace listed, no
	// process inside one, the tracked ones reaped.
	closed = true
	if err := l.CloseAndVerify(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if !tracked.Exited() {
		t.Error("tracked process still running after Close")
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestRenumber(t *testing.T) {
	l := NewForTest(t)
	if err := l.Renumber(RenumberedPrefix); err != nil {
		t.Fatal(err)
	}
	if got := l.RouterIPv4(); got != RenumberedPrefix {
		t.Errorf("RouterIPv4 = %v, want %v", got, RenumberedPrefix)
	}
	out, err := exec.Command("ip", "-n", l.Router.Name, "-4", "-o", "addr", "show", "dev", RouterIf).CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	if s := string(out); !strings.Contains(s, RenumberedPrefix.String()) || strings.Contains(s, RouterPrefix.String()) {
		t.Errorf("em0 after Renumber:\n%s", s)
	}
	if err := l.Router.Ping(context.Background(), PoPPrefix.Addr()); err != nil {
		t.Errorf("router to PoP from the new address: %v", err)
	}
}

// RenumberEach leaves em0 on the last address only, with the default
// route through the ISP's gateway there, and tells of each change.
func TestRenumberEach(t *testing.T) {
	l := NewForTest(t)
	ps := []netip.Prefix{netip.MustParsePrefix("198.18.5.2/24"), netip.MustParsePrefix("198.18.6.2/24"), RenumberedPrefix}
	var told []string
	if err := l.RenumberEach(ps, 10*time.Millisecond, func(from, to netip.Prefix) { told = append(told, from.String()+">"+to.String()) }); err != nil {
		t.Fatal(err)
	}
	if want := []string{"198.18.1.2/24>198.18.5.2/24", "198.18.5.2/24>198.18.6.2/24", "198.18.6.2/24>198.18.2.2/24"}; !slices.Equal(told, want) {
		t.Errorf("told %q, want %q", told, want)
	}
	if got := l.RouterIPv4(); got != RenumberedPrefix {
		t.Errorf("RouterIPv4 = %v, want %v", got, RenumberedPrefix)
	}
	out, err := exec.Command("ip", "-n", l.Router.Name, "-4", "-o", "addr", "show", "dev", RouterIf).CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(out), "inet "); n != 1 || !strings.Contains(string(out), RenumberedPrefix.String()) {
		t.Errorf("em0 after RenumberEach:\n%s", out)
	}
	if err := l.Router.Ping(context.Background(), PoPPrefix.Addr()); err != nil {
		t.Errorf("router to PoP from the last address: %v", err)
	}
}

func TestSweepRemovesOnlyDeadOwners(t *testing.T) {
	l := NewForTest(t)
	// A namespace whose owner has our pid but another start time: a
	// recycled pid, so the owner is dead.
	me, err := self()
	if err != nil {
		t.Fatal(err)
	}
	stale := &Namespace{Name: nsName(owner{pid: me.pid, start: me.start + 1}, 999, "stale")}
	if err := run("ip", "netns", "add", stale.Name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { remove(stale) })
	if _, err := stale.Run(context.Background(), "sh", "-c", "sleep 302 >/dev/null 2>&1 &"); err != nil {
		t.Fatal(err)
	}
	ino, err := stale.Inode()
	if err != nil {
		t.Fatal(err)
	}

	removed, err := Sweep()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(removed, stale.Name) {
		t.Errorf("Sweep removed %v, not the stale %s", removed, stale.Name)
	}
	if _, err := os.Stat(stale.path()); !os.IsNotExist(err) {
		t.Errorf("%s still exists", stale.Name)
	}
	deadline := time.Now().Add(2 * time.Second)
	for len(PidsIn(ino)) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if pids := PidsIn(ino); len(pids) > 0 {
		t.Errorf("processes %v left in the swept namespace", pids)
	}
	for _, ns := range l.Namespaces() {
		if slices.Contains(removed, ns.Name) {
			t.Errorf("Sweep removed %s, whose owner (this test) is alive", ns.Name)
		}
	}
}
