package scenario

import (
	"context"
	"fmt"
	"time"

	"github.com/gifctl/gifctl/internal/sim/netns"
)

// Pinging through the tunnel while waiting for it: a request every
// pingEvery, each waiting up to pingWait, so a reply is seen within about
// pingEvery of the moment the tunnel works.
const (
	pingEvery = 100 * time.Millisecond
	pingWait  = time.Second
)

// WaitIPv6 pings the PoP's IPv6 host from the router, through the tunnel,
// until a reply comes or timeout passes, and returns when the first reply
// came, measured from since.
func (w *World) WaitIPv6(ctx context.Context, since time.Time, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	replied := make(chan time.Time, 1)
	tick := time.NewTicker(pingEvery)
	defer tick.Stop()
	for {
		go func() {
			pctx, cancel := context.WithTimeout(ctx, pingWait)
			defer cancel()
			if w.Lab.Router.Ping(pctx, netns.PoPHost) == nil {
				select {
				case replied <- time.Now():
				default:
				}
			}
		}()
		select {
		case at := <-replied:
			d := at.Sub(since)
			w.ev.Addf("ping", "%s answers through the tunnel", netns.PoPHost)
			return d, nil
		case <-ctx.Done():
			return 0, fmt.Errorf("ping %s through the tunnel: no reply in %s", netns.PoPHost, timeout)
		case <-tick.C:
		}
	}
}
