// Command benchgifctl measures gifctl (package
// github.com/gifctl/gifctl/internal/bench) and writes BENCHMARKS.md.
// `make bench` runs it through scripts/bench.sh, as root, from the
// module's root, after building ./gifctl:
//
//	benchgifctl -gifctl ./gifctl -out BENCHMARKS.md
//
// It measures, in this order: the stripped binary's size for OpenBSD, the
// Go benchmarks of the parsers, then in a network namespace a restart with
// work and restarts with nothing to do, the cost of each process, a CPU
// profile of check tunnel (when perf is installed), the probes and the
// monitoring cost per day of each arrangement (ifstated's tests, gifctl
// watch idle for -watch-window), and last the recovery after an address
// change in the simulation: under the ping-style ifstated.conf, gifctl's
// generated one, and gifctl watch. -quick takes a few samples of each, for
// trying the harness out; -budget bounds the whole run.
//
// The same binary serves as the simulation's gifsim (GIFSIM_EXEC=1) and,
// as `benchgifctl -rss-helper OUT CMD...`, as the small parent that reads
// a child's peak RSS when /usr/bin/time is missing.
package main
