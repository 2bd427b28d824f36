package bsd

import (
	"fmt"
	"os"
	"slices"
	"strings"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/sys/unix"
)

// pledge(2) on Linux: each promise becomes the Linux system calls that do
// what sys/kern/kern_pledge.c (1.333, pledge_syscalls and the pledge_*
// checks) lets it do, for the calls Go's runtime and gifctl make. A call
// outside the promises kills the process, all threads at once, with
// SIGSYS (SECCOMP_RET_KILL_PROCESS), as pledge kills it with SIGABRT.
//
// A filter sees the call's number and its register arguments, never the
// memory they point to: where kern_pledge.c looks at a path, a socket
// address or a struct, the mapping is approximate, and says so. Paths are
// unveil's business and Landlock's here (sandbox_linux.go). Calls gifctl
// never makes are left out even where a promise would allow them (ioctl
// FIONREAD under stdio, say): the filter is looser than pledge only where
// noted below.

// sysRule admits one system call, with any arguments when args is empty,
// else when every condition in args holds. A rule listed under a promise
// with also set needs that promise too.
type sysRule struct {
	name string
	args []seccomp.Condition
	also string
}

func calls(names ...string) []sysRule {
	rules := make([]sysRule, len(names))
	for i, n := range names {
		rules[i] = sysRule{name: n}
	}
	return rules
}

func when(name string, args ...seccomp.Condition) sysRule { return sysRule{name: name, args: args} }

func argIs(i uint32, v uint64) seccomp.Condition {
	return seccomp.Condition{Argument: i, Operation: seccomp.Equal, Value: v}
}
func argIsNot(i uint32, v uint64) seccomp.Condition {
	return seccomp.Condition{Argument: i, Operation: seccomp.NotEqual, Value: v}
}

// argAny holds when any bit of v is set in argument i, argNone when none is.
func argAny(i uint32, v uint64) seccomp.Condition {
	return seccomp.Condition{Argument: i, Operation: seccomp.BitsSet, Value: v}
}
func argNone(i uint32, v uint64) seccomp.Condition {
	return seccomp.Condition{Argument: i, Operation: seccomp.BitsNotSet, Value: v}
}

// openat(dirfd, path, flags, mode): what pledge_namei reads of an open is
// in flags. Go and glibc open through openat only.
const (
	openatFlags = 2
	writeModes  = unix.O_WRONLY | unix.O_RDWR
)

// fcntl commands kern_pledge.c gives to promises other than stdio:
// F_SETOWN is proc (pledge_fcntl), record locks are flock.
var (
	fcntlProc  = []uint64{unix.F_SETOWN, unix.F_SETOWN_EX}
	fcntlFlock = []uint64{unix.F_GETLK, unix.F_SETLK, unix.F_SETLKW, unix.F_OFD_GETLK, unix.F_OFD_SETLK, unix.F_OFD_SETLKW}
)

