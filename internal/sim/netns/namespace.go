package netns

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// runDir is where ip-netns(8) keeps the bind mounts that name namespaces.
const runDir = "/run/netns"

// Namespace is one named network namespace of a Lab.
type Namespace struct {
	Name string

	mu    sync.Mutex
	procs []*Process
}

func (n *Namespace) path() string { return filepath.Join(runDir, n.Name) }

func (n *Namespace) String() string { return n.Name }

// IP runs `ip -n NAME ARGS...`.
func (n *Namespace) IP(args ...string) error {
	return run(append([]string{"ip", "-n", n.Name}, args...)...)
}

// Command returns `ip netns exec NAME argv...`, not started and not
// tracked: for short commands whose end the caller waits for.
func (n *Namespace) Command(ctx context.Context, argv ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name}, argv...)...)
}

// Run runs argv inside the namespace and returns its combined output; the
// error carries the output too.
func (n *Namespace) Run(ctx context.Context, argv ...string) ([]byte, error) {
	out, err := n.Command(ctx, argv...).CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%s: %s: %w: %s", n.Name, strings.Join(argv, " "), err, bytes.TrimSpace(out))
	}
	return out, nil
}

// Start starts argv inside the namespace in its own process group, and
// tracks it: the Lab's Close stops it if the caller has not. Extra
// environment entries ("K=V") are added to the process's environment.
func (n *Namespace) Start(env []string, argv ...string) (*Process, error) {
	return n.StartLogged(env, nil, argv...)
}

// StartLogged is Start with the process's output also copied to log as it
// comes (log must be safe for use by several processes at once), for a
// live view such as the demo's.
func (n *Namespace) StartLogged(env []string, log io.Writer, argv ...string) (*Process, error) {
	p, err := startProcess(n.Name, env, log, argv)
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	n.procs = append(n.procs, p)
	n.mu.Unlock()
	return p, nil
}

// Processes are those Start started, running or not.
func (n *Namespace) Processes() []*Process {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]*Process(nil), n.procs...)
}

// Inode identifies the namespace; after it is gone, no process may be
// left whose /proc/PID/ns/net names it (see PidsIn).
func (n *Namespace) Inode() (uint64, error) { return nsInode(n.path()) }

// PidsIn lists the processes living in the namespace with inode ino.
func PidsIn(ino uint64) []int { return pidsInNetns(ino) }

// run runs a command outside any namespace and folds its output into the error.
func run(argv ...string) error {
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

func dotsToSlashes(key string) string { return strings.ReplaceAll(key, ".", "/") }
