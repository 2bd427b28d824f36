package gifsim

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"syscall"

	"github.com/gifctl/gifctl/internal/sim/ugif"
)

// gifMain is the userspace gif daemon.
func gifMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gifsim gif", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("name", "gif0", "interface `name`")
	ctl := fs.String("ctl", ctlDir(), "control `directory` (holds NAME.sock)")
	local := fs.String("local", "", "tunnel source `address`")
	remote := fs.String("remote", "", "tunnel destination `address`")
	mtu := fs.Int("mtu", ugif.DefaultMTU, "interface MTU")
	up := fs.Bool("up", false, "bring the interface up")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	var ep ugif.Endpoints
	if *local != "" || *remote != "" {
		var err error
		if ep, err = ugif.ParseEndpoints(*local, *remote); err != nil {
			fmt.Fprintf(stderr, "gifsim: %s: %v\n", *name, err)
			return 2
		}
	}
	if err := runGif(*name, *ctl, ep, *mtu, *up, stderr); err != nil {
		fmt.Fprintf(stderr, "gifsim: %v\n", err)
		return 1
	}
	return 0
}

func runGif(name, ctl string, ep ugif.Endpoints, mtu int, up bool, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	g, err := ugif.Open(ugif.Config{Name: name, Endpoints: ep, MTU: mtu})
	if err != nil {
		return err
	}
	defer g.Close()
	if up {
		if err := ugif.SetUp(name, true); err != nil {
			return err
		}
	}
	ln, err := ugif.Listen(ctl, name)
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- ugif.Serve(ctx, ln, g) }()
	fmt.Fprintf(stderr, "gifsim: %s: tunnel %s, control %s\n", name, ep, ugif.SocketPath(ctl, name))
	runErr := g.Run(ctx)
	stop()
	if err := <-served; err != nil && runErr == nil {
		runErr = fmt.Errorf("%s: control socket: %w", name, err)
	}
	return runErr
}
