// Package bsd is gifctl's OS layer, each thing it asks of the kernel and the
// base system behind one small function:
//
//   - interface addresses and the rules on them (ReadLink, ChooseSource,
//     Consistent, NotPublic, IsCGNAT); gif(4) endpoints (TunnelEndpoints);
//   - routing-socket notices (AddrWatch);
//   - commands run with a deadline in their own process group (Run);
//   - files read safely and written atomically (ReadFile, WriteFile), a lock
//     file (Lock), logging to stderr and syslog with secrets masked (Logger);
//   - unveil(2) and pledge(2) plans (PlanFor, Plan.Apply).
//
// OpenBSD-only code is in *_openbsd.go; the rest, kernel byte layouts included,
// is tested on Linux, where GIFCTL_SANDBOX=enforce makes Plan.Apply enforce the
// plan with Landlock and seccomp-bpf. Under a plan a forbidden system call
// kills the process, so functions that would make one return an error instead.
package bsd
