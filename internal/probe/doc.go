// Package probe is the ICMP echo engine behind `gifctl check ipv4` and
// `gifctl check ipv6`: is at least one of these targets reachable, within
// this time? ifstated(8) reads nothing but the exit status, so the answer
// is a reply or ErrNoReply, and the time it takes is bounded.
//
// # Opening and probing are separate
//
// Open creates the raw socket ("ip4:icmp" or "ip6:ipv6-icmp"), binds it to
// the source address and sets the ICMPv6 filter. On OpenBSD all of that must
// happen before pledge("stdio inet"), as in ping(8); Any only sends and
// receives, which "stdio inet" allows.
//
// Binding the IPv6 socket to the tunnel's inner address makes the probes
// leave from it. Their replies can then only come back through the tunnel,
// so native IPv6 on another interface cannot make a dead tunnel look alive.
// When the address is not configured (the tunnel interface is gone) Open
// fails with an error that matches ErrNoSource: the caller should read that
// as "no IPv6 through the tunnel", not as a usage error.
//
// # One round to all targets, repeated
//
// Any sends one echo request to every target at once, then again every
// Interval (200 ms by default) while it waits, each round with the next
// sequence number. It returns at the first valid reply, so a check of
// [dead, alive] costs the live target's round trip, and one lost packet
// costs one interval, not the check.
//
// # What counts as a reply
//
// A raw ICMP socket receives a copy of every ICMP packet the host gets:
// other processes' echo replies, echo requests (on loopback also our own,
// going out), errors, router advertisements. A packet counts only when all
// of these hold:
//   - it is an echo reply (ICMP type 0, ICMPv6 type 129); echo requests and
//     ICMP errors (unreachable, time exceeded, ...) never count, not even
//     the ones quoting our request;
//   - an ICMPv4 message has a correct checksum (the kernel checks ICMPv6);
//   - its identifier is this Prober's, chosen at random per Open;
//   - its sequence number is one this Any call sent;
//   - it comes from one of the targets.
//
// The round trip is measured from the sending of the round whose sequence
// number the reply carries.
//
// # The time bound
//
// Any reads with deadlines taken from its context and wakes at once when
// the context is cancelled, so it returns within a few milliseconds of the
// context's deadline whatever the network does. Sends are bounded by the
// same deadline. A failed send (ENETUNREACH, ENETDOWN, EHOSTUNREACH, a
// link going down in the middle of a check) means "no reply from there",
// not a broken check: Any keeps trying until the deadline and reports the
// last send error inside the noReplyError, for gifctl -v.
//
// ICMPv4 checksums are computed here; ICMPv6 checksums are left to the
// kernel, which computes them for raw ICMPv6 sockets (RFC 3542 section
// 3.1; Linux and OpenBSD both do), since the source address is the
// kernel's choice when the socket is not bound.
package probe
