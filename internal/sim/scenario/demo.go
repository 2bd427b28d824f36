package scenario

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gifctl/gifctl/internal/sim"
	"github.com/gifctl/gifctl/internal/sim/netns"
)

// Demo is `gifsim demo`, what `make demo` runs: it checks the
// prerequisites, builds gifctl (or copies the one given with -gifctl),
// builds the simulated network, and runs the address change with gifctl
// watch and ifstated (what `gifctl ifstated --watch` prints) at real time,
// printing every event as it happens. The last line says how
// long IPv6 took to come back. Everything is torn down at the end, also on
// failure and on Ctrl-C. prog is gifsim itself (the running binary).
func Demo(args []string, prog sim.Program, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gifsim demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	gifctl := fs.String("gifctl", "", "use this gifctl `binary` instead of building one (go build, from the source tree)")
	scale := fs.Float64("scale", 1, "run ifstated's clock this many times faster than real time")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *scale < 1 {
		fmt.Fprintln(stderr, "usage: gifsim demo [-gifctl FILE] [-scale N]")
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "gifsim demo: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "gifsim demo: an OpenBSD router's ISP changes its IPv4 address; gifctl watch restarts the tunnel at once; IPv6 through the 6in4 tunnel comes back.")
	fmt.Fprintln(stdout, "needs: root, ip(8) (iproute2), /dev/net/tun, raw sockets, network namespaces")
	if err := netns.Check(); err != nil {
		fmt.Fprintf(stderr, "gifsim demo: cannot run: %v\n", err)
		return 1
	}
	if *gifctl == "" {
		if _, err := exec.LookPath("go"); err != nil {
			return fail(errors.New("no go command to build gifctl with; pass -gifctl FILE"))
		}
	}

	dir, err := os.MkdirTemp("", "gifsim-demo-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o700); err != nil {
		return fail(err)
	}
	// Ctrl-C while gifctl builds: stop the build and clean up. Once the
	// network exists, package netns owns SIGINT and SIGTERM: it tears the
	// network down, then the hook removes the directory.
	bctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	path, err := installGifctl(bctx, *gifctl, bin, stdout)
	interrupted := bctx.Err() != nil
	stop()
	if interrupted {
		fmt.Fprintln(stderr, "gifsim demo: interrupted")
		return 130
	}
	if err != nil {
		return fail(err)
	}
	netns.AtSignal(func() { os.RemoveAll(dir) })

	lab, err := netns.New()
	if err != nil {
		return fail(err)
	}
	torn := false
	teardown := func() error {
		if torn {
			return nil
		}
		torn = true
		return lab.CloseAndVerify()
	}
	defer teardown()

	fmt.Fprintf(stdout, "SIM=%s\n", dir)
	fmt.Fprintln(stdout, "seconds  who      what (watch: gifctl watch's messages; ifstated: its state changes, test results that changed, what it runs; router: the messages of the gifctl it runs; pop: the broker)")
	ctx := context.Background()
	w, err := Start(ctx, lab, Options{Program: prog, Gifctl: path, Dir: dir, Scale: *scale, Live: stdout, Watch: true})
	if err != nil {
		return fail(err)
	}
	defer w.Stop()
	// Ctrl-C from here on: the machine stops (killing the tests it runs)
	// before the network goes, or a test it starts meanwhile survives.
	netns.BeforeTeardown(w.Stop)
	w.Logf("all is well: gifctl watch runs, ifstated in state auto, every check true")
	time.Sleep(2 * time.Second) // a quiet moment before the ISP acts

	d, err := AddressChange(ctx, w, 90*time.Second)
	if err != nil {
		return fail(err)
	}
	if err := w.WaitFor(ctx, 60*time.Second, "every check true again", w.AllWell); err != nil {
		return fail(err)
	}
	w.Logf("all is well again: state auto, every check true")
	if err := w.StopWatch(); err != nil {
		return fail(err)
	}
	w.Stop()
	if err := teardown(); err != nil {
		return fail(fmt.Errorf("teardown: %w", err))
	}
	w.Logf("torn down: no namespace and no process left")
	fmt.Fprintf(stdout, "recovered in %.1f s\n", d.Seconds())
	return 0
}

// installGifctl copies the gifctl binary given, or builds one, into bin.
func installGifctl(ctx context.Context, given, bin string, stdout io.Writer) (string, error) {
	if given == "" {
		fmt.Fprintln(stdout, "building gifctl (go build "+gifctlPackage+")")
		return BuildGifctl(ctx, bin)
	}
	data, err := os.ReadFile(given)
	if err != nil {
		return "", err
	}
	path := filepath.Join(bin, "gifctl")
	return path, os.WriteFile(path, data, 0o755)
}
