package netns

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// startTime returns field 22 of /proc/PID/stat, the process's start time
// in clock ticks since boot.
func startTime(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces and parentheses; the
	// fields after its closing parenthesis are plain.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: malformed", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state), so field 22 is f[19].
	if len(f) < 20 {
		return 0, fmt.Errorf("/proc/%d/stat: malformed", pid)
	}
	return strconv.ParseUint(f[19], 10, 64)
}

// self is the owner to put in the names of the namespaces this process makes.
func self() (owner, error) {
	pid := os.Getpid()
	start, err := startTime(pid)
	return owner{pid: pid, start: start}, err
}

// alive reports whether the owner process still runs: same pid, same
// start time.
func (o owner) alive() bool {
	start, err := startTime(o.pid)
	return err == nil && start == o.start
}

// nsInode is the inode that identifies the network namespace at path.
func nsInode(path string) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}

// pidsInNetns lists the processes whose network namespace has inode ino,
// as /proc/*/ns/net shows it ("net:[INODE]").
func pidsInNetns(ino uint64) []int {
	want := fmt.Sprintf("net:[%d]", ino)
	ents, _ := filepath.Glob("/proc/[0-9]*/ns/net")
	var pids []int
	for _, e := range ents {
		link, err := os.Readlink(e)
		if err != nil || link != want {
			continue
		}
		pid, err := strconv.Atoi(strings.Split(e, "/")[2])
		if err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}
