package bsd

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
)

// UnveilPath is one unveil(2) call: a path and its permissions, a subset of
// "rwxc" (read, write, execute, create/remove).
type UnveilPath struct {
	Path, Perms string
}

// Plan is what a command may still do once it has opened its sockets and
// done its ioctls: the paths to unveil and the pledge(2) promises.
type Plan struct {
	Promises string // space-separated, never empty
	Unveil   []UnveilPath
}

// Paths are the configurable paths a plan is made from (gifctl.conf's set
// options). Every path a command uses must be absolute.
type Paths struct {
	HostnameDir string // set hostname-dir: hostname.IF is rewritten here
	StateDir    string // set state-dir: broker state, check results, the lock
	Netstart    string // set netstart: run as /bin/sh NETSTART IF
	Pfctl       string // set pfctl
	Ifconfig    string // set ifconfig
	PfConf      string // set pf-conf; "" leaves pf alone
	CAFile      string // set ca-file
	Config      string // -f: gifctl.conf, read again by watch on SIGHUP
	Gifctl      string // this program, which watch runs as `gifctl restart IF`
}

// Fixed paths of the base system.
const (
	devLog     = "/dev/log" // log/syslog's first choice, syslogd's socket
	binSh      = "/bin/sh"  // runs NETSTART, as /etc/rc does
	resolvConf = "/etc/resolv.conf"
	etcHosts   = "/etc/hosts"
	// The kernel opens a dynamic executable's ELF interpreter during
	// execve, under the caller's unveil, for reading and with promise
	// rpath (sys/kern/exec_elf.c, elf_load_file). /bin and /sbin are
	// static on OpenBSD; this is for a pfctl or ifconfig set elsewhere.
	ldSo = "/usr/libexec/ld.so"
)

// A need is one kind of thing a command does after Apply and what that
// takes. Facts from sys/kern/kern_pledge.c, kern_exec.c, kern_unveil.c and
// pledge(2)/unveil(2).
type need struct {
	promises string
	unveil   func(p Paths) unveils
}

type unveils = []UnveilPath

