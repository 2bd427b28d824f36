// Package ifstated writes the ifstated.conf(5) file that drives gifctl
// from ifstated(8): Check refuses a configuration the file cannot express,
// Render prints the file (gifctl ifstated). The file's header says how
// ifstated runs it and what each state is for; testdata/*.golden show it.
//
// States, with one tunnel gif0 (with several, every test and state that
// concerns one tunnel carries its name: gif1_ok, no_ipv6_gif1):
//
//	auto     all works. gif0_ok (check tunnel, every 5 s) turning false
//	         means the egress address changed: restart gif0 at once.
//	no_ipv4  check ipv4 fails: restart --egress for each egress interface
//	         (then restart the other tunnels on it), until IPv4 works.
//	no_ipv6  gif0 agrees with the egress address but check ipv6 fails:
//	         restart gif0, which also tells the broker, until IPv6 works.
//
// Without a check ipv4 block there is no no_ipv4 state: check tunnel also
// fails when the egress interface has no IPv4 address, and restart is
// retried until the lease is back. Without a check ipv6 block there is no
// no_ipv6 state. The conditions of a state's set-state ifs exclude each
// other, so the order of the body does not matter.
//
// Retrying. ifstated evaluates a state only when a test changes, so a
// restart that fails, leaving every test as it was, would never be tried
// again. Each repair condition therefore ends in $retry, always true
// (X || ! X) but holding a test whose exit status flips every minute. Two
// states sending each other back would not do: a body is evaluated on
// entry, so they would restart in a tight loop while the repair fails.
//
// The heartbeat test stands in a global if, so that it runs every minute
// whatever the state; when a beat cannot be sent, the if runs restart,
// which does nothing when all agrees.
//
// With Options.Watch (gifctl ifstated --watch) the file leaves address
// changes to gifctl watch, which the routing socket wakes at once: no
// check tunnel test, and no_ipv6 entered and left on check ipv6 alone.
// auto runs only check ipv6, every 3 minutes (IPv6 through the tunnel
// shows that IPv4 works too; no_ipv6 checks both every 30 s on entry and
// after), or check ipv4 when there is no check ipv6 block. With several
// tunnels its conditions hold $retry too, for the reason above.
//
// Known and harmless: when a restart succeeds after an IPv6 check ran on the
// broken tunnel, the fresh tunnel check and the stale IPv6 result send the
// machine through no_ipv6, whose entry checks IPv6 again and returns to auto.
package ifstated
