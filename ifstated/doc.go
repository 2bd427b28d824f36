// Package ifstated writes the ifstated.conf(5) file that drives gifctl
// from ifstated(8): Check refuses a configuration the file cannot express,
// Render prints the file (gifctl ifstated).
//
// # The generated file
//
// Render's file uses only these gifctl commands, with -f FILE after gifctl
// when the configuration is not /etc/gifctl.conf:
//
//	check tunnel IF                      every 5 s, local, no packets
//	check ipv4                           every 30 s (3 x timeout if longer)
//	check ipv6, check ipv6 --tunnel IF   likewise; --tunnel with several tunnels
//	heartbeat IF                         every 60 s, for tunnels with heartbeat
//	restart IF, restart --egress IF      the actions
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
// Without a check ipv4 block there is no no_ipv4 state ("check ipv4" with
// neither block nor targets is a usage error): check tunnel also fails when
// the egress interface has no IPv4 address, restart then fails until the
// lease is back, and the retry below runs it again. Without a check ipv6
// block there is no no_ipv6 state. The conditions of a state's set-state
// ifs exclude each other, so the order of the body does not matter.
//
// Retrying. Since ifstated evaluates a state only when a test changes, a
// restart that fails, leaving every test as it was, would never be tried
// again. Each repair condition therefore ends in $retry, a macro that is
// always true (X || ! X) but names a test whose exit status flips every
// minute: "exit $(( $(/bin/date +%s) / 60 % 2 ))" every 30. Its flip makes
// ifstated evaluate the current state at least once a minute, so a failed
// repair is retried once a minute (and at once when another test changes),
// and a change ifstated noted but did not act on (eval_state's guard) is
// acted on within a minute. Alternating states alone would not do: a body
// is evaluated on entry, so two states that send each other back while the
// repair fails would restart in a tight loop; only a test that changes with
// time can space the attempts, and $retry is that test.
//
// The heartbeat test stands in a global if, so that it runs every minute
// whatever the state and is not run again on each state change; when a beat
// cannot be sent, the if runs restart, which does nothing when all agrees.
//
// With Options.Watch (gifctl ifstated --watch) the file leaves address
// changes to gifctl watch, which the routing socket wakes at once: no
// check tunnel test, no restart on its failure, and no_ipv6 entered and
// left on check ipv6 alone. A configuration with neither check block would
// leave ifstated nothing to do, and Check refuses it.
//
// Known and harmless: when a restart succeeds after an IPv6 check ran on the
// broken tunnel, the fresh tunnel check and the stale IPv6 result send the
// machine through no_ipv6, whose entry checks IPv6 again and returns to auto.
package ifstated
