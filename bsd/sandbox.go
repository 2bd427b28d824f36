package bsd

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
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
	unveil   func(p Paths) []UnveilPath
}

var (
	// Every Go program: memory, threads, time, I/O on open descriptors.
	needStdio = need{promises: "stdio"}

	// Logger reconnecting to syslogd after it restarted: log/syslog dials
	// /dev/log again, an AF_UNIX socket (unix) connected for writing (w).
	needSyslog = need{promises: "unix", unveil: func(Paths) []UnveilPath {
		return []UnveilPath{{devLog, "w"}}
	}}

	// Reading the state directory only (status).
	needStateRead = need{promises: "rpath", unveil: func(p Paths) []UnveilPath {
		return []UnveilPath{{p.StateDir, "r"}}
	}}

	// Reading and atomically rewriting state files: a temp file (wpath
	// cpath) renamed over the old one (rpath cpath).
	needStateWrite = need{promises: "rpath wpath cpath", unveil: func(p Paths) []UnveilPath {
		return []UnveilPath{{p.StateDir, "rwc"}}
	}}

	// Raw ICMP sockets opened before Apply: sendto with an address needs
	// inet (pledge_sendit); recvfrom needs only stdio.
	needICMP = need{promises: "inet"}

	// The heartbeat's UDP socket: likewise.
	needUDP = need{promises: "inet"}

	// Reading the egress interface's addresses after Apply (restart
	// plans with them, and --egress polls them after `netstart EGRESS`):
	// the sysctl NET_RT_IFLIST Go's net.Interfaces makes (mib[3] == 0) is
	// allowed under any of route, inet or dns (pledge_sysctl,
	// "getifaddrs()"); inet is what the broker update needs anyway.
	needIfaddrs = need{promises: "inet"}

	// HTTPS to the broker: sockets (inet), name resolution (dns), the CA
	// bundle read when the client is made, after Apply (rpath, CAFile r).
	// pledge lets dns open resolv.conf and hosts without unveil, but Go
	// also stat(2)s them, and pledge_namei lets only /etc/resolv.conf
	// through for stat: both are unveiled r. Go's own resolver
	// does not mark its sockets SOCK_DNS as libc's does, so its queries
	// need inet, not just dns.
	needHTTPS = need{promises: "inet dns rpath", unveil: func(p Paths) []UnveilPath {
		return []UnveilPath{{p.CAFile, "r"}, {resolvConf, "r"}, {etcHosts, "r"}}
	}}

	// Atomic rewrite of hostname.IF: a temp file in the same directory
	// (rpath wpath cpath), fsync, fchmod 0640 (fattr), fchown root:wheel
	// (chown), rename (rpath cpath). The temp name is random, so the whole
	// directory is unveiled rwc.
	needHostnameIf = need{promises: "rpath wpath cpath fattr chown", unveil: func(p Paths) []UnveilPath {
		return []UnveilPath{{p.HostnameDir, "rwc"}}
	}}

	// Running `PFCTL -n -f PFCONF`, which loads nothing, and `PFCTL -s
	// info` (doctor, whether or not pf-conf is set): fork, setpgid and
	// kill(-pgid) (proc), execve (exec) of pfctl unveiled x, as needExec.
	needPfctl = need{promises: "rpath proc exec", unveil: func(p Paths) []UnveilPath {
		return []UnveilPath{{p.Pfctl, "x"}, {ldSo, "r"}}
	}}

	// Running `/bin/sh NETSTART IF`, `IFCONFIG IF` and, when pf-conf is
	// set, `PFCTL -n -f PFCONF` and `PFCTL -f PFCONF`: fork and
	// setpgid and kill(-pgid) (proc), execve (exec) of each binary
	// unveiled x. Nothing else: gifctl pledges no execpromises, and then
	// execve clears the child's pledge and unveil (kern_exec.c, "Clear our
	// unveil paths out so the child starts afresh"), so sh reads NETSTART,
	// and pfctl PFCONF, unrestricted. rpath and ld.so for dynamic
	// binaries, see ldSo.
	needExec = need{promises: "rpath proc exec", unveil: func(p Paths) []UnveilPath {
		u := []UnveilPath{{binSh, "x"}, {p.Ifconfig, "x"}, {ldSo, "r"}}
		if p.PfConf != "" {
			u = append(u, UnveilPath{p.Pfctl, "x"})
		}
		return u
	}}

	// gifctl watch, after its routing socket is open and filtered
	// (socket(AF_ROUTE) and setsockopt at level AF_ROUTE are refused under
	// every promise, pledge_socket and pledge_sockopt; reading the open
	// socket is stdio). Each wake it reads the egress addresses, the
	// sysctl NET_RT_IFLIST that route allows (pledge_sysctl,
	// "getifaddrs()"), and the tunnel's endpoints with `IFCONFIG IF`,
	// since SIOCGLIFPHYADDR is on no pledge list; it runs `GIFCTL -f
	// CONFIG restart IF`, which starts unrestricted and applies its own
	// plan (see needExec: proc exec, each binary x, rpath and ld.so for a
	// dynamic ifconfig); on SIGHUP it reads gifctl.conf again: stat and
	// open for reading (rpath, the file r).
	needWatch = need{promises: "rpath route proc exec", unveil: func(p Paths) []UnveilPath {
		return []UnveilPath{{p.Gifctl, "x"}, {p.Ifconfig, "x"}, {ldSo, "r"}, {p.Config, "r"}}
	}}
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
	"doctor": {needStdio, needStateRead, needPfctl, needICMP, needSyslog},
	// gifctl check tunnel: endpoints and egress addresses were read
	// before; records its result.
	"check-tunnel": {needStdio, needStateWrite, needSyslog},
	"check-ipv4":   {needStdio, needICMP, needStateWrite, needSyslog},
	"check-ipv6":   {needStdio, needICMP, needStateWrite, needSyslog},
	"heartbeat":    {needStdio, needUDP, needSyslog},
	"update":       {needStdio, needStateWrite, needHTTPS, needSyslog},
	"restart":      {needStdio, needStateWrite, needHostnameIf, needExec, needIfaddrs, needHTTPS, needSyslog},
	// restart --egress: as restart, plus `netstart EGRESS` (same /bin/sh)
	// and polling the egress addresses afterwards.
	"restart-egress": {needStdio, needStateWrite, needHostnameIf, needExec, needIfaddrs, needHTTPS, needSyslog},
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
	have := map[string]bool{}
	perms := map[string]string{}
	for _, n := range needs {
		for _, pr := range strings.Fields(n.promises) {
			have[pr] = true
		}
		if n.unveil == nil {
			continue
		}
		for _, u := range n.unveil(p) {
			if !filepath.IsAbs(u.Path) {
				return Plan{}, fmt.Errorf("sandbox: %s: path %q is not absolute", command, u.Path)
			}
			path := filepath.Clean(u.Path)
			perms[path] = mergePerms(perms[path], u.Perms)
		}
	}
	var plan Plan
	var promises []string
	for _, pr := range promiseOrder {
		if have[pr] {
			promises = append(promises, pr)
		}
	}
	plan.Promises = strings.Join(promises, " ")
	for path, pm := range perms {
		plan.Unveil = append(plan.Unveil, UnveilPath{Path: path, Perms: pm})
	}
	// unveil's "most specific path wins" does not depend on call order;
	// sorting only makes plans comparable.
	slices.SortFunc(plan.Unveil, func(a, b UnveilPath) int { return strings.Compare(a.Path, b.Path) })
	if err := plan.validate(); err != nil {
		return Plan{}, fmt.Errorf("sandbox: %s: %w", command, err)
	}
	return plan, nil
}

// mergePerms returns the union of two permission strings in "rwxc" order.
func mergePerms(a, b string) string {
	var out []byte
	for _, c := range []byte("rwxc") {
		if strings.IndexByte(a, c) >= 0 || strings.IndexByte(b, c) >= 0 {
			out = append(out, c)
		}
	}
	return string(out)
}

// validate refuses plans that would hurt when applied: no promises (pledge
// with "" leaves only _exit), unknown promises, relative paths, and
// permissions outside "rwxc" or empty (an empty string hides a path, which
// no plan here means to do).
func (p Plan) validate() error {
	if strings.TrimSpace(p.Promises) == "" {
		return errors.New("no promises: the process could not even exit cleanly")
	}
	for _, pr := range strings.Fields(p.Promises) {
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
