package netns

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The test network's addresses. The router starts on RouterPrefix;
// RenumberedPrefix is the ISP's other subnet, where Renumber moves it.
var (
	RouterPrefix     = netip.MustParsePrefix("198.18.1.2/24")
	RenumberedPrefix = netip.MustParsePrefix("198.18.2.2/24")
	PoPPrefix        = netip.MustParsePrefix("198.19.0.2/24")
	// PoPHost is an IPv6 address on the PoP's loopback: the far side of
	// the tunnel, to ping from the router.
	PoPHost = netip.MustParseAddr("2001:db8:ffff::1")
)

// Interface names. The router's egress is em0, as on the OpenBSD box; the
// ISP's ends are named after what they face.
const (
	RouterIf    = "em0"
	PoPIf       = "em0"
	ISPRouterIf = "rtr0"
	ISPPoPIf    = "pop0"
)

// Lab is one built test network.
type Lab struct {
	ISP, Router, PoP *Namespace

	mu       sync.Mutex
	made     []*Namespace // created so far, in order
	routerV4 netip.Prefix
	closed   bool
	closeErr error
}

var labCount atomic.Uint64

// New checks the prerequisites, sweeps namespaces left by dead owners and
// builds a fresh Lab. On error nothing is left behind. Call Close when done
// (NewForTest does it for tests).
func New() (*Lab, error) {
	if err := Check(); err != nil {
		return nil, err
	}
	o, err := self()
	if err != nil {
		return nil, fmt.Errorf("netns: %w", err)
	}
	if _, err := Sweep(); err != nil {
		return nil, err
	}
	n := labCount.Add(1)
	l := &Lab{
		ISP:    &Namespace{Name: nsName(o, n, "isp")},
		Router: &Namespace{Name: nsName(o, n, "router")},
		PoP:    &Namespace{Name: nsName(o, n, "pop")},
	}
	register(l) // before the first namespace, so a signal mid-build cleans up
	if err := l.build(); err != nil {
		return nil, errors.Join(err, l.Close())
	}
	return l, nil
}

// Namespaces are the Lab's namespaces: isp, router, pop.
func (l *Lab) Namespaces() []*Namespace { return []*Namespace{l.ISP, l.Router, l.PoP} }

func (l *Lab) build() error {
	for _, ns := range l.Namespaces() {
		if err := run("ip", "netns", "add", ns.Name); err != nil {
			return err
		}
		l.mu.Lock()
		l.made = append(l.made, ns)
		l.mu.Unlock()
		if err := ns.IP("link", "set", "lo", "up"); err != nil {
			return err
		}
	}
	// veth pairs made directly inside their namespaces: no name is ever
	// taken in the host's namespace.
	if err := run("ip", "link", "add", RouterIf, "netns", l.Router.Name, "type", "veth",
		"peer", "name", ISPRouterIf, "netns", l.ISP.Name); err != nil {
		return err
	}
	if err := run("ip", "link", "add", PoPIf, "netns", l.PoP.Name, "type", "veth",
		"peer", "name", ISPPoPIf, "netns", l.ISP.Name); err != nil {
		return err
	}
	steps := []struct {
		ns   *Namespace
		args []string
	}{
		{l.ISP, []string{"addr", "add", gateway(RouterPrefix).String(), "dev", ISPRouterIf}},
		{l.ISP, []string{"addr", "add", gateway(RenumberedPrefix).String(), "dev", ISPRouterIf}},
		{l.ISP, []string{"addr", "add", gateway(PoPPrefix).String(), "dev", ISPPoPIf}},
		{l.ISP, []string{"link", "set", ISPRouterIf, "up"}},
		{l.ISP, []string{"link", "set", ISPPoPIf, "up"}},
		{l.Router, []string{"addr", "add", RouterPrefix.String(), "dev", RouterIf}},
		{l.Router, []string{"link", "set", RouterIf, "up"}},
		{l.Router, []string{"route", "add", "default", "via", gateway(RouterPrefix).Addr().String()}},
		{l.PoP, []string{"addr", "add", PoPPrefix.String(), "dev", PoPIf}},
		{l.PoP, []string{"link", "set", PoPIf, "up"}},
		{l.PoP, []string{"route", "add", "default", "via", gateway(PoPPrefix).Addr().String()}},
		{l.PoP, []string{"-6", "addr", "add", netip.PrefixFrom(PoPHost, 128).String(), "dev", "lo"}},
	}
	for _, s := range steps {
		if err := s.ns.IP(s.args...); err != nil {
			return err
		}
	}
	if err := l.ISP.Sysctl("net.ipv4.ip_forward", "1"); err != nil {
		return err
	}
	// OpenBSD keeps an interface's IPv6 addresses when it goes down;
	// Linux drops them unless told otherwise.
	for _, ns := range []*Namespace{l.Router, l.PoP} {
		for _, key := range []string{"net.ipv6.conf.all.keep_addr_on_down", "net.ipv6.conf.default.keep_addr_on_down"} {
			if err := ns.Sysctl(key, "1"); err != nil {
				return err
			}
		}
	}
	l.routerV4 = RouterPrefix
	return nil
}