// pledgeSyscalls is the mapping, promise by promise. self is the process's
// pid: kern_pledge.c lets stdio signal the process itself, proc others.
func pledgeSyscalls(self uint64) map[string][]sysRule {
	stdioFcntl := when("fcntl")
	for _, cmd := range append(slices.Clone(fcntlProc), fcntlFlock...) {
		stdioFcntl.args = append(stdioFcntl.args, argIsNot(1, cmd))
	}
	return map[string][]sysRule{
		// stdio: I/O on open descriptors, memory, time, signals to
		// itself, threads, pipes, poll (Go's netpoller is epoll where
		// OpenBSD's is kqueue, also stdio). Approximate:
		//   - sendmsg is admitted whole: whether it names an address
		//     (unix or inet on OpenBSD, pledge_sendit) is in memory;
		//     sendto is checked, it takes the address in a register;
		//   - setsockopt and getsockopt are admitted whole, where
		//     pledge_sockopt keeps a short list;
		//   - sched_getaffinity (Go's runtime reads the CPU count,
		//     OpenBSD's sysctl hw.ncpuonline under stdio);
		//   - clone3 passes its flags in memory: it fails with ENOSYS
		//     (see enforceSeccomp), and glibc then uses clone, whose
		//     flags are checked: a thread (CLONE_THREAD) is stdio, as
		//     __tfork, a process is proc;
		//   - the thread-start calls of glibc (set_robust_list, rseq,
		//     set_tid_address, arch_prctl), for a gifctl built with
		//     cgo, as __set_tcb is always allowed;
		//   - mmap and mprotect without PROT_EXEC only: that is the
		//     prot_exec promise, which no plan has.
		"stdio": append(calls(
			"read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
			"close", "dup", "dup2", "dup3", "lseek", "fstat", "fsync", "fdatasync", "ftruncate",
			"munmap", "madvise", "mremap", "msync", "mincore", "brk", "umask",
			"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigsuspend", "rt_sigpending", "sigaltstack",
			"getitimer", "setitimer", "timer_create", "timer_settime", "timer_delete",
			"nanosleep", "clock_nanosleep", "clock_gettime", "clock_getres", "gettimeofday",
			"futex", "sched_yield", "sched_getaffinity", "gettid", "exit", "exit_group", "restart_syscall",
			"set_robust_list", "rseq", "set_tid_address", "arch_prctl",
			"getpid", "getppid", "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid",
			"getgroups", "getpgrp", "getpgid", "getsid", "getrusage", "getrlimit", "uname", "getrandom",
			"epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2", "eventfd2",
			"poll", "ppoll", "select", "pselect6", "pipe", "pipe2", "socketpair", "shutdown",
			"recvfrom", "recvmsg", "recvmmsg", "sendmsg", "sendmmsg", "getsockopt", "setsockopt",
			"wait4", "waitid"),
			when("mmap", argNone(2, unix.PROT_EXEC)),
			when("mprotect", argNone(2, unix.PROT_EXEC)),
			when("prctl", argIs(0, unix.PR_SET_VMA)), // Go's runtime names its mappings
			when("clone", argAny(0, unix.CLONE_THREAD)),
			when("sendto", argIs(4, 0)), // no address: pledge_sendit
			when("kill", argIs(0, self)),
			when("tgkill", argIs(0, self)),
			when("prlimit64", argIs(2, 0)), // reading a limit: getrlimit
			stdioFcntl),

		// rpath: opening read-only, and the calls that look a path up
		// without opening it (kern_pledge.c counts fstatat, faccessat,
		// readlinkat and getcwd as rpath or wpath; getdents, statfs,
		// fstatfs and chdir as rpath). The path itself is Landlock's.
		"rpath": append(calls(
			"stat", "lstat", "newfstatat", "statx", "access", "faccessat", "faccessat2",
			"readlink", "readlinkat", "getdents", "getdents64", "getcwd", "chdir", "fchdir",
			"statfs", "fstatfs"),
			when("openat", argNone(openatFlags, writeModes|unix.O_CREAT))),

		// wpath: opening an existing file for writing, truncate, and
		// the look-ups kern_pledge.c allows under wpath too.
		"wpath": append(calls(
			"stat", "lstat", "newfstatat", "statx", "access", "faccessat", "faccessat2",
			"readlink", "readlinkat", "getcwd", "truncate"),
			when("openat", argAny(openatFlags, writeModes), argNone(openatFlags, unix.O_CREAT))),

		// cpath: making and removing names. An open with O_CREAT needs
		// wpath as well, as pledge_namei asks (the temp file of an
		// atomic write is opened O_CREAT|O_RDWR).
		"cpath": {
			{name: "openat", args: []seccomp.Condition{argAny(openatFlags, unix.O_CREAT)}, also: "wpath"},
			{name: "rename"}, {name: "renameat"}, {name: "renameat2"},
			{name: "unlink"}, {name: "unlinkat"}, {name: "rmdir"}, {name: "mkdir"}, {name: "mkdirat"},
			{name: "link"}, {name: "linkat"}, {name: "symlink"}, {name: "symlinkat"},
		},

		"fattr": calls("chmod", "fchmod", "fchmodat", "fchmodat2", "utime", "utimes", "utimensat", "futimesat"),
		"chown": calls("chown", "fchown", "lchown", "fchownat"),
		"flock": append(calls("flock"), fcntlRules(fcntlFlock)...),

		// unix, inet: sockets of their family (pledge_socket) and the
		// calls on them; sendto with an address (pledge_sendit).
		"unix": append(calls(socketCalls...), append(calls(serverCalls...), when("socket", argIs(0, unix.AF_UNIX)))...),
		// inet: TCP and UDP only; a raw socket (ICMP) must be opened
		// before pledge, as ping(8) does.
		"inet": append(calls(socketCalls...), append(calls(serverCalls...),
			inetSocket(unix.AF_INET, unix.SOCK_STREAM), inetSocket(unix.AF_INET, unix.SOCK_DGRAM),
			inetSocket(unix.AF_INET6, unix.SOCK_STREAM), inetSocket(unix.AF_INET6, unix.SOCK_DGRAM), netlinkRoute)...),

		// dns: on OpenBSD it admits sockets that libc's resolver marks
		// SOCK_DNS, and opening resolv.conf and hosts. Go's resolver
		// marks none, so its queries need inet on OpenBSD too: dns
		// maps to no socket here. What remains is the interface list
		// (getifaddrs, sysctl NET_RT_IFLIST, which pledge_sysctl lets
		// route, inet or dns read), which Go reads on Linux through a
		// NETLINK_ROUTE socket. Approximate: that socket could also
		// change routes, which no promise allows on OpenBSD.
		"dns":   append(calls(socketCalls...), netlinkRoute),
		"route": append(calls(socketCalls...), netlinkRoute),

		// proc: new processes, process groups, signals to others,
		// resource limits and priorities, F_SETOWN.
		"proc": append(calls("fork", "vfork", "clone", "setpgid", "setsid", "kill", "tgkill", "tkill",
			"setrlimit", "prlimit64", "getpriority", "setpriority", "pidfd_open", "pidfd_send_signal"),
			fcntlRules(fcntlProc)...),

		// exec: execve. On OpenBSD execve clears pledge and unveil (no
		// execpromises); a Linux filter and Landlock domain stay on
		// across execve, so what gifctl starts runs under them, and
		// exec also admits what a started program's dynamic loader
		// does before main: mapping code (mmap, mprotect with
		// PROT_EXEC). The rest of what a started program does must
		// fit gifctl's promises: an approximation, and the reason the
		// simulation's stand-ins hand their work to a process outside.
		"exec": append(calls("execve", "execveat"), calls("mmap", "mprotect")...),
	}
}

