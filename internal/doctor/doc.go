// Package doctor is `gifctl doctor`: a read-only diagnosis of why a 6in4
// tunnel does not work, one finding per fact with its fix.
//
// Gathering (Open, Finish) reads what gifctl can see: the configuration,
// hostname.IF with its owner and mode, the kernel's interfaces, endpoints,
// MTUs and default route, pfctl's verdict on pf-conf, the broker state and
// a few bounded ICMP probes; it changes nothing. Judge turns those Facts,
// plain data, into Findings, so every rule is tested without a router.
//
// A finding is ok, warn (worth knowing, may be intended), fail (to fix;
// doctor exits 1) or skip (not checked: not root, or nothing can check it,
// such as what pf's rules let through).
package doctor
