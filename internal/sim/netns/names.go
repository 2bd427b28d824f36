package netns

import (
	"fmt"
	"strconv"
	"strings"
)

// Prefix starts the name of every namespace this package makes.
const Prefix = "gifsim-"

// owner identifies the process that made a namespace: its pid and its
// start time in clock ticks since boot (/proc/PID/stat field 22), which
// tells a live owner from a recycled pid.
type owner struct {
	pid   int
	start uint64
}

// nsName is the namespace name for role in lab number n of owner o.
func nsName(o owner, n uint64, role string) string {
	return fmt.Sprintf("%s%d-%d-%d-%s", Prefix, o.pid, o.start, n, role)
}

// parseName recovers the owner from a name made by nsName.
func parseName(name string) (owner, bool) {
	rest, ok := strings.CutPrefix(name, Prefix)
	if !ok {
		return owner{}, false
	}
	f := strings.SplitN(rest, "-", 4)
	if len(f) != 4 {
		return owner{}, false
	}
	pid, err1 := strconv.Atoi(f[0])
	start, err2 := strconv.ParseUint(f[1], 10, 64)
	if err1 != nil || err2 != nil || pid <= 0 {
		return owner{}, false
	}
	return owner{pid: pid, start: start}, true
}
