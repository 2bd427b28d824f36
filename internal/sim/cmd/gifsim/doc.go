// Command gifsim is the simulation's multi-call test program: the userspace
// gif daemon and the netstart and ifconfig stand-ins. See package
// github.com/gifctl/gifctl/internal/sim/gifsim.
package main
