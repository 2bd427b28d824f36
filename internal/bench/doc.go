// Package bench measures what gifctl costs a small router and how fast it
// brings IPv6 back, against what people run today (an ifstated.conf
// that runs `ping -c1 -w1` every 60 s), and writes the figures as BENCHMARKS.md. The
// program is cmd/benchgifctl, run by `make bench` (scripts/bench.sh).
//
// What is measured, each figure next to its reference, as a ratio:
//
//   - the cost of one process: `gifctl check tunnel`, `check ipv4`,
//     `check ipv6` and `gifctl -n`, median wall time and peak resident set,
//     beside `ping -c1 -w1` to the same live target, /bin/true and an empty
//     static Go program, all run in a network namespace (World) with a live
//     and a silent target. `check tunnel` also runs with a static Go
//     stand-in for ifconfig that prints what the shell stand-in prints for
//     gif0 (World.UseStaticIfconfig): no Go program can start faster than
//     the empty one, so that is the floor its target is measured against;
//   - probes of [silent, live]: gifctl's any-of against the usual
//     sequential `ping || ping`;
//   - a restart with nothing to do: its time, and proof that it wrote and
//     called nothing (file inodes and mtimes, the stand-ins' call log, the
//     test broker's requests);
//   - recovery after the ISP renumbers the router, in the simulation of
//     package internal/sim/scenario: the generated ifstated.conf, and
//     gifctl watch beside the ifstated.conf of `gifctl ifstated --watch`,
//     against one in the usual ping shape, from the change to the first
//     IPv6 echo reply, with when the first restart started and how long
//     it took;
//   - the monitoring cost per day of each arrangement while all is well
//     (Arrangement): the tests ifstated runs in its start state, each
//     `/bin/sh -c` every N seconds, their runs a day times the CPU time of
//     one run; for gifctl watch also its own CPU time while idle, from its
//     threads' run time (/proc/PID/task/*/schedstat) over a fixed window
//     scaled to a day, and its safety-net pass every 10 minutes, costed as
//     what a second watch run with --every 1s uses beyond the idle one;
//   - the stripped binary's size for openbsd/amd64 and openbsd/arm64;
//   - the Go benchmarks of the parsers (`go test -bench`).
//
// # How a process is measured
//
// Wall time is taken around fork, exec and wait in the harness, with the
// commands interleaved round by round so that the machine's background
// load spreads evenly over all of them; the median is reported.
//
// Peak RSS is not taken from the harness's own wait4: on Linux a child
// forked by a Go program (vfork, or fork) inherits the parent's resident
// set as its high-water mark at exec (fs/exec.c, exec_mmap records the old
// mm's hiwater_rss in signal->maxrss), so every child of a 20 MB harness
// would show at least 20 MB. It is measured through /usr/bin/time, a small
// C program, whose own ~1 MB is the floor /bin/true shows; without it, a
// re-exec of the harness as a minimal Go helper (RSSHelper) does the fork,
// with a floor of about 2.5 MB.
//
// # How gifctl watch's CPU time is read
//
// /proc/PID/stat counts utime and stime in clock ticks of 10 ms, and an
// idle watch uses well under one tick in half a minute: scaled to a day,
// a tick more or less would be 29 s. The scheduler's run time of each
// thread (schedstat) is in nanoseconds; the report gives the ticks too.
// Its children (the ifconfig of a pass) are counted from cutime and
// cstime, over enough passes for the ticks not to matter.
package bench
