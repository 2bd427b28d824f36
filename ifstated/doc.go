// Package ifstated writes the ifstated.conf(5) file that drives gifctl
// from ifstated(8): Check refuses a configuration the file cannot express,
// Render prints the file (gifctl ifstated). The file's own comments say how
// ifstated runs it and what each state is for; testdata/*.golden show it.
//
// Why it is shaped so, beyond what the file says:
//   - The conditions of a state's set-state ifs exclude each other, so the
//     order of a body does not matter.
//   - $retry, not two states sending each other back: a body is evaluated
//     on entry, so they would restart in a tight loop while a repair fails.
//
// Known and harmless: when a restart succeeds after an IPv6 check ran on the
// broken tunnel, the fresh tunnel check and the stale IPv6 result send the
// machine through no_ipv6, whose entry checks IPv6 again and returns to auto.
// And when $retry's minute flips in the 5 s before check tunnel runs again
// after a repair, its last, stale failure starts a restart with nothing to do.
package ifstated
