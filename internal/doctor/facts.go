package doctor

import (
	"io/fs"
	"net/netip"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/broker"
)

// Facts is what doctor knows of one tunnel: gathered, or built by tests.
type Facts struct {
	Tunnel, Egress      string
	Remote, Inner, Peer netip.Addr // the tunnel block's, else hostname.IF's
	ConfInner, ConfPeer netip.Addr // the tunnel block's inet6 ... peer, if any
	UpdateHost          string     // the update-url's host; "" without one
	Heartbeat           bool
	Root                bool // raw sockets and /dev/pf need it

	Hostname  Hostname
	Kernel    Kernel
	PF        PF
	Broker    *broker.State // gifctl's record of the broker's answers; nil without an update-url
	BrokerErr error         // the record could not be read
	Peer6     Probe         // ICMPv6 echo to Peer from Inner, through the tunnel
	Targets6  Probe         // ICMPv6 echo to the check ipv6 targets from Inner
	Remote4   Probe         // ICMP echo to Remote
}

// Hostname is hostname.IF as netstart and gifctl read it.
type Hostname struct {
	Path         string
	Err          error // it could not be read (fs.ErrNotExist: missing)
	UID, GID     int
	Mode         fs.FileMode
	Source, Dest netip.Addr // of the tunnel line netstart leaves in force
	Inner, Peer  netip.Addr
	Route        bool     // a ! line adds the IPv6 default route
	CRLF         []int    // lines ending in CR LF
	Differs      []string // lines netstart reads otherwise than gifctl
}

// Kernel is what the kernel says now.
type Kernel struct {
	Egress, Gif       bsd.Link
	EgressErr, GifErr error
	Source, Dest      netip.Addr // the gif's tunnel endpoints
	EndpointsErr      error
	Route             bool // an IPv6 default route out of the gif
	RouteErr          error
}

// PF is pfctl's view: whether pf-conf parses and pf is enabled.
type PF struct {
	Conf    string // pf-conf; "" when gifctl leaves pf alone
	ConfErr error  // from pfctl -n -f
	Enabled bool
	InfoErr error // pfctl -s info could not tell
}

// Probe is one bounded round of echo requests.
type Probe struct {
	Targets []netip.Addr
	Skipped string // why it was not sent; "" when it was
	Err     error  // nil: a reply came
}
