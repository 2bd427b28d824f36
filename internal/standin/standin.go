package standin

import (
	"os"
	"path/filepath"
	"strings"
)

const netstart = `#!/bin/sh
echo "netstart $*" >> DIR/calls
echo "$PPID netstart $*" >> DIR/trace
[ -f DIR/dump ] && . DIR/dump.sh
# The egress interface: a DHCP lease, when the test offers one.
if [ -f DIR/lease.$1 ]; then ip addr add $(cat DIR/lease.$1) dev $1; exit 0; fi
f=DIR/etc/hostname.$1
[ -f "$f" ] || { echo "netstart: $f: No such file or directory."; exit 0; }
line=$(grep '^tunnel ' "$f" | tail -n 1)
[ -n "$line" ] && echo "$line" | cut -d' ' -f2,3 > DIR/kernel.$1
if [ -f DIR/netstart.hang ]; then sleep 3600 & echo "$$ $!" >> DIR/pids; wait; fi
if [ -f DIR/netstart.sleep ]; then sleep $(cat DIR/netstart.sleep) & echo "$$ $!" >> DIR/pids; wait; fi
exit 0
`

const ifconfig = `#!/bin/sh
echo "ifconfig $*" >> DIR/calls
echo "$PPID ifconfig $*" >> DIR/trace
[ -f DIR/dump ] && . DIR/dump.sh
if [ -f DIR/ifconfig.hang ]; then sleep 3600 & echo "$$ $!" >> DIR/pids; wait; fi
k=DIR/kernel.$1
[ -f "$k" ] || { echo "ifconfig: $1: no such interface" >&2; exit 1; }
read src dst < "$k"
printf '%s: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1280\n' "$1"
printf '\tindex 5 priority 0 llprio 3\n\tgroups: gif\n'
printf '\ttunnel: inet %s --> %s ttl 64 nodf ecn\n' "$src" "$dst"
printf '\tinet6 2001:db8:1::2 --> 2001:db8:1::1 prefixlen 128\n'
`

const pfctl = `#!/bin/sh
echo "pfctl $*" >> DIR/calls
echo "$PPID pfctl $*" >> DIR/trace
[ -f DIR/dump ] && . DIR/dump.sh
if [ -f DIR/pfctl.hang ] && [ "$1" = -n ]; then sleep 3600 & echo "$$ $!" >> DIR/pids; wait; fi
eval f=\${$#}
if grep -q BROKEN "$f"; then echo "$f:3: syntax error" >&2; exit 1; fi
exit 0
`

// Write puts the executable scripts netstart, ifconfig and pfctl into dir,
// which is also where they keep their state.
func Write(dir string) error {
	for name, text := range map[string]string{"netstart": netstart, "ifconfig": ifconfig, "pfctl": pfctl} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(text, "DIR", dir)), 0o755); err != nil {
			return err
		}
		if err := os.Chmod(p, 0o755); err != nil { // whatever the umask
			return err
		}
	}
	return nil
}

// Calls returns the scripts' calls since the last Calls, dir written DIR,
// e.g. "pfctl -n -f DIR/etc/pf.conf".
func Calls(dir string) []string {
	p := filepath.Join(dir, "calls")
	data, _ := os.ReadFile(p)
	os.Remove(p)
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if l != "" {
			out = append(out, strings.ReplaceAll(l, dir, "DIR"))
		}
	}
	return out
}
