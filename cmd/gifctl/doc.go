// Command gifctl keeps an IPv6-in-IPv4 gif(4) tunnel working on an OpenBSD
// router whose IPv4 address changes. ifstated(8) runs `gifctl check ...` as
// its tests and `gifctl restart` as its actions; see gifctl(8).
//
// This package only wires. main.go parses the flags and maps errors to
// exit statuses; each command is one *_cmd.go file, a kong command that
// implements command (app.go):
//
//	needs()   what it asks for beyond the configuration: root, the lock,
//	          a time bound, and its sandbox plan (a name in bsd's table)
//	prepare() what must come before the sandbox: kernel reads (ioctls,
//	          interface addresses) and sockets
//	work()    the rest, under the sandbox
//
// app.runCommand is the one place that runs them, in the order of
// OpenBSD's ifstated.c main: flags, configuration, root, lock, prepare,
// unveil and pledge (bsd.Plan.Apply), work. A new command declares its
// needs and never repeats that sequence. Its context ends at its time
// bound or at SIGTERM, SIGINT or SIGHUP (bsd.WithSignals), which kills
// what it runs.
package main
