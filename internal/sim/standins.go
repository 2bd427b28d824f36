package sim

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// StandIns are the paths of the stand-in scripts WriteStandIns made.
type StandIns struct {
	Netstart string // run as `sh NETSTART IF`, like /etc/netstart
	Ifconfig string // executable, like /sbin/ifconfig
}

// WriteStandIns writes netstart and ifconfig scripts into dir that run
// prog's stand-ins with the given control directory (the gifs' sockets)
// and hostname directory (where hostname.IF files live), so that a program
// configured with `set netstart` and `set ifconfig` paths drives the
// simulation exactly as it would drive OpenBSD. They must run inside the
// namespace whose interfaces they manage (the router's).
func WriteStandIns(dir string, prog Program, ctl, hostnameDir string) (StandIns, error) {
	env := ""
	for _, e := range prog.Env {
		env += shellQuote(e) + " "
	}
	scripts := map[string]string{
		"netstart": fmt.Sprintf("#!/bin/sh\n# netstart(8) stand-in: applies hostname.IF files to the simulation's interfaces.\nexec env %s%s netstart -hostname-dir %s -ctl %s \"$@\"\n",
			env, shellQuote(prog.Path), shellQuote(hostnameDir), shellQuote(ctl)),
		"ifconfig": fmt.Sprintf("#!/bin/sh\n# ifconfig(8) stand-in: prints and changes the simulation's interfaces the OpenBSD way.\nexec env %s%s ifconfig -ctl %s \"$@\"\n",
			env, shellQuote(prog.Path), shellQuote(ctl)),
	}
	for name, text := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o755); err != nil {
			return StandIns{}, fmt.Errorf("sim: %w", err)
		}
	}
	return StandIns{Netstart: filepath.Join(dir, "netstart"), Ifconfig: filepath.Join(dir, "ifconfig")}, nil
}

// shellQuote quotes s for sh: single quotes, each ' written as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
