// Package heartbeat speaks the SixXS heartbeat: a UDP datagram to the
// PoP's IPv4 address, port 3740, that says "this tunnel is alive, and its
// IPv4 end is here" (aiccu common/heartbeat.c sends it; sixxsd src/hb.c
// checks it).
//
// The datagram is one line of text:
//
//	HEARTBEAT TUNNEL <inner IPv6> <sender|IPv4> <unix time> <md5>
//
// where md5 is the lowercase hex MD5 of the same line with the tunnel's
// heartbeat password in place of the hash. "sender" asks the PoP to take
// the datagram's source address as the tunnel's IPv4 end, which works
// behind NAT; an explicit IPv4 must equal that source address or the beat
// is dropped.
//
// The inner address is written in lowercase compressed form, as SixXS
// asked its users to. sixxsd hashes the address text as it
// arrives, so what matters is that the hashed and the sent text are the
// same; Message builds both from one string.
//
// No trailing newline: the datagram is exactly the line, as aiccu sends
// it. heartbeat6.tcl, the Cisco IOS script, writes it with puts, which adds "\n"; both
// versions of sixxsd's hb.c cut trailing CR and LF before parsing, so either
// is accepted, and without it the bytes on the wire are the bytes hashed.
//
// The PoP sends no answer, and it silently drops a beat whose time is more
// than 120 s off its own clock (CLOCK_OFF in hb.c). A router without a
// battery-backed clock that boots in 1970, or at its last file system
// time, would beat in vain: CheckClock refuses a clock that is before the
// build date of gifctl, so the failure is named instead.
//
// The password is a secret: it is hashed, never sent, and never appears in
// an error of this package.
package heartbeat
