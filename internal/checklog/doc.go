// Package checklog remembers the last answer of each `gifctl check`, so that
// `gifctl status` can say "ipv6: false since 12:03:10".
//
// ifstated runs the checks every few seconds for years, on routers whose
// disk may be flash: a result is written only when it differs from the one
// on disk, so a steady state costs one small read per check.
package checklog
