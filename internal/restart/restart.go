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
	"slices"
	"strings"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/hostnameif"
	"github.com/gifctl/gifctl/internal/broker"
	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/udiff"
)

// shell runs netstart, as the OpenBSD documentation does: `sh /etc/netstart gif0`.
const shell = "/bin/sh"

// System is the seam to the operating system; tests replace its functions.
type System struct {
	IPv4Addrs func(ifname string) ([]netip.Addr, error) // in kernel order
	// Endpoints reads the gif's tunnel, before the sandbox and after netstart.
	Endpoints func(ctx context.Context, ifname string) (src, dst netip.Addr, err error)
	Run       func(ctx context.Context, argv []string) ([]byte, error) // killed at ctx's end
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

// fileMode is hostname.IF's loosest mode, the OpenBSD FAQ's: netstart warns
// about "other" bits, and group write would let others add root's lines.
const fileMode = 0o640

// Job is one restart of one tunnel.
type Job struct {
	Config *config.Config
	Tunnel *config.Tunnel
	Sys    System
	Log    *bsd.Logger
	DryRun bool      // print the diff of hostname.IF and the commands; change nothing
	Out    io.Writer // where DryRun prints

	ksrc, kdst netip.Addr // the kernel's tunnel as ReadKernel found it
	kerr       error
}

// ReadKernel reads the kernel's tunnel, which Restart needs, before the sandbox:
// pledge forbids the ioctl.
func (j *Job) ReadKernel(ctx context.Context) {
	j.ksrc, j.kdst, j.kerr = j.Sys.Endpoints(ctx, j.Tunnel.Name)
}

// plan is what a restart found and decided before it changes anything.
type plan struct {
	path         string
	mode         fs.FileMode // the rewritten file's
	old, new     []byte      // old is nil when hostname.IF is missing
	source, dest netip.Addr
	netstartWhy  string // why the tunnel must be (re)configured; "" when not
}

// Restart runs the job: see the package comment for the steps.
func (j *Job) Restart(ctx context.Context) error {
	p, err := j.plan()
	if err != nil {
		return err
	}
	if j.DryRun {
		return j.printPlan(p)
	}
	bsd.RemoveStale(p.path, time.Time{}) // a killed gifctl's: the caller holds the lock
	var failed []error
	name := j.Tunnel.Name
	if bytes.Equal(p.old, p.new) {
		j.Log.Debugf("%s: unchanged", p.path)
	} else if err := bsd.WriteFile(p.path, p.new, p.mode); err != nil {
		return err // nothing else makes sense with the file unwritten
	} else if p.old == nil {
		j.Log.Infof("%s: written from %s", p.path, j.Config.File)
	} else {
		j.Log.Infof("%s: tunnel source set to %s", p.path, p.source)
	}
	if p.netstartWhy == "" {
		j.Log.Debugf("%s: no netstart, no pf reload: the kernel's tunnel agrees with %s", name, filepath.Base(p.path))
	} else {
		j.Log.Infof("%s: restarting: %s", name, p.netstartWhy)
		err := j.netstart(ctx, name)
		if err == nil {
			err = j.verify(ctx, p)
		}
		failed = append(failed, err, j.reloadPF(ctx))
	}
	if b := broker.For(j.Config, j.Tunnel, j.Log); b == nil {
		j.Log.Debugf("%s: no broker told: no update-url in %s", name, j.Config.File)
	} else {
		failed = append(failed, b.Update(ctx, p.source))
	}
	err = errors.Join(failed...) // the nil ones drop out
	if err == nil && p.netstartWhy == "" {
		j.Log.Infof("%s: nothing to do: tunnel %s --> %s", name, p.source, p.dest)
	}
	return err
}

// RestartEgress, ifstated's no_ipv4 action: `sh NETSTART EGRESS`, up to wait
// for a lease, Restart.
func (j *Job) RestartEgress(ctx context.Context, wait time.Duration) error {
	egress := j.Tunnel.Egress
	if j.DryRun {
		fmt.Fprintln(j.Out, shell, j.Config.Netstart, egress)
		fmt.Fprintf(j.Out, "# then wait up to %s for an IPv4 address on %s\n", wait, egress)
		return j.Restart(ctx)
	}
	j.Log.Infof("%s: restarting", egress)
	if err := j.netstart(ctx, egress); err != nil {
		return err
	}
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		if addrs, err := j.Sys.IPv4Addrs(egress); err == nil && len(addrs) > 0 {
			return j.Restart(ctx)
		}
		select {
		case <-waitCtx.Done():
			return fmt.Errorf("%s: no IPv4 address %s after netstart", egress, wait)
		case <-time.After(250 * time.Millisecond): // look again for the lease
		}
	}
}

