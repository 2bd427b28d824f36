package restart

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/hostnameif"
	"github.com/gifctl/gifctl/internal/broker"
	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/tempfiles"
	"github.com/gifctl/gifctl/internal/udiff"
)

// shell runs netstart, as the OpenBSD documentation does: `sh /etc/netstart gif0`.
const shell = "/bin/sh"

// System is the seam to the operating system; NewSystem fills it with the
// real thing and tests replace single functions.
type System struct {
	// IPv4Addrs lists an interface's IPv4 addresses in kernel order.
	IPv4Addrs func(ifname string) ([]netip.Addr, error)
	// Endpoints reads the gif's tunnel endpoints, before the sandbox and
	// again after netstart.
	Endpoints func(ctx context.Context, ifname string) (src, dst netip.Addr, err error)
	// Run runs a command, killing its process group at ctx's deadline.
	Run func(ctx context.Context, argv []string) ([]byte, error)
}

// NewSystem returns the real operating system.
func NewSystem(c *config.Config) System {
	return System{
		IPv4Addrs: bsd.IPv4Addrs,
		Endpoints: func(ctx context.Context, ifname string) (netip.Addr, netip.Addr, error) {
			return bsd.TunnelEndpoints(ctx, ifname, c.Ifconfig)
		},
		Run: bsd.Run,
	}
}

// fileMode is the loosest mode hostname.IF gets, and the mode of one gifctl
// creates: netstart warns about "other" bits, group write would let a
// non-root user add lines that netstart runs as root, and 0640 is what the
// OpenBSD FAQ uses.
const fileMode = 0o640

// Job is one restart of one tunnel.
type Job struct {
	Config *config.Config
	Tunnel *config.Tunnel
	Sys    System
	Log    *bsd.Logger
	// DryRun prints the diff of hostname.IF and the commands to Out and
	// changes nothing.
	DryRun bool
	Out    io.Writer

	kernel *kernelState // read by ReadKernel, before the sandbox
}

// kernelState is the gif's tunnel as the kernel had it when the job began.
type kernelState struct {
	src, dst netip.Addr
	err      error
}

// ReadKernel reads the gif's current endpoints. On OpenBSD this is an ioctl
// that pledge forbids, so the caller does it before applying the sandbox;
// Restart calls it itself when the caller did not.
func (j *Job) ReadKernel(ctx context.Context) {
	src, dst, err := j.Sys.Endpoints(ctx, j.Tunnel.Name)
	j.kernel = &kernelState{src, dst, err}
}

// plan is what a restart found and decided before it changes anything.
type plan struct {
	path        string
	mode        fs.FileMode // the rewritten file's
	old         []byte      // nil when hostname.IF is missing
	new         []byte
	source      netip.Addr
	dest        netip.Addr
	netstart    bool // the tunnel must be (re)configured
	netstartWhy string
}

