// Command gifsim is the simulation's multi-call program: the userspace gif
// daemon, the netstart, ifconfig and dhcpleased stand-ins and the broker
// (see package github.com/gifctl/gifctl/internal/sim/gifsim), and
// `gifsim demo`, the address-change scenario shown live (`make demo`; see
// package github.com/gifctl/gifctl/internal/sim/scenario).
package main