// gateway is the ISP's address on p's subnet: its first host.
func gateway(p netip.Prefix) netip.Prefix {
	return netip.PrefixFrom(p.Masked().Addr().Next(), p.Bits())
}

// RouterIPv4 is em0's current address on the router.
func (l *Lab) RouterIPv4() netip.Prefix {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.routerV4
}

// Renumber moves the router's em0 to p, as an ISP does with a new lease:
// the old address goes, the new one comes, and the default route follows
// the ISP's gateway on p's subnet (its first host, added to the ISP if new).
func (l *Lab) Renumber(p netip.Prefix) error {
	if !p.Addr().Is4() {
		return fmt.Errorf("renumber %s: not an IPv4 prefix", p)
	}
	l.mu.Lock()
	old := l.routerV4
	l.mu.Unlock()
	gw := gateway(p)
	steps := []struct {
		ns   *Namespace
		args []string
	}{
		{l.ISP, []string{"addr", "replace", gw.String(), "dev", ISPRouterIf}},
		{l.Router, []string{"addr", "del", old.String(), "dev", RouterIf}},
		{l.Router, []string{"addr", "add", p.String(), "dev", RouterIf}},
		{l.Router, []string{"route", "replace", "default", "via", gw.Addr().String()}},
	}
	if !old.IsValid() {
		steps = slices.Delete(steps, 1, 2) // no address to take away
	}
	for _, s := range steps {
		if err := s.ns.IP(s.args...); err != nil {
			return fmt.Errorf("renumber %s to %s: %w", old, p, err)
		}
	}
	l.mu.Lock()
	l.routerV4 = p
	l.mu.Unlock()
	return nil
}

// RenumberEach moves the router's em0 through ps in turn, gap apart, as
// an ISP's DHCP server that flaps does, and calls each (when not nil) as
// it hands each change over. Starting ip(8) can take longer than gap on a
// loaded machine, so the ISP's gateways are set up first, and a single
// `ip -batch -` in the router takes the changes, each as it is written.
func (l *Lab) RenumberEach(ps []netip.Prefix, gap time.Duration, each func(from, to netip.Prefix)) error {
	for _, p := range ps {
		if !p.Addr().Is4() {
			return fmt.Errorf("renumber %s: not an IPv4 prefix", p)
		}
		if err := l.ISP.IP("addr", "replace", gateway(p).String(), "dev", ISPRouterIf); err != nil {
			return fmt.Errorf("renumber to %s: %w", p, err)
		}
	}
	cmd := exec.Command("ip", "-n", l.Router.Name, "-batch", "-")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("renumber: %w", err)
	}
	start := time.Now()
	for i, p := range ps {
		time.Sleep(time.Until(start.Add(time.Duration(i) * gap)))
		l.mu.Lock()
		old := l.routerV4
		l.routerV4 = p
		l.mu.Unlock()
		lines := fmt.Sprintf("addr add %s dev %s\nroute replace default via %s\n", p, RouterIf, gateway(p).Addr())
		if old.IsValid() {
			lines = fmt.Sprintf("addr del %s dev %s\n", old, RouterIf) + lines
		}
		if _, err := io.WriteString(in, lines); err != nil {
			break // ip failed: Wait says why
		}
		if each != nil {
			each(old, p)
		}
	}
	in.Close()
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("renumber to %v: %w: %s", ps, err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}

// LoseLease takes em0's IPv4 address and default route away, as
// dhcpleased does when a lease ends and the ISP offers no new one.
func (l *Lab) LoseLease() error {
	l.mu.Lock()
	old := l.routerV4
	l.mu.Unlock()
	if old.IsValid() {
		if err := l.Router.IP("addr", "del", old.String(), "dev", RouterIf); err != nil {
			return fmt.Errorf("lose lease %s: %w", old, err)
		}
	}
	// The route went with the address; make sure.
	l.Router.IP("route", "del", "default")
	l.mu.Lock()
	l.routerV4 = netip.Prefix{}
	l.mu.Unlock()
	return nil
}