// Restart runs the job: see the package comment for the steps.
func (j *Job) Restart(ctx context.Context) error {
	p, err := j.plan(ctx)
	if err != nil {
		return err
	}
	if j.DryRun {
		return j.printPlan(p)
	}
	// A gifctl killed inside writeFile left its temp file behind. Remove
	// it even when nothing is to be written: the caller holds the lock,
	// so no other gifctl is writing one now.
	tempfiles.RemoveStale(p.path, time.Time{})
	var failed []error
	if bytes.Equal(p.old, p.new) {
		j.Log.Debugf("%s: unchanged", p.path)
	} else {
		if err := tempfiles.Write(p.path, p.new, p.mode); err != nil {
			return err // nothing else makes sense with the file unwritten
		}
		if p.old == nil {
			j.Log.Infof("%s: written from %s", p.path, j.Config.File)
		} else {
			j.Log.Infof("%s: tunnel source set to %s", p.path, p.source)
		}
	}
	if p.netstart {
		j.Log.Infof("%s: restarting: %s", j.Tunnel.Name, p.netstartWhy)
		if err := j.netstart(ctx, j.Tunnel.Name); err != nil {
			failed = append(failed, err)
		} else if err := j.verify(ctx, p); err != nil {
			failed = append(failed, err)
		}
		if j.Config.PfConf != "" {
			if err := j.reloadPF(ctx); err != nil {
				failed = append(failed, err)
			}
		} else {
			j.Log.Debugf("pf: left alone: no pf-conf in %s", j.Config.File)
		}
	} else {
		j.Log.Debugf("%s: no netstart, no pf reload: the kernel's tunnel agrees with %s", j.Tunnel.Name, filepath.Base(p.path))
	}
	if b := broker.For(j.Config, j.Tunnel, j.Log); b != nil {
		if err := b.Update(ctx, p.source); err != nil {
			failed = append(failed, err)
		}
	} else {
		j.Log.Debugf("%s: no broker told: no update-url in %s", j.Tunnel.Name, j.Config.File)
	}
	if len(failed) == 0 && !p.netstart && bytes.Equal(p.old, p.new) {
		j.Log.Infof("%s: nothing to do: tunnel %s --> %s", j.Tunnel.Name, p.source, p.dest)
	}
	return errors.Join(failed...)
}

func (j *Job) plan(ctx context.Context) (*plan, error) {
	t := j.Tunnel
	p := &plan{path: t.HostnameFile(j.Config), mode: fileMode}
	old, err := bsd.ReadFile(p.path, bsd.MaxSmallFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		old = nil
	case err != nil:
		return nil, err
	case old == nil:
		old = []byte{} // present but empty: not the same as missing
	}
	p.old = old
	if old != nil {
		// An admin's 0600 stays 0600; looser bits go (see fileMode).
		fi, err := os.Stat(p.path)
		if err != nil {
			return nil, err
		}
		p.mode = fi.Mode().Perm() & fileMode
	}
	if j.kernel == nil {
		j.ReadKernel(ctx)
	}
	k := j.kernel

	var current netip.Addr
	var file *hostnameif.File
	if old != nil {
		file = hostnameif.Parse(old)
		current, _, _ = file.Tunnel(t.Name)
	}
	addrs, err := j.Sys.IPv4Addrs(t.Egress)
	if err != nil {
		return nil, err
	}
	src, others, err := bsd.ChooseSource(t.Egress, addrs, k.src, current)
	if err != nil {
		return nil, err
	}
	if len(others) > 0 {
		j.Log.Infof("%s: also has %s; using %s", t.Egress, bsd.JoinAddrs(others), src)
	}
	if bsd.IsCGNAT(src) {
		j.Log.Warnf("%s: %s is a carrier-grade NAT address: 6in4 works only if the ISP passes protocol 41", t.Egress, src)
	}
	p.source = src
	j.Log.Debugf("%s: source %s, from %s's IPv4 addresses", t.Name, src, t.Egress)

	if file == nil {
		p.new, err = hostnameif.Render(hostnameif.Spec{
			Source: src, Remote: t.Remote, Inet6: t.Inet6, Peer: t.Peer, MTU: t.MTU,
		})
		if err != nil {
			return nil, fmt.Errorf("%s is missing and %s cannot write it: %w", p.path, j.Config.File, err)
		}
		p.dest = t.Remote
	} else {
		warnings, err := file.SetTunnel(t.Name, src, t.Remote)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.path, err)
		}
		for _, w := range warnings {
			j.Log.Warnf("%s: %s", p.path, w)
		}
		p.new = file.Bytes()
		_, p.dest, _ = file.Tunnel(t.Name)
	}
	if !bytes.Equal(p.old, p.new) {
		p.netstartWhy = filepath.Base(p.path) + " changed"
	} else if k.err != nil {
		p.netstartWhy = k.err.Error()
	} else if err := bsd.Consistent(t.Name, t.Egress, addrs, k.src, k.dst, p.dest); err != nil {
		p.netstartWhy = err.Error()
	}
	p.netstart = p.netstartWhy != ""
	return p, nil
}