func (j *Job) plan() (*plan, error) {
	t := j.Tunnel
	p := &plan{path: t.HostnameFile(j.Config), mode: fileMode}
	old, err := bsd.ReadFile(p.path, bsd.MaxSmallFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		p.old = append([]byte{}, old...) // present but empty is not missing
		fi, err := os.Stat(p.path)
		if err != nil {
			return nil, err
		}
		p.mode = fi.Mode().Perm() & fileMode // an admin's 0600 stays 0600
	}
	file := hostnameif.Parse(p.old)
	current, _, _ := file.Tunnel(t.Name)
	addrs, err := j.Sys.IPv4Addrs(t.Egress)
	if err != nil {
		return nil, err
	}
	src, others, err := bsd.ChooseSource(t.Egress, addrs, j.ksrc, current)
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

	if p.old == nil {
		spec := hostnameif.Spec{Source: src, Remote: t.Remote, Inet6: t.Inet6, Peer: t.Peer, MTU: t.MTU}
		if p.new, err = hostnameif.Render(spec); err != nil {
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
	} else if j.kerr != nil {
		p.netstartWhy = j.kerr.Error()
	} else if err := bsd.Consistent(t.Name, t.Egress, addrs, j.ksrc, j.kdst, p.dest); err != nil {
		p.netstartWhy = err.Error()
	}
	return p, nil
}

// printPlan is -n: hostname.IF's change as diff -u prints it, then the
// commands and the broker's decision.
func (j *Job) printPlan(p *plan) error {
	w, label := j.Out, p.path
	if p.old == nil {
		label = "/dev/null"
	}
	if d := udiff.Diff(label, p.path, string(p.old), string(p.new)); d != "" {
		fmt.Fprint(w, d)
	} else {
		fmt.Fprintf(w, "# %s unchanged\n", p.path)
	}
	if p.netstartWhy != "" {
		fmt.Fprintf(w, "# %s\n", p.netstartWhy)
		fmt.Fprintln(w, shell, j.Config.Netstart, j.Tunnel.Name)
		fmt.Fprintln(w, j.Config.Ifconfig, j.Tunnel.Name)
		for _, argv := range j.pfArgv() {
			fmt.Fprintln(w, strings.Join(argv, " "))
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

// pfArgv is the dry run and the load of pf-conf; nil when it is not set.
func (j *Job) pfArgv() [][]string {
	if j.Config.PfConf == "" {
		return nil
	}
	return [][]string{{j.Config.Pfctl, "-n", "-f", j.Config.PfConf}, {j.Config.Pfctl, "-f", j.Config.PfConf}}
}

// netstart runs `sh NETSTART IF` and logs its warnings (an insecure or missing
// hostname.if).
func (j *Job) netstart(ctx context.Context, ifname string) error {
	argv := []string{shell, j.Config.Netstart, ifname}
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

// reloadPF loads pf-conf, if set, only after its dry run passed: broken rules
// never replace those in force.
func (j *Job) reloadPF(ctx context.Context) error {
	if j.Config.PfConf == "" {
		j.Log.Debugf("pf: left alone: no pf-conf in %s", j.Config.File)
		return nil
	}
	for i, argv := range j.pfArgv() {
		j.Log.Debugf("running %s", strings.Join(argv, " "))
		if out, err := j.Sys.Run(ctx, argv); err != nil {
			what := j.Config.PfConf
			if i == 0 {
				what += ": not loaded"
			}
			// The output goes under the error line, each line indented.
			return fmt.Errorf("%s: %w%s", what, err, strings.Join(append([]string{""}, outputLines(out)...), "\n\t"))
		}
	}
	j.Log.Infof("%s: loaded", j.Config.PfConf)
	return nil
}

// outputLines are a command's output lines, trimmed, without blank ones.
func outputLines(out []byte) []string {
	lines := strings.Split(string(out), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return slices.DeleteFunc(lines, func(l string) bool { return l == "" })
}
