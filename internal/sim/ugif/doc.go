// Package ugif is a userspace stand-in for OpenBSD's gif(4) on Linux: an
// IPv6-in-IPv4 (protocol 41) tunnel interface built from a TUN device and a
// raw IPv4 socket.
//
// Why userspace: the machines that test gifctl run Linux kernels without
// sit, gre or ipip, so the kernel cannot carry 6in4 itself. gifctl only
// needs what gif(4) offers from the outside, and that is small enough to
// mirror faithfully in a process:
//
//   - An interface named like the real one (gif0) that IPv6 routes and
//     addresses can point at: a TUN device, IFF_TUN|IFF_NO_PI, MTU 1280 by
//     default like gif(4) (GIF_MTU, range 1280-8192).
//   - Tunnel endpoints (`ifconfig gif0 tunnel SRC DST`, SIOCSLIFPHYADDR)
//     that can be changed in place without destroying the interface, and read
//     back (SIOCGLIFPHYADDR). Like the kernel, ugif does not insist that the
//     source is a local address; packets simply cannot leave from an address
//     the host does not have.
//   - Output: every IPv6 packet routed to the interface leaves as the payload
//     of an IPv4 packet, protocol 41, from the tunnel source to the tunnel
//     destination, TTL 64 and DF clear ("ttl 64 nodf" in ifconfig), the ECN
//     bits of the inner traffic class copied to the outer TOS ("ecn").
//     Without endpoints the packet is dropped, as gif_output does.
//   - Input: a protocol-41 packet is taken only if its outer destination is
//     the tunnel source and its outer source is the tunnel destination; any
//     other sender is dropped and counted. This is the property the
//     simulation leans on: after the ISP renumbers the router, the broker's
//     gif ignores the router until its remote is changed, as a real PoP does.
//
// The kernel builds the outer IPv4 header: the raw socket is bound to the
// tunnel source (with IP_FREEBIND, so a source the host does not have yet is
// accepted, as gif(4) accepts it) and sends to the destination. Binding also
// makes the kernel deliver only packets addressed to the source; the outer
// source is checked here, so drops can be counted. Outer CE marks are not
// copied inward (Go hands back the payload without the IPv4 header).
//
// A running gif is controlled through a unix socket, one per interface, in a
// run directory: DIR/gif0.sock. One JSON request per connection asks for the
// status (endpoints and counters) or sets or deletes the endpoints. The
// stand-in ifconfig in ../gifsim speaks it; Get, SetTunnel, DeleteTunnel and
// Wait are the client side, Serve the server side.
//
// The TUN and socket code is Linux-only (gif_linux.go); elsewhere Open
// returns an error naming the OS. The control protocol is portable.
package ugif
