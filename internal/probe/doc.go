// Package probe is the ICMP echo engine behind `gifctl check ipv4` and
// `gifctl check ipv6`: does one of these targets answer within this time?
// ifstated(8) reads only the exit status, so the answer is a reply or
// ErrNoReply, and the time it takes is bounded.
//
// Open creates the raw socket, binds it to the source address and sets the
// ICMPv6 filter: on OpenBSD before pledge("stdio inet"), as ping(8) does;
// Any only sends and receives. An IPv6 socket bound to the tunnel's inner
// address gets its replies only through the tunnel, so native IPv6 on
// another interface cannot make a dead tunnel look alive; when that address
// is gone, Open's error matches ErrNoSource ("no IPv6 through the tunnel").
//
// Any sends an echo request to every target at once, again every 200 ms
// with the next sequence number, and returns at the first valid reply: a
// lost packet costs one interval, not the check. A raw socket sees every
// ICMP packet the host gets; one counts only if it is an echo reply (never
// a request or an error quoting ours), with a correct checksum (ICMPv4; the
// kernel checks ICMPv6), this Prober's random identifier, a sequence number
// this Any call sent, and one of the targets as its source.
//
// Any's reads and sends take their deadline from its context, and a
// cancellation wakes them at once, so it returns within milliseconds of the
// deadline whatever the network does. A failed send (ENETUNREACH, a link
// going down) means "no reply from there": Any keeps trying and reports the
// last send error inside its ErrNoReply error, for gifctl -v. The kernel
// fills in ICMPv6 checksums of raw sockets (RFC 3542 section 3.1).
package probe
