// Package bsd is gifctl's OS layer: the few things it asks of the kernel
// and of the base system, each behind one small function.
//
//   - interface addresses (IPv4Addrs), the rule that picks the tunnel
//     source among them (ChooseSource), which of them a broker can reach (IsPublicIPv4, IsCGNAT) and the rule that says
//     whether a tunnel is as it should be (Consistent);
//   - gif(4) tunnel endpoints (TunnelEndpoints: the SIOCGLIFPHYADDR ioctl on
//     OpenBSD, ifconfig(8)'s output elsewhere or once the ioctl is no longer
//     allowed; IfconfigEndpoints for the latter);
//   - address and link changes from the routing socket, or netlink for the
//     simulation on Linux (AddrWatch), only to wake the reader;
//   - running base-system commands with a bounded time and a fixed
//     environment (Run), ended with their process group by a deadline or
//     by SIGTERM, SIGINT or SIGHUP (WithSignals);
//   - reading a file: regular, bounded in size, without waiting and not
//     through a symbolic link (ReadFile), as every read of gifctl is;
//   - a lock file so two gifctl runs never interleave (Lock);
//   - err(3)-style logging to stderr and syslog with secrets masked and
//     control characters escaped, one line per message (Logger);
//   - unveil(2) and pledge(2) plans per command (PlanFor, Plan.Apply).
//
// OpenBSD-only code lives in *_openbsd.go files; every other file builds and
// is tested on Linux, so the byte layouts the OpenBSD kernel sees are
// described by portable code and checked by portable tests.
//
// The order of a gifctl command, as in ifstated(8) and dhcpleased(8), is
// cmd/gifctl's runCommand: connect syslog (Logger.OpenSyslog), flags and
// configuration, take the lock, open sockets and do ioctls (TunnelEndpoints,
// IPv4Addrs), then PlanFor(cmd).Apply(), then the work. Once a plan is
// applied on OpenBSD a forbidden system call kills the process (pledge(2));
// the functions here that would make one check the applied plan first and
// return an error instead. On Linux, GIFCTL_SANDBOX=enforce makes Apply
// enforce the plan through Landlock and seccomp-bpf (sandbox_linux.go,
// seccomp_linux.go), so that the simulation and the tests run gifctl under
// the plans it will have on OpenBSD.
package bsd