func (j *Job) printPlan(p *plan) error {
	w := j.Out
	if d := udiff.Diff(labelOld(p), p.path, string(p.old), string(p.new)); d != "" {
		fmt.Fprint(w, d)
	} else {
		fmt.Fprintf(w, "# %s unchanged\n", p.path)
	}
	if p.netstart {
		fmt.Fprintf(w, "# %s\n", p.netstartWhy)
		fmt.Fprintln(w, strings.Join(j.netstartArgv(j.Tunnel.Name), " "))
		fmt.Fprintf(w, "%s %s\n", j.Config.Ifconfig, j.Tunnel.Name)
		if j.Config.PfConf != "" {
			for _, argv := range j.pfArgv() {
				fmt.Fprintln(w, strings.Join(argv, " "))
			}
		}
	}
	if b := broker.For(j.Config, j.Tunnel, j.Log); b != nil {
		send, why, err := b.Pending(p.source)
		switch {
		case err != nil:
			return err
		case send:
			fmt.Fprintf(w, "# broker update to %s: %s\n", p.source, why)
		default:
			fmt.Fprintf(w, "# no broker update: %s\n", why)
		}
	}
	return nil
}

func labelOld(p *plan) string {
	if p.old == nil {
		return "/dev/null"
	}
	return p.path
}

func (j *Job) netstartArgv(ifname string) []string {
	return []string{shell, j.Config.Netstart, ifname}
}

func (j *Job) pfArgv() [][]string {
	return [][]string{
		{j.Config.Pfctl, "-n", "-f", j.Config.PfConf},
		{j.Config.Pfctl, "-f", j.Config.PfConf},
	}
}

// netstart runs `sh NETSTART IF` and logs what it printed: its warnings
// (an insecure hostname.if, a missing file) are the admin's only clue.
func (j *Job) netstart(ctx context.Context, ifname string) error {
	argv := j.netstartArgv(ifname)
	j.Log.Debugf("running %s", strings.Join(argv, " "))
	out, err := j.Sys.Run(ctx, argv)
	for _, line := range outputLines(out) {
		j.Log.Infof("netstart %s: %s", ifname, line)
	}
	return err
}

// verify reads the endpoints back: netstart's exit status says nothing.
func (j *Job) verify(ctx context.Context, p *plan) error {
	src, dst, err := j.Sys.Endpoints(ctx, j.Tunnel.Name)
	if err != nil {
		return fmt.Errorf("%w (reading the tunnel back after netstart)", err)
	}
	if src != p.source || dst != p.dest {
		return fmt.Errorf("%s: tunnel is %s --> %s after netstart, want %s --> %s", j.Tunnel.Name, src, dst, p.source, p.dest)
	}
	j.Log.Infof("%s: tunnel %s --> %s", j.Tunnel.Name, src, dst)
	return nil
}

// reloadPF loads pf.conf only after a dry run of it passed, so a broken
// ruleset never replaces the one in force.
func (j *Job) reloadPF(ctx context.Context) error {
	argv := j.pfArgv()
	j.Log.Debugf("running %s", strings.Join(argv[0], " "))
	if out, err := j.Sys.Run(ctx, argv[0]); err != nil {
		return fmt.Errorf("%s: not loaded: %w%s", j.Config.PfConf, err, indent(out))
	}
	if out, err := j.Sys.Run(ctx, argv[1]); err != nil {
		return fmt.Errorf("%s: %w%s", j.Config.PfConf, err, indent(out))
	}
	j.Log.Infof("%s: loaded", j.Config.PfConf)
	return nil
}

func outputLines(out []byte) []string {
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// indent puts a command's output under the error line that names it.
func indent(out []byte) string {
	lines := outputLines(out)
	if len(lines) == 0 {
		return ""
	}
	return "\n\t" + strings.Join(lines, "\n\t")
}
