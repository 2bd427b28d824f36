// Package checklog remembers each `gifctl check`'s last answer for `gifctl
// status` ("ipv6: false since 12:03:10"). ifstated runs the checks every few
// seconds for years, on routers whose disk may be flash: a result is written
// only when it changed, so a steady state costs one small read per check.
package checklog
