package gifsim

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gifctl/gifctl/hostnameif"
)

// netstartMain is the stand-in for `sh /etc/netstart IF...`.
func netstartMain(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("gifsim netstart", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dir := fl.String("hostname-dir", "/etc", "`directory` holding hostname.IF files")
	ctl := fl.String("ctl", ctlDir(), "control `directory` of the userspace gifs")
	dry := fl.Bool("n", false, "print the commands instead of running them")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	h := newHost(*ctl)
	for _, ifname := range fl.Args() {
		netstart(h, *dir, ifname, *dry, stdout, stderr)
	}
	// netstart's status says nothing: callers must read the result back.
	return 0
}

// netstart applies DIR/hostname.IF as OpenBSD's netstart (v1.229, ifstart)
// does: it checks the file's permissions, creates the interface if it is
// missing (ifconfig IF || ifconfig IF create) and runs the file's commands
// in order (hostnameif.Commands). ifconfig commands go to the ifconfig
// stand-in; of the ! lines, route(8) changes of the default route are
// carried out and any other is printed as netstart -n prints it, because
// the stand-in does not hand root shell lines to a shell. Failures are
// printed and the next command runs, as in netstart.
func netstart(h host, dir, ifname string, dry bool, stdout, stderr io.Writer) {
	path := filepath.Join(dir, "hostname."+ifname)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "netstart: %s: No such file or directory.\n", path)
		return
	}
	if err != nil {
		fmt.Fprintf(stderr, "netstart: %s: %v\n", path, err)
		return
	}
	if !dry {
		fixPermissions(path, stdout, stderr)
	}
	cmds := hostnameif.Parse(data).Commands(ifname)
	if dry {
		fmt.Fprintf(stdout, "{ ifconfig %s || ifconfig %s create; }\n", ifname, ifname)
		for _, c := range cmds {
			fmt.Fprintln(stdout, c.Eval)
		}
		return
	}
	if _, err := h.Interface(ifname); errors.Is(err, errNoSuchInterface) {
		ifconfig(h, []string{ifname, "create"}, stdout, stderr)
	}
	for _, c := range cmds {
		if c.Ifconfig != nil {
			ifconfig(h, append([]string{ifname}, c.Ifconfig...), stdout, stderr)
			continue
		}
		if ok, err := route(h, c.Eval); ok {
			if err != nil {
				fmt.Fprintf(stderr, "route: %v\n", err)
			}
			continue
		}
		fmt.Fprintln(stdout, c.Eval)
	}
}

// fixPermissions does what netstart does for a hostname.if that is not
// root:wheel or has "other" bits: warn, chmod o-rwx, chown root:wheel.
func fixPermissions(path string, stdout, stderr io.Writer) {
	fi, err := os.Stat(path)
	if err != nil {
		return
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if fi.Mode().Perm()&0o007 == 0 && ok && st.Uid == 0 && st.Gid == 0 {
		return
	}
	fmt.Fprintf(stdout, "WARNING: %s is insecure, fixing permissions.\n", path)
	if err := os.Chmod(path, fi.Mode().Perm()&^0o007); err != nil {
		fmt.Fprintf(stderr, "chmod: %v\n", err)
	}
	if err := os.Chown(path, 0, 0); err != nil {
		fmt.Fprintf(stderr, "chown: %v\n", err)
	}
}

// route carries out a ! line that is route(8) adding, changing or deleting
// the default route: `route [-qn] add [-inet6|-inet] default GW`. ok is
// false for any other line.
func route(h host, line string) (ok bool, err error) {
	f := strings.Fields(line)
	if len(f) == 0 || f[0] != "route" {
		return false, nil
	}
	f = f[1:]
	for len(f) > 0 && strings.HasPrefix(f[0], "-") && strings.Trim(f[0], "-qnv") == "" {
		f = f[1:] // -q, -n, -qn: quiet, numeric
	}
	if len(f) == 0 {
		return false, nil
	}
	op := f[0]
	if op != "add" && op != "change" && op != "delete" {
		return false, nil
	}
	f = f[1:]
	inet6 := false
	if len(f) > 0 && (f[0] == "-inet6" || f[0] == "-inet") {
		inet6 = f[0] == "-inet6"
		f = f[1:]
	}
	if len(f) == 0 || f[0] != "default" {
		return false, nil
	}
	f = f[1:]
	var gw netip.Addr
	if op != "delete" {
		if len(f) != 1 {
			return false, nil
		}
		if gw, err = netip.ParseAddr(f[0]); err != nil || gw.Is6() != inet6 {
			return true, fmt.Errorf("%s: bad address", f[0])
		}
	} else if len(f) > 1 {
		return false, nil
	}
	return true, h.Route(op, gw, inet6)
}
