// Command gifctl keeps an IPv6-in-IPv4 gif(4) tunnel working on an OpenBSD
// router whose IPv4 address changes; see gifctl(8). main.go parses the flags
// and maps errors to exit statuses; each *_cmd.go file is one kong command,
// which declares its needs (root, the lock, a time bound, a sandbox plan of
// bsd's table), does in prepare what must come before the sandbox (kernel
// reads, sockets) and the rest in work. app.runCommand alone runs them, in
// the order of OpenBSD's ifstated.c main: flags, configuration, root, lock,
// prepare, unveil and pledge (bsd.Plan.Apply), work. The context ends at the
// time bound or at SIGTERM, SIGINT or SIGHUP (bsd.WithSignals), which kills
// what it runs.
package main
