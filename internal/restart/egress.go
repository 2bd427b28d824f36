package restart

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// pollInterval is how often RestartEgress looks for the new lease.
const pollInterval = 250 * time.Millisecond

// RestartEgress is the action of ifstated's no_ipv4 state: restart the egress interface
// with `sh NETSTART EGRESS`, wait at most wait for it to get an IPv4
// address (dhcpleased may take a few seconds), then restart the tunnel.
func (j *Job) RestartEgress(ctx context.Context, wait time.Duration) error {
	egress := j.Tunnel.Egress
	if j.DryRun {
		fmt.Fprintln(j.Out, strings.Join(j.netstartArgv(egress), " "))
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
		addrs, err := j.Sys.IPv4Addrs(egress)
		if err == nil && len(addrs) > 0 {
			break
		}
		select {
		case <-waitCtx.Done():
			return fmt.Errorf("%s: no IPv4 address %s after netstart", egress, wait)
		case <-time.After(pollInterval):
		}
	}
	return j.Restart(ctx)
}
