// Package doctor is `gifctl doctor`: a read-only diagnosis of why a 6in4
// tunnel does not work, one finding per fact with its fix.
//
// It works in two steps that never mix. Gathering (gather.go) reads what
// gifctl can see: the configuration, hostname.IF and its owner and mode,
// the kernel's interfaces, endpoints, addresses, MTUs and default route,
// pfctl's verdict on pf-conf and whether pf is enabled, the broker state
// gifctl keeps, and the answers to a few bounded ICMP probes. It writes
// nothing, runs no netstart, loads no rules and sends no update. Judging
// (Judge) turns those Facts, plain data, into Findings, so every rule is
// tested on structs without a router.
//
// A finding is ok, warn (worth knowing, may be intended), fail (something
// to fix; doctor exits 1) or skip (could not be checked: not root, or
// nothing can check it, such as what pf's rules let through).
package doctor
