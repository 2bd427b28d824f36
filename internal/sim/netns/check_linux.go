package netns

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"golang.org/x/sys/unix"
)

// Check reports every missing prerequisite of the simulation in one error:
// root, ip(8), /dev/net/tun (it tries modprobe tun first), raw sockets and
// network namespaces. nil means a Lab can be built.
func Check() error {
	var missing []string
	if uid := os.Geteuid(); uid != 0 {
		missing = append(missing, fmt.Sprintf("root (running as uid %d)", uid))
	}
	if _, err := exec.LookPath("ip"); err != nil {
		missing = append(missing, "ip(8) from iproute2 (apt-get install iproute2)")
	}
	if err := checkTUN(); err != nil {
		missing = append(missing, err.Error())
	}
	if fd, err := unix.Socket(unix.AF_INET, unix.SOCK_RAW, unix.IPPROTO_IPV6); err != nil {
		missing = append(missing, fmt.Sprintf("raw IPv4 sockets for protocol 41 (needs CAP_NET_RAW): %v", err))
	} else {
		unix.Close(fd)
	}
	if _, err := os.Stat("/proc/self/ns/net"); err != nil {
		missing = append(missing, "network namespaces (kernel without CONFIG_NET_NS?)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("netns: missing prerequisites: %s", strings.Join(missing, "; "))
	}
	return nil
}

// checkTUN makes sure /dev/net/tun exists and opens, loading the module if
// the node is missing.
func checkTUN() error {
	const dev = "/dev/net/tun"
	if _, err := os.Stat(dev); errors.Is(err, os.ErrNotExist) {
		out, merr := exec.Command("modprobe", "tun").CombinedOutput()
		if _, err := os.Stat(dev); err != nil {
			why := strings.TrimSpace(string(out))
			if merr != nil && why == "" {
				why = merr.Error()
			}
			return fmt.Errorf("%s (missing; modprobe tun: %s)", dev, why)
		}
	}
	fd, err := unix.Open(dev, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("%s: %v", dev, err)
	}
	unix.Close(fd)
	return nil
}
