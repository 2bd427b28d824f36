// Package heartbeat speaks the SixXS heartbeat: one UDP datagram to the
// PoP's IPv4 address, port 3740, saying "this tunnel is alive, its IPv4 end
// is here" (aiccu common/heartbeat.c sends it; sixxsd src/hb.c checks it).
// It is one line without a newline, as aiccu sends it (hb.c cuts trailing
// CR and LF, so heartbeat6.tcl's puts works too):
//
//	HEARTBEAT TUNNEL <inner IPv6> <sender|IPv4> <unix time> <md5>
//
// md5 is the lowercase hex MD5 of the line with the password in place of
// the hash; sixxsd hashes the address text as it arrives, so Message builds
// the hashed and the sent text from one string. "sender" makes the PoP take
// the datagram's source address, which works behind NAT; an explicit IPv4
// must equal it. The PoP answers nothing and drops a beat more than 120 s
// off its clock (CLOCK_OFF in hb.c). The password is never sent or in an error.
package heartbeat
