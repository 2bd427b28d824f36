// Package sim is the end-to-end simulation of gifctl's world on Linux: an
// OpenBSD router with a 6in4 gif tunnel to a broker's PoP, whose IPv4
// address the ISP changes.
//
// No OpenBSD machine and no sit/gre/ipip kernel module is available, so the
// pieces are stand-ins that behave the same from the outside:
//
//   - netns builds the network (router, isp, pop namespaces) and always
//     tears it down;
//   - ugif is gif(4) in userspace: TUN device plus raw protocol-41 socket,
//     endpoints changeable in place, foreign senders dropped;
//   - gifsim is the multi-call program: the gif daemon, the netstart,
//     ifconfig and dhcpleased stand-ins that apply and print hostname.if
//     files the OpenBSD way, and the tunnel broker (HE's update endpoint,
//     which pings a new endpoint and then moves the PoP's end);
//   - standin writes the netstart, ifconfig and pfctl scripts that gifctl
//     runs in every test of its world; here they hand over to gifsim;
//   - ifstatedsim reads and runs ifstated.conf as ifstated(8) does;
//   - scenario drives the real gifctl binary under the ifstated.conf it
//     generates, run by ifstatedsim.Machine, through the cases users meet
//     (address change, lost lease, badauth, abuse, NAT, broken pf.conf),
//     and is the demo (`make demo`).
//
// This package ties them together (StartGif, StartPoP) and holds the tests
// that drive the whole: a tunnel that carries real protocol-41 packets
// between the namespaces, breaks when the router is renumbered, and works
// again once both ends are told the new address. Test binaries double as
// gifsim (gifsim.RunIfRequested in TestMain), so no go build is needed.
package sim
