package gifsim

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// leasePoll is how often the DHCP client stand-in looks at its lease: the
// simulation's stand-in for DHCP's exchanges.
const leasePoll = 100 * time.Millisecond

// dhcpleasedMain is the stand-in for dhcpleased(8) on one interface: it
// follows the lease the simulated ISP offers (see WriteLease), putting its
// address and default route on the interface, and taking them away when
// the offer is withdrawn. `ifconfig IF inet autoconf` starts it; a second
// one for the same interface exits at once.
func dhcpleasedMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gifsim dhcpleased", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ifname := fs.String("if", "em0", "`interface` to configure")
	ctl := fs.String("ctl", ctlDir(), "control `directory` holding IF.lease")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := runDhcpleased(ctx, *ctl, *ifname, stderr); err != nil {
		fmt.Fprintf(stderr, "gifsim: dhcpleased: %s: %v\n", *ifname, err)
		return 1
	}
	return 0
}

func runDhcpleased(ctx context.Context, ctl, ifname string, log io.Writer) error {
	lock, err := os.OpenFile(filepath.Join(ctl, ifname+".dhcpleased.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return nil // one is running already: it will see the lease
	}
	fmt.Fprintf(log, "dhcpleased: %s: following %s\n", ifname, LeasePath(ctl, ifname))
	var applied lease
	tick := time.NewTicker(leasePoll)
	defer tick.Stop()
	for {
		l, err := readLease(ctl, ifname)
		if err != nil {
			fmt.Fprintf(log, "dhcpleased: %v\n", err)
		} else if l != applied {
			if err := applyLease(ifname, l); err != nil {
				fmt.Fprintf(log, "dhcpleased: %s: %v\n", ifname, err)
			} else {
				fmt.Fprintf(log, "dhcpleased: %s: lease %s\n", ifname, l)
				applied = l
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
