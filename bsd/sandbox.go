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

// UnveilPath is one unveil(2) call: a path and its "rwxc" permissions.
type UnveilPath struct{ Path, Perms string }

// Plan is what a command may do once set up: pledge(2) promises, unveil paths.
type Plan struct {
	Promises string // space-separated, never empty
	Unveil   []UnveilPath
}

// Paths are the absolute paths a plan is made from (gifctl.conf's set options).
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

const (
	devLog = "/dev/log" // log/syslog's first choice, syslogd's socket
	// execve opens a dynamic executable's ELF interpreter under the caller's
	// unveil and rpath (sys/kern/exec_elf.c, elf_load_file): for a pfctl or
	// ifconfig outside the static /bin and /sbin.
	ldSo = "/usr/libexec/ld.so"
)

// A need is one thing a command does after Apply and what it takes
// (sys/kern/kern_pledge.c, kern_exec.c, kern_unveil.c; pledge(2)).
type need struct {
	promises string
	unveil   func(p Paths) unveils
}

type unveils = []UnveilPath

var (
	// Logger redialing /dev/log after syslogd restarted: AF_UNIX (unix), w.
	needSyslog = need{"unix", func(Paths) unveils { return unveils{{devLog, "w"}} }}
	// Reading the state files (status, doctor).
	needStateRead = need{"rpath", func(p Paths) unveils { return unveils{{p.StateDir, "r"}} }}
	// Rewriting state files: a temp file (wpath cpath) renamed (rpath cpath).
	needStateWrite = need{"rpath wpath cpath", func(p Paths) unveils { return unveils{{p.StateDir, "rwc"}} }}
	// sendto on ICMP or heartbeat sockets opened before Apply (pledge_sendit:
	// inet, unix or dns; recvfrom is stdio); ReadLink in restart.
	needInet = need{"inet", func(Paths) unveils { return nil }}
	// HTTPS to the broker: inet, dns, rpath for the CA bundle read at the first
	// request. Go stat(2)s resolv.conf and hosts, which pledge_namei allows
	// only if unveiled; its resolver's sockets lack SOCK_DNS, so need inet.
	needHTTPS = need{"inet dns rpath", func(p Paths) unveils {
		return unveils{{p.CAFile, "r"}, {"/etc/resolv.conf", "r"}, {"/etc/hosts", "r"}}
	}}
	// Atomic rewrite of hostname.IF: a temp file beside it (rpath wpath cpath),
	// fchmod 0640 (fattr), fchown root:wheel (chown), rename (rpath cpath).
	needHostnameIf = need{"rpath wpath cpath fattr chown", func(p Paths) unveils {
		return unveils{{p.HostnameDir, "rwc"}}
	}}
	// Running `PFCTL -s info` (doctor): as needExec, for pfctl alone.
	needPfctl = need{"rpath proc exec", func(p Paths) unveils { return unveils{{p.Pfctl, "x"}, {ldSo, "r"}} }}
	// Running `/bin/sh NETSTART IF`, `IFCONFIG IF` and, with pf-conf,
	// `PFCTL [-n] -f PFCONF`: fork, setpgid, kill(-pgid) (proc), execve
	// (exec) of each binary unveiled x, rpath and ldSo for dynamic ones.
	// Without execpromises execve clears the child's pledge and unveil
	// (kern_exec.c, "Clear our unveil paths out so the child starts
	// afresh"), so sh reads NETSTART and pfctl PFCONF unrestricted.
	needExec = need{"rpath proc exec", func(p Paths) unveils {
		u := unveils{{"/bin/sh", "x"}, {p.Ifconfig, "x"}, {ldSo, "r"}}
		if p.PfConf != "" {
			u = append(u, UnveilPath{p.Pfctl, "x"})
		}
		return u
	}}
	// gifctl watch, routing socket opened before: each wake it reads the
	// egress addresses (route, see ReadLink), the endpoints with `IFCONFIG IF`,
	// runs `GIFCTL -f CONFIG restart IF` (as needExec); on SIGHUP the config.
	needWatch = need{"rpath route proc exec", func(p Paths) unveils {
		return unveils{{p.Gifctl, "x"}, {p.Ifconfig, "x"}, {ldSo, "r"}, {p.Config, "r"}}
	}}
	restart = []need{needStateWrite, needHostnameIf, needExec, needInet, needHTTPS, needSyslog}
)

// commands is THE table: what each command does after Apply beyond stdio,
// which every Go program needs. Sockets, ioctls, the lock, syslog and the
// config come before, so no plan pledges flock; Unlock only closes.
var commands = map[string][]need{
	"configtest":     {}, // gifctl -n: print and exit
	"ifstated":       {}, // print and exit
	"status":         {needStateRead},
	"doctor":         {needStateRead, needPfctl, needInet, needSyslog}, // writes nothing
	"check-tunnel":   {needStateWrite, needSyslog},                     // checks record results
	"check-ipv4":     {needInet, needStateWrite, needSyslog},
	"check-ipv6":     {needInet, needStateWrite, needSyslog},
	"heartbeat":      {needInet, needSyslog},
	"update":         {needStateWrite, needHTTPS, needSyslog},
	"restart":        restart,
	"restart-egress": restart,                 // also `netstart EGRESS`, the same /bin/sh
	"watch":          {needWatch, needSyslog}, // it changes nothing itself; its children do
}

// Commands are the command names PlanFor knows, sorted.
var Commands = slices.Sorted(maps.Keys(commands))

// promiseOrder is the order promises are written in, that of pledge(2).
var promiseOrder = []string{"stdio", "rpath", "wpath", "cpath", "fattr", "chown", "flock", "unix", "inet", "dns", "route", "proc", "exec"}

// PlanFor returns command's plan for paths p, or an error for an unknown
// command or a relative path. Netstart and PfConf are never unveiled.
func PlanFor(command string, p Paths) (Plan, error) {
	needs, ok := commands[command]
	if !ok {
		return Plan{}, fmt.Errorf("sandbox: unknown command %q", command)
	}
	promises := []string{"stdio"}
	perms := map[string]string{}
	for _, n := range needs {
		promises = append(promises, strings.Fields(n.promises)...)
		for _, u := range n.unveil(p) {
			path := filepath.Clean(u.Path)
			perms[path] = mergePerms(perms[path], u.Perms)
		}
	}
	plan := Plan{Promises: strings.Join(slices.DeleteFunc(slices.Clone(promiseOrder),
		func(pr string) bool { return !slices.Contains(promises, pr) }), " ")}
	// Sorted only to make plans comparable: unveil's order does not matter.
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

// validate refuses no promises (pledge "" leaves only _exit), unknown ones,
// relative paths, and permissions empty (hiding the path) or not in "rwxc".
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

// pledged holds the applied Plan's promises, nil before Apply (or a test)
// sets it: outside them a system call kills the process (pledge_fail).
var pledged atomic.Pointer[string]

// checkPledged refuses op once a plan is applied unless it has one of anyOf.
func checkPledged(op string, anyOf ...string) error {
	have := pledged.Load()
	if have == nil || slices.ContainsFunc(strings.Fields(*have), func(p string) bool { return slices.Contains(anyOf, p) }) {
		return nil
	}
	return fmt.Errorf("%s: not allowed after pledge %q (needs %s)", op, *have, strings.Join(anyOf, " or "))
}
