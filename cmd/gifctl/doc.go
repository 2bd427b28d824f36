// Command gifctl keeps an IPv6-in-IPv4 gif(4) tunnel working on an OpenBSD
// router whose IPv4 address changes; see gifctl(8).
//
// main.go parses the flags and maps errors to exit statuses. Each *_cmd.go
// file is one kong command (app.go's command): its needs, what it must prepare
// before the sandbox (kernel reads, sockets), and its work under the sandbox.
//
// app.runCommand alone runs them, in the order of OpenBSD's ifstated.c
// main: flags, configuration, root, lock, prepare, unveil and pledge
// (bsd.Plan.Apply), work. The context ends at the time bound or at SIGTERM,
// SIGINT or SIGHUP (bsd.WithSignals), which kills what it runs.
package main
