package standin

import (
	"os"
	"path/filepath"
	"strings"
)

// Each script logs its call, then obeys the control files; only the part
// that reads or changes interfaces (KERNEL) depends on Options.
const prologue = `#!/bin/sh
echo "NAME $*" >> DIR/calls
echo "${RELAY_CALLER:-$PPID} NAME $*" >> DIR/trace
[ -f DIR/dump ] && . DIR/dump.sh
`

const netstart = `# The egress interface: a DHCP lease, when the test offers one.
if [ -f DIR/lease.$1 ]; then ip addr add $(cat DIR/lease.$1) dev $1; exit 0; fi
KERNEL
if [ -f DIR/netstart.hang ]; then sleep 3600 & echo "$$ $!" >> DIR/pids; wait; fi
if [ -f DIR/netstart.sleep ]; then sleep $(cat DIR/netstart.sleep) & echo "$$ $!" >> DIR/pids; wait; fi
exit 0
`

// netstartFile applies hostname.IF's last tunnel line to DIR/kernel.IF.
const netstartFile = `f=DIR/etc/hostname.$1
[ -f "$f" ] || { echo "netstart: $f: No such file or directory."; exit 0; }
line=$(grep '^tunnel ' "$f" | tail -n 1)
[ -n "$line" ] && echo "$line" | cut -d' ' -f2,3 > DIR/kernel.$1`

const ifconfig = `if [ -f DIR/ifconfig.hang ]; then sleep 3600 & echo "$$ $!" >> DIR/pids; wait; fi
KERNEL
`

// ifconfigFile prints DIR/kernel.IF's tunnel in OpenBSD's format.
const ifconfigFile = `k=DIR/kernel.$1
[ -f "$k" ] || { echo "ifconfig: $1: no such interface" >&2; exit 1; }
read src dst < "$k"
printf '%s: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1280\n' "$1"
printf '\tindex 5 priority 0 llprio 3\n\tgroups: gif\n'
printf '\ttunnel: inet %s --> %s ttl 64 nodf ecn\n' "$src" "$dst"
printf '\tinet6 2001:db8:1::2 --> 2001:db8:1::1 prefixlen 128\n'`

const pfctl = `if [ "$*" = "-s info" ]; then
	if [ -f DIR/pf.disabled ]; then echo "Status: Disabled"; else echo "Status: Enabled for 0 days 00:00:01"; fi
	exit 0
fi
if [ -f DIR/pfctl.hang ] && [ "$1" = -n ]; then sleep 3600 & echo "$$ $!" >> DIR/pids; wait; fi
eval f=\${$#}
if grep -q BROKEN "$f"; then echo "$f:2: syntax error" >&2; exit 1; fi
case " $* " in
*" -n "*) ;;
*) cp "$f" DIR/pf.loaded ;;
esac
exit 0
`

// Options says where the interfaces of netstart and ifconfig live. The
// zero value keeps them in files, DIR/kernel.IF: as cheap as a shell
// script can be, for the tests of the built binary and the benchmarks.
type Options struct {
	// Gifsim is the command line that runs gifsim (a binary, or env and a
	// test binary that doubles as gifsim). When set, netstart and ifconfig
	// hand their arguments to its netstart and ifconfig subcommands, which
	// apply DIR/etc/hostname.IF to the simulation's gifs and print them.
	Gifsim []string
	Ctl    string // the gifs' control directory, with Gifsim
}

// Write puts the executable scripts netstart, ifconfig and pfctl into dir,
// which is also where they keep their state and read their control files,
// and where etc/hostname.IF is.
func Write(dir string, o Options) error {
	netstartKernel, ifconfigKernel := netstartFile, ifconfigFile
	if len(o.Gifsim) > 0 {
		// Quoted, and put in after DIR is: these paths are taken as they are.
		gifsim := ""
		for _, w := range o.Gifsim {
			gifsim += shellQuote(w) + " "
		}
		ctl := " -ctl " + shellQuote(o.Ctl) + ` "$@"`
		netstartKernel = gifsim + "netstart -hostname-dir " + shellQuote(filepath.Join(dir, "etc")) + ctl
		ifconfigKernel = "exec " + gifsim + "ifconfig" + ctl
	}
	for _, s := range []struct{ name, text, kernel string }{
		{"netstart", netstart, netstartKernel},
		{"ifconfig", ifconfig, ifconfigKernel},
		{"pfctl", pfctl, ""},
	} {
		text := strings.ReplaceAll(prologue, "NAME", s.name) + s.text
		kernel := s.kernel
		if len(o.Gifsim) == 0 {
			kernel = strings.ReplaceAll(kernel, "DIR", dir)
		}
		text = strings.Replace(strings.ReplaceAll(text, "DIR", dir), "KERNEL", kernel, 1)
		p := filepath.Join(dir, s.name)
		if err := os.WriteFile(p, []byte(text), 0o755); err != nil {
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

// shellQuote quotes s for sh: in single quotes, each ' inside closing the
// quotes, escaped, and opening them again.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
