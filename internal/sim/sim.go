package sim

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"time"

	"github.com/gifctl/gifctl/internal/sim/gifsim"
	"github.com/gifctl/gifctl/internal/sim/netns"
	"github.com/gifctl/gifctl/internal/sim/ugif"
)

// The tunnel's inner (IPv6) addresses, as a broker assigns them: the PoP
// is ::1, the client (the router) ::2, a /128 with the other as peer.
var (
	PoPInner6    = netip.MustParseAddr("2001:db8:1::1")
	RouterInner6 = netip.MustParseAddr("2001:db8:1::2")
)

// Program says how to run gifsim: a binary and extra environment.
type Program struct {
	Path string
	Env  []string // "K=V" entries added to the environment
}

// SelfProgram is the running binary as gifsim: a test binary whose
// TestMain calls gifsim.RunIfRequested.
func SelfProgram() (Program, error) {
	exe, err := os.Executable()
	if err != nil {
		return Program{}, fmt.Errorf("sim: %w", err)
	}
	return Program{Path: exe, Env: []string{gifsim.ExecEnv + "=1"}}, nil
}

// Command is the command line that runs gifsim, its environment included:
// what a shell script puts before gifsim's arguments.
func (p Program) Command() []string { return append(append([]string{"env"}, p.Env...), p.Path) }

// Argv is the command line running gifsim with args.
func (p Program) Argv(args ...string) []string { return append([]string{p.Path}, args...) }

// StartGif starts the userspace gif name inside ns, with its control
// socket in ctl, and returns once it answers there (its interface exists).
// up brings the interface up, as `ifconfig gif0 up` would.
func StartGif(ctx context.Context, ns *netns.Namespace, prog Program, ctl, name string, ep ugif.Endpoints, up bool) (*netns.Process, error) {
	args := []string{"gif", "-name", name, "-ctl", ctl}
	if ep.IsSet() {
		args = append(args, "-local", ep.Local.String(), "-remote", ep.Remote.String())
	}
	if up {
		args = append(args, "-up")
	}
	p, err := ns.Start(prog.Env, prog.Argv(args...)...)
	if err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, ugifStartTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := ugif.Wait(wctx, ctl, name); done <- err }()
	select {
	case err = <-done:
	case <-p.Done():
		cancel()
		<-done
		err = fmt.Errorf("exited: %s", p.Output())
	}
	if err != nil {
		p.Stop()
		return nil, fmt.Errorf("%s: gif %s: %w", ns.Name, name, err)
	}
	return p, nil
}

// ugifStartTimeout bounds how long StartGif waits for the control socket.
const ugifStartTimeout = 5 * time.Second

// StartPoP brings up the broker's end of the tunnel: gif0 in the PoP
// namespace from the PoP's address to the router's current address, up,
// with the PoP's inner address and the router's as its peer.
func StartPoP(ctx context.Context, lab *netns.Lab, prog Program, ctl string) (*netns.Process, error) {
	ep := ugif.Endpoints{Local: netns.PoPPrefix.Addr(), Remote: lab.RouterIPv4().Addr()}
	p, err := StartGif(ctx, lab.PoP, prog, ctl, "gif0", ep, true)
	if err != nil {
		return nil, err
	}
	if err := lab.PoP.IP("-6", "addr", "add", PoPInner6.String(), "peer", RouterInner6.String(), "dev", "gif0", "nodad"); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}
