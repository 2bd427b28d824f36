package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/gifctl/gifctl/internal/broker/brokertest"
	"github.com/gifctl/gifctl/internal/sim/netns"
	"github.com/gifctl/gifctl/internal/sim/standin"
)

// The World's targets. The router (where gifctl runs) reaches the ISP's
// end of its veth directly; the silent targets are routed through the ISP
// into a blackhole route there, which drops packets without an ICMP error,
// as a dead host far away does.
var (
	Live4   = netns.RouterPrefix.Masked().Addr().Next() // the ISP's side of em0
	Silent4 = netip.MustParseAddr("192.0.2.1")
	// Inner6 is on em0 as the tunnel's inner address, so `check ipv6`
	// probes leave from it as they would from gif0.
	Inner6  = netip.MustParseAddr("2001:db8:1::2")
	Live6   = netip.MustParseAddr("2001:db8:1::1")
	Silent6 = netip.MustParseAddr("2001:db8:dead::1")
	Remote  = netip.MustParseAddr("203.0.113.26") // the broker's end of the tunnel
)

const (
	tunnelID = "123456"
	user     = "alice"
)

// World is a router namespace with gifctl's files, stand-ins for netstart,
// ifconfig and pfctl that log every call, and an HTTPS test broker inside
// the namespace. It is built on a netns.Lab, so it is torn down on Close,
// on SIGINT and SIGTERM, and swept by the next run if the harness dies.
type World struct {
	Lab  *netns.Lab
	Dir  string // etc/, state/, the stand-ins, gifctl.conf, calls
	Conf string
	// StaticConf is Conf with StaticIfconfig, a static Go stand-in, as
	// its ifconfig (UseStaticIfconfig).
	StaticConf, StaticIfconfig string
	Gifctl                     string
	Broker                     *brokertest.Broker
	// CABundle describes the ca-file: the system's bundle plus the test
	// broker's CA, so that reading it costs what /etc/ssl/cert.pem does.
	CABundle string
}

// NewWorld builds a World for the gifctl binary at gifctl.
func NewWorld(gifctl string) (w *World, err error) {
	lab, err := netns.New()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "gifbench")
	if err != nil {
		lab.Close()
		return nil, err
	}
	w = &World{Lab: lab, Dir: dir, Conf: filepath.Join(dir, "gifctl.conf"), Gifctl: gifctl}
	defer func() {
		if err != nil {
			w.Close()
			w = nil
		}
	}()
	if err := w.network(); err != nil {
		return nil, err
	}
	if err := w.files(); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *World) network() error {
	steps := []struct {
		ns   *netns.Namespace
		args []string
	}{
		{w.Lab.Router, []string{"-6", "addr", "add", Inner6.String() + "/64", "dev", netns.RouterIf, "nodad"}},
		{w.Lab.ISP, []string{"-6", "addr", "add", Live6.String() + "/64", "dev", netns.ISPRouterIf, "nodad"}},
		{w.Lab.Router, []string{"-6", "route", "add", "default", "via", Live6.String()}},
		{w.Lab.ISP, []string{"route", "add", "blackhole", Silent4.String() + "/32"}},
		{w.Lab.ISP, []string{"-6", "route", "add", "blackhole", Silent6.String() + "/128"}},
	}
	for _, s := range steps {
		if err := s.ns.IP(s.args...); err != nil {
			return err
		}
	}
	return w.Lab.ISP.Sysctl("net.ipv6.conf.all.forwarding", "1")
}

// systemBundles are where Debian and OpenBSD keep the CA bundle.
var systemBundles = []string{"/etc/ssl/cert.pem", "/etc/ssl/certs/ca-certificates.crt"}

