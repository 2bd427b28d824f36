package main

// CheckCmd groups the checks ifstated runs as external tests; the exit status answers.
type CheckCmd struct {
	Tunnel checkTunnelCmd `cmd:"" help:"True when the tunnel's endpoints are the egress address and the remote. No packets."`
	IPv4   checkIPv4Cmd   `cmd:"" name:"ipv4" help:"True when any target answers an ICMP echo within the timeout."`
	IPv6   checkIPv6Cmd   `cmd:"" name:"ipv6" help:"True when any target answers an ICMPv6 echo sent from the tunnel's inner address."`
}
