package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/alecthomas/kong"
)

const description = `gifctl keeps a gif(4) IPv6-in-IPv4 tunnel working on a router whose IPv4
address changes. ifstated(8) runs "gifctl check ..." as its tests and
"gifctl restart" as its actions; "gifctl ifstated" prints an ifstated.conf
that does so.

Exit status: 0 done (a check: true), 1 a step failed (a check: false),
2 bad usage or configuration.

Examples:
  gifctl -n                          check /etc/gifctl.conf
  gifctl restart -n gif0             show what a restart would change
  gifctl ifstated --help             how to install the ifstated.conf it prints`

// CLI is the command line. Flags before the command apply to all commands;
// -n is shared on purpose: alone it checks the configuration, with restart
// it shows what would be done, and in both cases nothing is changed.
type CLI struct {
	Config   string           `short:"f" aliases:"c" default:"/etc/gifctl.conf" placeholder:"FILE" help:"Read the configuration from FILE; -c FILE is the same."`
	Verbose  bool             `short:"v" help:"Say more: why a check is false; what each step of a restart did, or why it was skipped."`
	NoAction bool             `short:"n" name:"noaction" help:"Change nothing. Alone, check the configuration, warn of what would keep it from working here, and print \"configuration OK\"; with restart, print the diff of hostname.IF and the commands it would run; with update and heartbeat, print what would be sent; checks answer without recording their result."`
	Version  kong.VersionFlag `help:"Print the version and exit."`

	Check     CheckCmd     `cmd:"" help:"Test the tunnel or the connectivity; the exit status is the answer."`
	Restart   RestartCmd   `cmd:"" help:"Point the tunnel at the egress interface's current IPv4 address and tell the broker."`
	Update    UpdateCmd    `cmd:"" help:"Tell the broker the current address, without touching the tunnel."`
	Heartbeat HeartbeatCmd `cmd:"" help:"Send one SixXS-style heartbeat for a tunnel."`
	Status    StatusCmd    `cmd:"" help:"Show addresses, endpoints, the broker's last answer and the last checks."`
	Doctor    DoctorCmd    `cmd:"" help:"Say why the tunnel does not work, and how to fix it; changes nothing."`
	Ifstated  IfstatedCmd  `cmd:"" help:"Print an ifstated.conf(5) that drives gifctl."`
	Watch     WatchCmd     `cmd:"" help:"Restart a tunnel as soon as the egress address changes; the daemon of rc.d/gifctl."`

	ConfigTest ConfigTestCmd `cmd:"" hidden:"" default:"1"`
}

// duration is a flag's duration, written as gifctl.conf writes a timeout:
// a bare number is seconds ("5"); "500ms" and "1m30s" have their units.
type duration time.Duration

// UnmarshalText is how kong reads the flag.
func (d *duration) UnmarshalText(b []byte) error {
	s := string(b)
	if s != "" && strings.Trim(s, "0123456789") == "" {
		s += "s"
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return fmt.Errorf("%q: want seconds, or a number with a unit, as 500ms or 1m30s", b)
	}
	*d = duration(v)
	return nil
}

// ConfigTestCmd runs when no command is given: with -n it checks the
// configuration, as ifstated -n and pfctl -n do; without, run refuses it.
type ConfigTestCmd struct{}

func (c *ConfigTestCmd) needs() needs { return needs{config: true, plan: "configtest"} }

// prepare looks for what would keep the configuration from working here
// (preflight): before the sandbox, which lets -n read nothing.
func (c *ConfigTestCmd) prepare(_ context.Context, a *app) error {
	warn, notes := preflight(a.conf)
	for _, n := range notes {
		a.log.Infof("%s", n)
	}
	for _, w := range warn {
		a.log.Warnf("warning: %s", w)
	}
	return nil
}

func (c *ConfigTestCmd) work(ctx context.Context, a *app) error {
	fmt.Fprintln(a.stdout, "configuration OK")
	return nil
}