// The calls on a socket kern_pledge.c gives to unix, inet and dns alike,
// and those it gives only to unix and inet (a server's).
var (
	socketCalls = []string{"connect", "bind", "getsockname", "sendto"}
	serverCalls = []string{"listen", "accept", "accept4", "getpeername"}
)

// netlinkRoute is the socket Go's net.Interfaces reads the interface list
// through on Linux.
var netlinkRoute = when("socket", argIs(0, unix.AF_NETLINK), argIs(2, unix.NETLINK_ROUTE))

// inetSocket admits socket(domain, typ|flags): SOCK_STREAM is 1 and
// SOCK_DGRAM 2, so the type's other low bits must be clear (SOCK_RAW is 3).
func inetSocket(domain, typ uint64) sysRule {
	return when("socket", argIs(0, domain), argAny(1, typ), argNone(1, 0xf&^typ))
}

func fcntlRules(cmds []uint64) []sysRule {
	var rules []sysRule
	for _, c := range cmds {
		rules = append(rules, when("fcntl", argIs(1, c)))
	}
	return rules
}

// seccompPolicy is the filter for promises on this machine's architecture:
// every call some promise admits, any other kills the process. A name
// this architecture lacks (open on arm64) is skipped.
func seccompPolicy(promises []string) (seccomp.Policy, error) {
	info, err := arch.GetInfo("")
	if err != nil {
		return seccomp.Policy{}, err
	}
	table := pledgeSyscalls(uint64(os.Getpid()))
	whole := map[string]bool{}
	conds := map[string][]seccomp.ArgumentConditions{}
	for _, p := range promises {
		rules, ok := table[p]
		if !ok {
			return seccomp.Policy{}, fmt.Errorf("no system calls for promise %q", p)
		}
		for _, r := range rules {
			if _, ok := info.SyscallNames[r.name]; !ok || (r.also != "" && !slices.Contains(promises, r.also)) {
				continue
			}
			if len(r.args) == 0 {
				whole[r.name] = true
			} else {
				conds[r.name] = append(conds[r.name], r.args)
			}
		}
	}
	allow := seccomp.SyscallGroup{Action: seccomp.ActionAllow}
	for name := range whole {
		allow.Names = append(allow.Names, name)
	}
	for name, cs := range conds {
		if whole[name] {
			continue
		}
		for _, c := range cs {
			allow.NamesWithCondtions = append(allow.NamesWithCondtions, seccomp.NameWithConditions{Name: name, Conditions: c})
		}
	}
	slices.Sort(allow.Names)
	slices.SortStableFunc(allow.NamesWithCondtions, func(a, b seccomp.NameWithConditions) int { return strings.Compare(a.Name, b.Name) })
	return seccomp.Policy{
		DefaultAction: seccomp.ActionKillProcess,
		Syscalls: []seccomp.SyscallGroup{
			// clone3's flags are in memory; glibc falls back to clone.
			{Names: []string{"clone3"}, Action: seccomp.ActionErrno | seccomp.Action(unix.ENOSYS)},
			allow,
		},
	}, nil
}

// enforceSeccomp loads the filter for promises on every thread (TSYNC).
func enforceSeccomp(promises []string) error {
	policy, err := seccompPolicy(promises)
	if err != nil {
		return err
	}
	return seccomp.LoadFilter(seccomp.Filter{NoNewPrivs: true, Flag: seccomp.FilterFlagTSync, Policy: policy})
}
