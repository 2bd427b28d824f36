// Package doctor is `gifctl doctor`: a read-only diagnosis of why a 6in4
// tunnel does not work, one finding per fact with its fix. Open and Finish
// gather Facts (the configuration, hostname.IF with its owner and mode, the
// kernel's interfaces, endpoints, MTUs and default route, pfctl's verdict,
// the broker state, a few bounded ICMP probes) and change nothing; Judge
// turns those plain data into Findings, so every rule is tested without a
// router. A finding is ok, warn (worth knowing, may be intended), fail (to
// fix; doctor exits 1) or skip (not checked: not root, or nothing can check
// it, such as what pf's rules let through).
package doctor