// Offer makes the ISP ready to lease p to the router: its gateway on p's
// subnet exists, and p is recorded as the router's address. It returns the
// gateway. The router's DHCP client (gifsim dhcpleased) puts p on em0.
func (l *Lab) Offer(p netip.Prefix) (netip.Addr, error) {
	if !p.Addr().Is4() {
		return netip.Addr{}, fmt.Errorf("offer %s: not an IPv4 prefix", p)
	}
	gw := gateway(p)
	if err := l.ISP.IP("addr", "replace", gw.String(), "dev", ISPRouterIf); err != nil {
		return netip.Addr{}, fmt.Errorf("offer %s: %w", p, err)
	}
	l.mu.Lock()
	l.routerV4 = p
	l.mu.Unlock()
	return gw.Addr(), nil
}

// Close tears the Lab down: it stops every process started in it, kills
// whatever else still lives in its namespaces, and deletes them. It is
// safe to call more than once and reports anything it could not remove.
func (l *Lab) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return l.closeErr
	}
	l.closed = true
	made := append([]*Namespace(nil), l.made...)
	l.mu.Unlock()

	var errs []error
	for _, ns := range made {
		for _, p := range ns.Processes() {
			if err := p.Stop(); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", ns.Name, err))
			}
		}
	}
	for i := len(made) - 1; i >= 0; i-- {
		if err := remove(made[i]); err != nil {
			errs = append(errs, err)
		}
	}
	unregister(l)
	l.mu.Lock()
	l.closeErr = errors.Join(errs...)
	l.mu.Unlock()
	return l.closeErr
}

// CloseAndVerify closes the Lab and checks that nothing is left: no
// namespace of the Lab still named, no process still inside one, every
// process started in it reaped. It holds each namespace open meanwhile, so
// that the kernel cannot give a namespace's inode number to a new one (made
// by a parallel test) before the check.
func (l *Lab) CloseAndVerify() error {
	l.mu.Lock()
	made := append([]*Namespace(nil), l.made...)
	l.mu.Unlock()
	type held struct {
		ns  *Namespace
		f   *os.File
		ino uint64
	}
	var hold []held
	var procs []*Process
	for _, ns := range made {
		procs = append(procs, ns.Processes()...)
		f, err := os.Open(ns.path())
		if err != nil {
			continue // already gone
		}
		defer f.Close()
		ino, err := ns.Inode()
		if err != nil {
			continue
		}
		hold = append(hold, held{ns, f, ino})
	}
	var errs []error
	if err := l.Close(); err != nil {
		errs = append(errs, err)
	}
	names, err := List()
	if err != nil {
		errs = append(errs, err)
	}
	for _, h := range hold {
		if slices.Contains(names, h.ns.Name) {
			errs = append(errs, fmt.Errorf("%s: namespace left behind", h.ns.Name))
		}
		if pids := PidsIn(h.ino); len(pids) > 0 {
			errs = append(errs, fmt.Errorf("%s: processes %v left behind", h.ns.Name, pids))
		}
	}
	for _, p := range procs {
		if !p.Exited() {
			errs = append(errs, fmt.Errorf("%s: still running", strings.Join(p.Argv, " ")))
		}
	}
	return errors.Join(errs...)
}

// remove kills every process inside ns and deletes it, and checks that
// both are gone.
func remove(ns *Namespace) error {
	if ino, err := ns.Inode(); err == nil {
		if left := killAll(ino); len(left) > 0 {
			return fmt.Errorf("%s: processes %v survive SIGKILL", ns.Name, left)
		}
	}
	if _, err := os.Stat(ns.path()); os.IsNotExist(err) {
		return nil
	}
	if err := run("ip", "netns", "del", ns.Name); err != nil {
		// Another test binary's Sweep may have removed the same dead
		// owner's namespace between the Stat above and the del: gone
		// is what was wanted.
		if _, serr := os.Stat(ns.path()); os.IsNotExist(serr) {
			return nil
		}
		return err
	}
	if _, err := os.Stat(ns.path()); err == nil {
		return fmt.Errorf("%s: still present after ip netns del", ns.Name)
	}
	return nil
}

// killAll ends the processes in the namespace with inode ino: SIGTERM
// first, so daemons that forked away from tracking still exit cleanly,
// then SIGKILL until none is left (or a few seconds pass). It returns any
// survivors.
func killAll(ino uint64) []int {
	me := os.Getpid()
	others := func() []int {
		var pids []int
		for _, pid := range PidsIn(ino) {
			if pid != me {
				pids = append(pids, pid)
			}
		}
		return pids
	}
	for _, pid := range others() {
		syscall.Kill(pid, syscall.SIGTERM)
	}
	deadline := time.Now().Add(time.Second)
	for len(others()) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	deadline = time.Now().Add(3 * time.Second)
	for {
		left := others()
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(20 * time.Millisecond)
	}
}
