package main

// CheckCmd groups the checks ifstated runs as external tests. Their exit
// status is their answer: 0 true, 1 false, 2 bad usage or configuration.
type CheckCmd struct {
	Tunnel checkTunnelCmd `cmd:"" help:"True when the tunnel's source is the egress interface's IPv4 address and its destination the remote. No packets; cheap enough for every 5 seconds."`
	IPv4   checkIPv4Cmd   `cmd:"" name:"ipv4" help:"True when any target answers an ICMP echo within the timeout."`
	IPv6   checkIPv6Cmd   `cmd:"" name:"ipv6" help:"True when any target answers an ICMPv6 echo, sent from the tunnel's inner address, within the timeout."`
}

// Help is the long help of gifctl check --help.
func (c *CheckCmd) Help() string {
	return `Each check answers with its exit status: 0 true, 1 false, 2 bad usage or
configuration. It prints nothing unless -v, and never runs longer than its
timeout by more than a small margin, so that ifstated never blocks on it.

Examples (ifstated.conf):
  gif0_ok = '( "/usr/local/sbin/gifctl check tunnel gif0" every 5 )'
  ipv6_up = '( "/usr/local/sbin/gifctl check ipv6" every 30 )'`
}
