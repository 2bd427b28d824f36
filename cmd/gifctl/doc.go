// Command gifctl keeps an IPv6-in-IPv4 gif(4) tunnel working on an OpenBSD
// router whose IPv4 address changes. ifstated(8) runs `gifctl check ...` as
// its tests and `gifctl restart` as its actions; see gifctl(8).
//
// This package only wires: main.go maps errors to exit statuses, app.go holds
// what every command shares (configuration, logger, sandbox, lock), and each
// command is one *_cmd.go file with a Run method that tests call directly.
package main