func (w *World) files() error {
	for _, d := range []string{"etc", "state"} {
		if err := os.Mkdir(w.path(d), 0o700); err != nil {
			return err
		}
	}
	// The ifconfig stand-in prints Inner6 --> Live6 as gif0's inner
	// addresses (2001:db8:1::2 --> 2001:db8:1::1).
	if err := standin.Write(w.Dir, standin.Options{}); err != nil {
		return err
	}
	if err := os.WriteFile(w.path("etc/pf.conf"), []byte("pass\n"), 0o600); err != nil {
		return err
	}

	w.Broker = brokertest.New(brokertest.Options{Accounts: []brokertest.Account{{
		User: user, Key: "0123456789abcdef", Tunnels: map[string]netip.Addr{tunnelID: {}},
	}}})
	caFile := w.path("ca.pem")
	var srv *brokertest.Server
	// The listener is opened inside the router's namespace, where gifctl
	// runs; it stays there whichever thread serves it.
	err := w.Lab.Router.Do(func() (err error) {
		srv, err = brokertest.Start(w.Broker, caFile)
		return err
	})
	if err != nil {
		return err
	}
	if err := w.appendSystemBundle(caFile); err != nil {
		return err
	}
	conf := fmt.Sprintf(`set hostname-dir "%[1]s/etc"
set state-dir "%[1]s/state"
set netstart "%[1]s/netstart"
set ifconfig "%[1]s/ifconfig"
set pfctl "%[1]s/pfctl"
set pf-conf "%[1]s/etc/pf.conf"
set ca-file "%[2]s"

check ipv4 {
	target %[3]s
	timeout 1
}
check ipv6 {
	target %[4]s
	timeout 1
}

tunnel gif0 {
	egress %[5]s
	remote %[6]s
	inet6 %[7]s peer %[4]s
	mtu 1480
	update-url "%[8]s"
}
`, w.Dir, caFile, Live4, Live6, netns.RouterIf, Remote, Inner6, srv.URL(user, "0123456789abcdef", tunnelID))
	return os.WriteFile(w.Conf, []byte(conf), 0o600)
}

// appendSystemBundle adds the system's CA bundle to the test CA, so that
// gifctl reads as much as it would from /etc/ssl/cert.pem.
func (w *World) appendSystemBundle(caFile string) error {
	for _, p := range systemBundles {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		f, err := os.OpenFile(caFile, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, werr := f.Write(data)
		if err := errors.Join(werr, f.Close()); err != nil {
			return err
		}
		w.CABundle = fmt.Sprintf("%s (%d KB, %d certificates) and the test broker's CA",
			p, len(data)/1024, strings.Count(string(data), "BEGIN CERTIFICATE"))
		return nil
	}
	w.CABundle = "the test broker's CA only (no system bundle found)"
	return nil
}

func (w *World) path(name string) string { return filepath.Join(w.Dir, name) }

// Close tears the World down.
func (w *World) Close() error {
	var errs []error
	if w.Broker != nil {
		errs = append(errs, w.Broker.Close())
	}
	errs = append(errs, w.Lab.Close(), os.RemoveAll(w.Dir))
	return errors.Join(errs...)
}

// UseStaticIfconfig builds a static Go stand-in for ifconfig that prints
// what the shell stand-in prints for gif0 now, and writes StaticConf,
// Conf with that stand-in as its ifconfig. Run it after the first restart,
// when gif0 has its tunnel.
func (w *World) UseStaticIfconfig(ctx context.Context, goTool string) error {
	out, err := exec.CommandContext(ctx, w.path("ifconfig"), "gif0").Output()
	if err != nil {
		return fmt.Errorf("ifconfig stand-in gif0: %w", err)
	}
	bin, err := BuildStaticIfconfig(ctx, goTool, w.Dir, "gif0", out)
	if err != nil {
		return err
	}
	w.StaticIfconfig = bin
	conf, err := os.ReadFile(w.Conf)
	if err != nil {
		return err
	}
	shell := fmt.Sprintf("set ifconfig %q\n", w.path("ifconfig"))
	if !bytes.Contains(conf, []byte(shell)) {
		return fmt.Errorf("%s: no line %q", w.Conf, strings.TrimSpace(shell))
	}
	w.StaticConf = w.path("gifctl-static.conf")
	static := bytes.Replace(conf, []byte(shell), fmt.Appendf(nil, "set ifconfig %q\n", bin), 1)
	return os.WriteFile(w.StaticConf, static, 0o600)
}

// InRouter runs f on a thread inside the router's namespace: the commands
// f starts run there too, without `ip netns exec` in between to measure.
func (w *World) InRouter(f func() error) error { return w.Lab.Router.Do(f) }

// Cmd is the gifctl command line with the World's configuration.
func (w *World) Cmd(label string, exit int, args ...string) Cmd {
	return Cmd{Label: label, Argv: append([]string{w.Gifctl, "-c", w.Conf}, args...), Exit: exit}
}

// StaticCmd is the gifctl command line with StaticConf.
func (w *World) StaticCmd(label string, args ...string) Cmd {
	return Cmd{Label: label, Argv: append([]string{w.Gifctl, "-c", w.StaticConf}, args...)}
}

// Calls returns the stand-ins' calls since the last call of Calls, with
// the World's directory written DIR.
func (w *World) Calls() []string { return standin.Calls(w.Dir) }

// Updates counts the broker's /nic/update requests so far.
func (w *World) Updates() int { return w.Broker.Updates() }