var (
	// Every Go program: memory, threads, time, I/O on open descriptors.
	needStdio = need{promises: "stdio"}

	// Logger reconnecting to syslogd after it restarted: log/syslog dials
	// /dev/log again, an AF_UNIX socket (unix) connected for writing (w).
	needSyslog = need{"unix", func(Paths) unveils { return unveils{{devLog, "w"}} }}

	// Reading the state directory only (status, doctor).
	needStateRead = need{"rpath", func(p Paths) unveils { return unveils{{p.StateDir, "r"}} }}

	// Reading and atomically rewriting state files: a temp file (wpath
	// cpath) renamed over the old one (rpath cpath).
	needStateWrite = need{"rpath wpath cpath", func(p Paths) unveils { return unveils{{p.StateDir, "rwc"}} }}

	// Sending on the raw ICMP sockets or the heartbeat's UDP socket,
	// opened before Apply: sendto with an address needs inet
	// (pledge_sendit), recvfrom only stdio. Reading interface addresses
	// after Apply (restart plans with the egress addresses, and --egress
	// polls them after `netstart EGRESS`): the sysctl NET_RT_IFLIST of Go's
	// net.Interfaces (mib[3] == 0) is allowed under any of route, inet or
	// dns (pledge_sysctl, "getifaddrs()").
	needInet = need{promises: "inet"}

	// HTTPS to the broker: sockets (inet), name resolution (dns), the CA
	// bundle read at the first request, after Apply (rpath, CAFile r).
	// pledge lets dns open resolv.conf and hosts without unveil, but Go
	// also stat(2)s them, and pledge_namei lets only /etc/resolv.conf
	// through for stat: both are unveiled r. Go's own resolver does not
	// mark its sockets SOCK_DNS as libc's does, so its queries need inet.
	needHTTPS = need{"inet dns rpath", func(p Paths) unveils {
		return unveils{{p.CAFile, "r"}, {resolvConf, "r"}, {etcHosts, "r"}}
	}}

	// Atomic rewrite of hostname.IF: a temp file in the same directory
	// (rpath wpath cpath), fsync, fchmod 0640 (fattr), fchown root:wheel
	// (chown), rename (rpath cpath). The temp name is random, so the whole
	// directory is unveiled rwc.
	needHostnameIf = need{"rpath wpath cpath fattr chown", func(p Paths) unveils {
		return unveils{{p.HostnameDir, "rwc"}}
	}}

	// Running `PFCTL -s info` (doctor): as needExec, for pfctl alone.
	needPfctl = need{"rpath proc exec", func(p Paths) unveils { return unveils{{p.Pfctl, "x"}, {ldSo, "r"}} }}

	// Running `/bin/sh NETSTART IF`, `IFCONFIG IF` and, when pf-conf is
	// set, `PFCTL -n -f PFCONF` and `PFCTL -f PFCONF`: fork, setpgid and
	// kill(-pgid) (proc), execve (exec) of each binary unveiled x. Nothing
	// else: gifctl pledges no execpromises, and then execve clears the
	// child's pledge and unveil (kern_exec.c, "Clear our unveil paths out
	// so the child starts afresh"), so sh reads NETSTART, and pfctl PFCONF,
	// unrestricted. rpath and ld.so for dynamic binaries, see ldSo.
	needExec = need{"rpath proc exec", func(p Paths) unveils {
		u := unveils{{binSh, "x"}, {p.Ifconfig, "x"}, {ldSo, "r"}}
		if p.PfConf != "" {
			u = append(u, UnveilPath{p.Pfctl, "x"})
		}
		return u
	}}

	// gifctl watch, after its routing socket is open and filtered
	// (socket(AF_ROUTE) and setsockopt at level AF_ROUTE are refused under
	// every promise, pledge_socket and pledge_sockopt; reading the open
	// socket is stdio). Each wake it reads the egress addresses (route,
	// see needInet) and the tunnel's endpoints with `IFCONFIG IF`, since
	// SIOCGLIFPHYADDR is on no pledge list; it runs `GIFCTL -f CONFIG
	// restart IF`, which applies its own plan (as needExec); on SIGHUP it
	// reads gifctl.conf again (rpath, the file r).
	needWatch = need{"rpath route proc exec", func(p Paths) unveils {
		return unveils{{p.Gifctl, "x"}, {p.Ifconfig, "x"}, {ldSo, "r"}, {p.Config, "r"}}
	}}

	restart = []need{needStdio, needStateWrite, needHostnameIf, needExec, needInet, needHTTPS, needSyslog}
)

// commands is THE table: what each gifctl command does after Apply.
// Sockets, ioctls (SIOCGLIFPHYADDR), taking the lock (flock), connecting
// syslog and reading the config all happen before, so no plan pledges
// flock; Unlock only closes the file.
var commands = map[string][]need{
	// gifctl -n, gifctl ifstated: print and exit.
	"configtest": {needStdio},
	"ifstated":   {needStdio},
	// gifctl status: the state files, printed.
	"status": {needStdio, needStateRead},
	// gifctl doctor: hostname.IF, the kernel and the raw sockets were
	// read and opened before; asks pfctl, reads the state files, probes.
	// It writes nothing.
	"doctor": {needStdio, needStateRead, needPfctl, needInet, needSyslog},
	// gifctl check tunnel: endpoints and egress addresses were read
	// before; records its result.
	"check-tunnel": {needStdio, needStateWrite, needSyslog},
	"check-ipv4":   {needStdio, needInet, needStateWrite, needSyslog},
	"check-ipv6":   {needStdio, needInet, needStateWrite, needSyslog},
	"heartbeat":    {needStdio, needInet, needSyslog},
	"update":       {needStdio, needStateWrite, needHTTPS, needSyslog},
	"restart":      restart,
	// restart --egress: also `netstart EGRESS`, the same /bin/sh.
	"restart-egress": restart,
	// gifctl watch: it changes nothing itself; its children do.
	"watch": {needStdio, needWatch, needSyslog},
}

