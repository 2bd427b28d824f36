// Package brokertest is a stand-in for Hurricane Electric's tunnel-endpoint
// update (GET /nic/update?hostname=TUNNELID[&myip=IPV4], Basic auth), for
// the broker package's tests and the network-namespace simulation.
//
// It answers as HE's /nic/update does: credentials in Basic auth or in
// username=/password=, else "badauth"; an unknown tunnel id is "nohost";
// myip when given, else the request's source address; "nochg IP" when the
// tunnel already has the address; "abuse" once a tunnel has had 3 updates
// within 60 s; an optional ping of the new endpoint before it is taken
// ("-ERROR: IP is not ICMP pingable..." when it fails). Tests can also force
// an answer, or make it hang or trickle its answer a byte a second.
//
// It serves over HTTPS with a CA made at run time (ECDSA P-256); the CA's
// PEM goes to a file the client is given as its ca-file.
package brokertest
