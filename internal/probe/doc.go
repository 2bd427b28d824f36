// Package probe is the ICMP echo engine of `gifctl check ipv4` and `gifctl
// check ipv6`: does one of these targets answer within this time?
//
// Open creates and binds the raw socket, on OpenBSD before pledge("stdio
// inet") as ping(8) does; Any only sends and receives. An IPv6 socket bound
// to the tunnel's inner address gets replies only through the tunnel, so
// native IPv6 cannot make a dead tunnel look alive.
//
// Any sends a request to every target at once, again every 200 ms, and
// returns at the first valid reply. A raw socket sees every ICMP packet the
// host gets; one counts only if it is an echo reply (not a request, nor an
// error quoting ours) with a correct checksum (ICMPv4; the kernel checks
// ICMPv6 and fills it in, RFC 3542 section 3.1), this Prober's random id, a
// sequence number this call sent, and a target as its source. Its context
// bounds and wakes its reads and sends. A failed send (ENETUNREACH, a link
// going down) means "no reply from there": Any keeps trying, and its
// ErrNoReply error names the last send error.
package probe
