package config

import (
	"net/netip"
	"net/url"
	"time"
)

// Defaults for the set options, the paths of a stock OpenBSD system.
const (
	defaultHostnameDir  = "/etc"
	defaultStateDir     = "/var/db/gifctl"
	defaultNetstart     = "/etc/netstart"
	defaultPfctl        = "/sbin/pfctl"
	defaultIfconfig     = "/sbin/ifconfig"
	defaultCAFile       = "/etc/ssl/cert.pem"
	DefaultCheckTimeout = time.Second
)

// Config is a parsed gifctl.conf(5). Every value is typed; nothing in it is
// a raw string from the file except paths, which are checked to be absolute
// and free of shell metacharacters.
type Config struct {
	File string // the path it was read from, for messages

	HostnameDir string // set hostname-dir
	StateDir    string // set state-dir
	Netstart    string // set netstart
	Pfctl       string // set pfctl
	Ifconfig    string // set ifconfig
	PfConf      string // set pf-conf; "" leaves pf alone
	CAFile      string // set ca-file

	IPv4 *Check // check ipv4 { }; nil when absent
	IPv6 *Check // check ipv6 { }; nil when absent

	Tunnels []*Tunnel // in file order; at least one
}

// Check is a check ipv4|ipv6 block.
type Check struct {
	Targets []netip.Addr
	Timeout time.Duration // DefaultCheckTimeout when not set
	Line    int
}

// Tunnel is a tunnel IF { } block.
type Tunnel struct {
	Name   string     // gif interface, e.g. "gif0"
	Egress string     // interface whose IPv4 address is the tunnel source
	Remote netip.Addr // broker's IPv4 end; invalid when not set
	Inet6  netip.Addr // inner address; invalid when not set
	Peer   netip.Addr // inner peer; invalid when not set
	MTU    int        // 0 when not set
	// Inet6Len is the prefix length written after inet6 or peer, as the
	// broker's page shows it; 0 when none. A gif tunnel is point to point:
	// hostname.IF gets prefixlen 128 and dest whatever it is.
	Inet6Len int

	// UpdateURL is the broker's update URL, credentials included in
	// User. It is a secret: print it only through broker.Redact.
	UpdateURL *url.URL
	// Heartbeat is the SixXS heartbeat password, "" when not set. A secret.
	Heartbeat string

	Line int // line of the tunnel keyword
}
