package ugif

import "sync/atomic"

// Stats counts what a gif did with packets since it started. Tests read them
// to tell "dropped by the far gif" from "never sent".
type Stats struct {
	Sent           uint64 `json:"sent"`             // IPv6 packets sent encapsulated
	SendErrors     uint64 `json:"send_errors"`      // the raw socket refused them (e.g. source not local)
	DroppedUnset   uint64 `json:"dropped_unset"`    // routed to the gif while it had no endpoints
	DroppedNotIPv6 uint64 `json:"dropped_not_ipv6"` // read from the TUN but not IPv6
	Received       uint64 `json:"received"`         // decapsulated and handed to the TUN
	DroppedForeign uint64 `json:"dropped_foreign"`  // protocol 41 from a source other than the remote
	DroppedBad     uint64 `json:"dropped_bad"`      // protocol 41 whose payload is not an IPv6 packet
}

// counters is the live, concurrently updated form of Stats.
type counters struct {
	sent, sendErrors, droppedUnset, droppedNotIPv6 atomic.Uint64
	received, droppedForeign, droppedBad           atomic.Uint64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Sent:           c.sent.Load(),
		SendErrors:     c.sendErrors.Load(),
		DroppedUnset:   c.droppedUnset.Load(),
		DroppedNotIPv6: c.droppedNotIPv6.Load(),
		Received:       c.received.Load(),
		DroppedForeign: c.droppedForeign.Load(),
		DroppedBad:     c.droppedBad.Load(),
	}
}
