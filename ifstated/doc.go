// Package ifstated writes the ifstated.conf(5) file that drives gifctl
// from ifstated(8): Check refuses a configuration the file cannot express,
// Render prints the file (gifctl ifstated). The file's header says how
// ifstated runs it, why each repair ends in $retry, and what each state is
// for; testdata/*.golden show it. With several tunnels, every test and
// state that concerns one carries its name (gif1_ok, no_ipv6_gif1).
//
// Why it is shaped so:
//   - Without a check ipv4 block there is no no_ipv4 state: check tunnel
//     also fails while the egress has no IPv4 address, and restart is tried
//     again every minute until the lease is back. Without check ipv6 there
//     is no no_ipv6.
//   - The conditions of a state's set-state ifs exclude each other, so the
//     order of a body does not matter.
//   - $retry, not two states sending each other back: a body is evaluated
//     on entry, so they would restart in a tight loop while a repair fails.
//   - The heartbeat test stands in a global if, so that it runs every
//     minute whatever the state; when a beat cannot be sent, the if runs
//     restart, which does nothing when all agrees.
//   - With Options.Watch, auto runs only check ipv6 (IPv6 through the
//     tunnel shows that IPv4 works too), or check ipv4 without a check ipv6
//     block, every watchIdleEvery; no_ipv6 checks both every 30 s. With
//     several tunnels auto's conditions hold $retry too: a change one test
//     reports before the others ran again in the state is noted but not
//     acted on (ifstated.c, eval_state), and nothing else would change.
//
// Known and harmless: when a restart succeeds after an IPv6 check ran on the
// broken tunnel, the fresh tunnel check and the stale IPv6 result send the
// machine through no_ipv6, whose entry checks IPv6 again and returns to auto.
package ifstated