// Commands are the command names PlanFor knows, sorted.
var Commands = slices.Sorted(maps.Keys(commands))

// promiseOrder is the order promises are written in, that of pledge(2).
var promiseOrder = []string{"stdio", "rpath", "wpath", "cpath", "fattr", "chown", "flock", "unix", "inet", "dns", "route", "proc", "exec"}

// PlanFor returns the plan of command (one of Commands) for paths p. It
// fails for an unknown command and for a path the command needs that is
// not absolute. Netstart and PfConf are never unveiled: the programs gifctl
// starts read them, and those start unrestricted (see needExec).
func PlanFor(command string, p Paths) (Plan, error) {
	needs, ok := commands[command]
	if !ok {
		return Plan{}, fmt.Errorf("sandbox: unknown command %q", command)
	}
	var promises []string
	perms := map[string]string{}
	for _, n := range needs {
		promises = append(promises, strings.Fields(n.promises)...)
		if n.unveil != nil {
			for _, u := range n.unveil(p) {
				path := filepath.Clean(u.Path)
				perms[path] = mergePerms(perms[path], u.Perms)
			}
		}
	}
	plan := Plan{Promises: strings.Join(slices.DeleteFunc(slices.Clone(promiseOrder),
		func(pr string) bool { return !slices.Contains(promises, pr) }), " ")}
	// unveil's "most specific path wins" does not depend on call order;
	// sorting only makes plans comparable.
	for _, path := range slices.Sorted(maps.Keys(perms)) {
		plan.Unveil = append(plan.Unveil, UnveilPath{path, perms[path]})
	}
	if err := plan.validate(); err != nil {
		return Plan{}, fmt.Errorf("sandbox: %s: %w", command, err)
	}
	return plan, nil
}

// mergePerms returns the union of two permission strings in "rwxc" order.
func mergePerms(a, b string) string {
	return strings.Map(func(c rune) rune {
		if strings.ContainsRune(a+b, c) {
			return c
		}
		return -1
	}, "rwxc")
}

// validate refuses plans that would hurt when applied: no promises (pledge
// with "" leaves only _exit), unknown promises, relative paths, and
// permissions outside "rwxc" or empty (which would hide the path).
func (p Plan) validate() error {
	promises := strings.Fields(p.Promises)
	if len(promises) == 0 {
		return errors.New("no promises: the process could not even exit cleanly")
	}
	for _, pr := range promises {
		if !slices.Contains(promiseOrder, pr) {
			return fmt.Errorf("unknown promise %q", pr)
		}
	}
	for _, u := range p.Unveil {
		if !filepath.IsAbs(u.Path) {
			return fmt.Errorf("unveil %q: not an absolute path", u.Path)
		}
		if u.Perms == "" || strings.Trim(u.Perms, "rwxc") != "" {
			return fmt.Errorf("unveil %s: bad permissions %q", u.Path, u.Perms)
		}
	}
	return nil
}

// pledged holds the promises of the Plan applied to this process, nil while
// none is; Apply sets it, and tests. On OpenBSD a system call outside the
// promises kills the process (pledge_fail), so the functions here that
// would make one check first and return an error naming the mistake.
var pledged atomic.Pointer[string]

// checkPledged returns nil when no plan is applied or the applied promises
// include one of anyOf; otherwise an error saying op is not allowed.
func checkPledged(op string, anyOf ...string) error {
	have := pledged.Load()
	if have == nil || slices.ContainsFunc(strings.Fields(*have), func(p string) bool { return slices.Contains(anyOf, p) }) {
		return nil
	}
	return fmt.Errorf("%s: not allowed after pledge %q (needs %s)", op, *have, strings.Join(anyOf, " or "))
}
