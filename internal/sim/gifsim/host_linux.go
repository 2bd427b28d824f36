package gifsim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gifctl/gifctl/internal/sim/ugif"
)

// linuxHost drives the interfaces of the network namespace it runs in:
// ip(8) for addresses and routes, ioctls for flags and MTU, and the control
// sockets in ctl for the userspace gifs.
type linuxHost struct {
	ctl string
}

func newHost(ctl string) host { return linuxHost{ctl: ctl} }

// controlTimeout bounds each talk with a gif daemon.
const controlTimeout = 5 * time.Second

func ip(args ...string) ([]byte, error) {
	var stderr bytes.Buffer
	cmd := exec.Command("ip", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "does not exist") || strings.Contains(msg, "Cannot find device") {
			return nil, errNoSuchInterface
		}
		return nil, fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, msg)
	}
	return out, nil
}

func (h linuxHost) Interfaces() ([]ifInfo, error) { return h.gather() }

func (h linuxHost) Interface(name string) (ifInfo, error) {
	infos, err := h.gather("dev", name)
	if err != nil {
		return ifInfo{}, err
	}
	if len(infos) != 1 {
		return ifInfo{}, errNoSuchInterface
	}
	return infos[0], nil
}

// gather reads interfaces (all, or `dev NAME`), their aliases, the
// default routes and, for gifs, the daemon's status.
func (h linuxHost) gather(sel ...string) ([]ifInfo, error) {
	// Four ip(8) runs, at once: ifconfig is gifctl's read-back of the
	// tunnel, which ifstated runs every few seconds, and on a busy
	// machine four processes in a row can overrun that.
	type result struct {
		out []byte
		err error
	}
	queries := [][]string{
		append([]string{"-j", "addr", "show"}, sel...),
		append([]string{"-j", "link", "show"}, sel...),
		{"-4", "-j", "route", "show", "default"},
		{"-6", "-j", "route", "show", "default"},
	}
	results := make([]result, len(queries))
	var wg sync.WaitGroup
	for i, q := range queries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := ip(q...)
			results[i] = result{out, err}
		}()
	}
	wg.Wait()
	if err := results[0].err; err != nil {
		return nil, err
	}
	infos, err := parseIPLinks(results[0].out)
	if err != nil {
		return nil, err
	}
	aliases := map[string]string{}
	if r := results[1]; r.err == nil {
		var links []ipLink
		if json.Unmarshal(r.out, &links) == nil {
			for _, l := range links {
				aliases[l.Name] = l.Alias
			}
		}
	}
	egress := map[string]bool{}
	for _, r := range results[2:] {
		if r.err == nil {
			devs, _ := parseDefaultDevs(r.out)
			for d := range devs {
				egress[d] = true
			}
		}
	}
	for i := range infos {
		info := &infos[i]
		info.Description = aliases[info.Name]
		info.Egress = egress[info.Name]
		if isGifName(info.Name) {
			if st, err := h.status(info.Name); err == nil {
				info.Gif = &st
			}
		}
	}
	return infos, nil
}

func (h linuxHost) status(name string) (ugif.Status, error) {
	ctx, cancel := context.WithTimeout(context.Background(), controlTimeout)
	defer cancel()
	return ugif.Get(ctx, h.ctl, name)
}

