// Package bsd is gifctl's OS layer: what it asks of the kernel and the base
// system, each behind one small function.
//
//   - interface addresses (ReadLink) and the rules on them: the tunnel
//     source (ChooseSource), a tunnel as it should be (Consistent), what a
//     broker can reach (IsPublicIPv4, IsCGNAT);
//   - gif(4) endpoints (TunnelEndpoints: SIOCGLIFPHYADDR, or ifconfig(8));
//   - address and link changes from the routing socket (AddrWatch);
//   - base-system commands with a deadline and a fixed environment, killed
//     with their process group (Run, WithSignals);
//   - files read without blocking or following links (ReadFile), a lock
//     file (Lock), logging to stderr and syslog, secrets masked (Logger);
//   - unveil(2) and pledge(2) plans per command (PlanFor, Plan.Apply).
//
// OpenBSD-only code is in *_openbsd.go; the rest, kernel byte layouts
// included, is tested on Linux, where GIFCTL_SANDBOX=enforce makes Apply
// enforce the plan with Landlock and seccomp-bpf. Under a plan a forbidden
// system call kills the process, so functions that would make one return
// an error instead.
package bsd
