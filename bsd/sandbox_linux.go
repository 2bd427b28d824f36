package bsd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/landlock-lsm/go-landlock/landlock"
	ll "github.com/landlock-lsm/go-landlock/landlock/syscall"
)

// On Linux a plan is enforced only when the simulation and the tests ask,
// so that they prove the plans OpenBSD will apply; otherwise Apply only
// refuses a plan OpenBSD would refuse. Each variable below can only take
// away from what gifctl may do.
const (
	// "enforce": unveil through Landlock, pledge through seccomp-bpf.
	envSandbox = "GIFCTL_SANDBOX"
	// A promise or an unveiled path to leave out of the plan, for the
	// tests that show each one is needed.
	envDrop = "GIFCTL_SANDBOX_DROP"
	// For a plan with exec: the paths, separated by colons, that the
	// programs gifctl starts need to start (their dynamic loader and
	// libraries, a script's interpreter and text). OpenBSD's execve
	// starts them outside gifctl's pledge and unveil; a Landlock domain
	// stays on across execve, so whoever enforces names these, and
	// they are readable and executable.
	envExec = "GIFCTL_SANDBOX_EXEC"
)

// Apply refuses a plan that would be refused on OpenBSD and, when
// GIFCTL_SANDBOX=enforce, applies it: the unveil list as a Landlock
// ruleset, then the promises as a seccomp filter on every thread.
func (p Plan) Apply() error {
	if os.Getenv(envSandbox) == "enforce" {
		p = p.without(os.Getenv(envDrop))
	}
	if err := p.validate(); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	if os.Getenv(envSandbox) != "enforce" {
		return nil
	}
	promises := strings.Fields(p.Promises)
	var exec []string
	if slices.Contains(promises, "exec") {
		exec = filepath.SplitList(os.Getenv(envExec))
	}
	if err := enforceLandlock(p.Unveil, exec); err != nil {
		return fmt.Errorf("sandbox: landlock: %w", err)
	}
	if err := enforceSeccomp(promises); err != nil {
		return fmt.Errorf("sandbox: seccomp: %w", err)
	}
	pledged.Store(&p.Promises)
	return nil
}

// without returns p less the promise or unveiled path drop names.
func (p Plan) without(drop string) Plan {
	if drop == "" {
		return p
	}
	var promises []string
	for _, pr := range strings.Fields(p.Promises) {
		if pr != drop {
			promises = append(promises, pr)
		}
	}
	p.Promises = strings.Join(promises, " ")
	p.Unveil = slices.DeleteFunc(slices.Clone(p.Unveil), func(u UnveilPath) bool { return u.Path == drop })
	return p
}

// unveil(2) permissions as Landlock access rights. A path's rights cover
// its subtree, as an unveiled directory does.
//   - r: read files, list directories;
//   - w: write and truncate files;
//   - x: execute, and read the file: Landlock checks an execve as an open
//     for reading and executing, where unveil's x alone lets it run;
//   - c: make and remove names in a directory (files, directories,
//     sockets, fifos, symlinks; not device nodes, which pledge's dpath
//     governs), and rename across directories (refer).
var unveilRights = map[rune]landlock.AccessFSSet{
	'r': ll.AccessFSReadFile | ll.AccessFSReadDir,
	'w': ll.AccessFSWriteFile | ll.AccessFSTruncate,
	'x': ll.AccessFSExecute | ll.AccessFSReadFile,
	'c': ll.AccessFSMakeReg | ll.AccessFSMakeDir | ll.AccessFSMakeSock | ll.AccessFSMakeFifo |
		ll.AccessFSMakeSym | ll.AccessFSRemoveFile | ll.AccessFSRemoveDir | ll.AccessFSRefer,
}

// fileRights are the rights Landlock accepts on a file, not a directory.
const fileRights = ll.AccessFSExecute | ll.AccessFSWriteFile | ll.AccessFSReadFile | ll.AccessFSTruncate | ll.AccessFSIoctlDev

// enforceLandlock restricts every thread to the unveiled paths, /dev/null
// (which kern_pledge.c's pledge_namei always lets a process open) and, read
// and execute, the exec paths. Every file right Landlock had by ABI v5 is
// handled, so a kernel without them refuses rather than enforcing less.
//
// A path that does not exist is left out, as Apply on OpenBSD leaves out
// an unveil that fails with ENOENT or ENOTDIR: nothing there can be opened.
// Approximate: unveil remembers a missing file in an existing directory,
// so one created there later is reachable on OpenBSD and not here; and
// stat(2) or connect(2) to a path are outside Landlock's view at ABI v7,
// where unveil governs them too.
func enforceLandlock(unveil []UnveilPath, exec []string) error {
	var rules []landlock.Rule
	add := func(path string, rights landlock.AccessFSSet) error {
		fi, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return nil
		}
		if err != nil {
			return err
		}
		if !fi.IsDir() {
			rights &= fileRights
		}
		if rights != 0 {
			rules = append(rules, landlock.PathAccess(rights, path))
		}
		return nil
	}
	for _, u := range unveil {
		var rights landlock.AccessFSSet
		for _, c := range u.Perms {
			rights |= unveilRights[c]
		}
		if err := add(u.Path, rights); err != nil {
			return err
		}
	}
	if err := add(os.DevNull, unveilRights['r']|unveilRights['w']); err != nil {
		return err
	}
	for _, path := range exec {
		if err := add(path, unveilRights['r']|unveilRights['x']); err != nil {
			return err
		}
	}
	return landlock.V5.RestrictPaths(rules...)
}