// Create starts the gif daemon for name, detached in its own session (the
// Lab's teardown kills whatever lives in the namespace), logging to
// CTL/NAME.log, and waits until it answers.
func (h linuxHost) Create(name string) error {
	if !isGifName(name) {
		return fmt.Errorf("%s: only gif interfaces can be created here", name)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	logPath := filepath.Join(h.ctl, name+".log")
	logf, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(exe, "gif", "-name", name, "-ctl", h.ctl)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	ctx, cancel := context.WithTimeout(context.Background(), controlTimeout)
	defer cancel()
	waited := make(chan error, 1)
	go func() { _, err := ugif.Wait(ctx, h.ctl, name); waited <- err }()
	select {
	case err := <-waited:
		return err
	case <-exited:
		cancel()
		<-waited
		log, _ := os.ReadFile(logPath)
		return fmt.Errorf("gif daemon exited: %s", bytes.TrimSpace(log))
	}
}

func (h linuxHost) SetUp(name string, up bool) error { return ugif.SetUp(name, up) }

func (h linuxHost) SetMTU(name string, mtu int) error {
	if isGifName(name) && (mtu < ugif.MinMTU || mtu > ugif.MaxMTU) {
		return syscall.EINVAL // gif_ioctl's range check
	}
	return ugif.SetMTU(name, mtu)
}

func (h linuxHost) SetTunnel(name string, ep ugif.Endpoints) error {
	ctx, cancel := context.WithTimeout(context.Background(), controlTimeout)
	defer cancel()
	var err error
	if ep.IsSet() {
		_, err = ugif.SetTunnel(ctx, h.ctl, name, ep)
	} else {
		_, err = ugif.DeleteTunnel(ctx, h.ctl, name)
	}
	if errors.Is(err, ugif.ErrNotRunning) {
		return syscall.ENOTTY // not a tunnel interface
	}
	return err
}

func (h linuxHost) SetDescription(name, text string) error {
	_, err := ip("link", "set", "dev", name, "alias", text)
	return err
}

func (h linuxHost) AddInet(name string, p netip.Prefix, peer netip.Addr) error {
	args := []string{"-4", "addr", "replace", p.String(), "broadcast", "+", "dev", name}
	if peer.IsValid() {
		args = []string{"-4", "addr", "replace", p.Addr().String(), "peer", netip.PrefixFrom(peer, p.Bits()).String(), "dev", name}
	}
	_, err := ip(args...)
	return err
}

// AddInet6 adds (or updates) an IPv6 address without duplicate address
// detection: the simulation's links have no one to collide with, and
// tentative addresses would only slow the tests.
//
// With a peer it returns only once the route to the peer exists. Linux
// adds that route from a workqueue, even without DAD, a moment after the
// address; on OpenBSD the ioctl has done it all when ifconfig returns, and
// netstart's next line (`!route add -inet6 default PEER`) relies on it.
func (h linuxHost) AddInet6(name string, p netip.Prefix, peer netip.Addr) error {
	args := []string{"-6", "addr", "replace", p.String(), "dev", name, "nodad"}
	if peer.IsValid() {
		args = []string{"-6", "addr", "replace", p.Addr().String(), "peer", netip.PrefixFrom(peer, p.Bits()).String(), "dev", name, "nodad"}
	}
	if _, err := ip(args...); err != nil || !peer.IsValid() {
		return err
	}
	deadline := time.Now().Add(peerRouteWait)
	for {
		out, err := ip("-6", "-j", "route", "show", netip.PrefixFrom(peer, 128).String(), "dev", name)
		if err == nil && len(bytes.TrimSpace(out)) > 0 && string(bytes.TrimSpace(out)) != "[]" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: no route to the peer %s %s after adding the address", name, peer, peerRouteWait)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// peerRouteWait bounds AddInet6's wait for the kernel's route to the peer.
const peerRouteWait = 3 * time.Second

// Route sets the default route. add and change both replace it: the
// stand-in is more forgiving than route(8), which refuses to add a route
// that exists (netstart ignores that error anyway).
func (h linuxHost) Route(op string, gw netip.Addr, inet6 bool) error {
	fam := "-4"
	if inet6 {
		fam = "-6"
	}
	var err error
	if op == "delete" {
		_, err = ip(fam, "route", "del", "default")
	} else {
		_, err = ip(fam, "route", "replace", "default", "via", gw.String())
	}
	return err
}

// Autoconf starts the DHCP client stand-in for name, detached like the
// gif daemons, logging to CTL/NAME.dhcpleased.log. One already running
// for name makes the new one exit at once.
func (h linuxHost) Autoconf(name string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	logf, err := os.OpenFile(filepath.Join(h.ctl, name+".dhcpleased.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(exe, "dhcpleased", "-if", name, "-ctl", h.ctl)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

// applyLease replaces the interface's IPv4 configuration by l's: its
// address alone, and the default route through l's gateway.
func applyLease(ifname string, l lease) error {
	if _, err := ip("-4", "addr", "flush", "dev", ifname); err != nil {
		return err
	}
	if !l.valid() {
		return nil // the route went with the address
	}
	if _, err := ip("-4", "addr", "add", l.Prefix.String(), "dev", ifname); err != nil {
		return err
	}
	_, err := ip("-4", "route", "replace", "default", "via", l.Gateway.String(), "dev", ifname)
	return err
}
