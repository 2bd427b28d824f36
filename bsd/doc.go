// Package bsd is gifctl's OS layer: the few things it asks of the kernel
// and of the base system, each behind one small function.
//
//   - interface addresses (IPv4Addrs, ReadLink), the rule that picks the
//     tunnel source (ChooseSource), the one that says whether a tunnel is
//     as it should be (Consistent), and which addresses a broker can reach
//     (IsPublicIPv4, IsCGNAT);
//   - gif(4) tunnel endpoints (TunnelEndpoints: the SIOCGLIFPHYADDR ioctl,
//     or ifconfig(8)'s output, IfconfigEndpoints);
//   - address and link changes from the routing socket (AddrWatch);
//   - base-system commands run with a deadline and a fixed environment,
//     ended with their process group (Run, WithSignals);
//   - files read without waiting or following links (ReadFile), a lock
//     file (Lock), err(3)-style logging to stderr and syslog with secrets
//     masked (Logger);
//   - unveil(2) and pledge(2) plans per command (PlanFor, Plan.Apply).
//
// OpenBSD-only code lives in *_openbsd.go files; the rest builds and is
// tested on Linux, byte layouts the OpenBSD kernel sees included. Once a
// plan is applied on OpenBSD a forbidden system call kills the process, so
// the functions here that would make one return an error instead. On
// Linux, GIFCTL_SANDBOX=enforce makes Apply enforce the plan with Landlock
// and seccomp-bpf, so that the tests run gifctl under its OpenBSD plans.
package bsd
