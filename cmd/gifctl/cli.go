package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/alecthomas/kong"
)

// description heads gifctl --help; gifctl(8) is the full documentation.
const description = `Keep a gif(4) IPv6-in-IPv4 tunnel working on a router whose IPv4 address
changes: ifstated(8) runs "gifctl check ..." as tests and "gifctl restart"
as actions. Exit status: 0 done or true, 1 failed or false, 2 bad usage or
configuration. See gifctl(8).`

// CLI is the command line. Flags before the command apply to all commands;
// -n is shared on purpose: alone it checks the configuration, with restart
// it shows what would be done, and in both cases nothing is changed.
type CLI struct {
	Config   string           `short:"f" aliases:"c" default:"/etc/gifctl.conf" placeholder:"FILE" help:"Read the configuration from FILE (-c FILE also)."`
	Verbose  bool             `short:"v" help:"Say why a check is false and what each step did."`
	NoAction bool             `short:"n" name:"noaction" help:"Change nothing: check the configuration, or print what a command would do."`
	Version  kong.VersionFlag `help:"Print the version and exit."`

	Check     CheckCmd     `cmd:"" help:"Test the tunnel or the connectivity; the exit status is the answer."`
	Restart   RestartCmd   `cmd:"" help:"Point the tunnel at the egress address and tell the broker."`
	Update    UpdateCmd    `cmd:"" help:"Tell the broker the current address, without touching the tunnel."`
	Heartbeat HeartbeatCmd `cmd:"" help:"Send one SixXS-style heartbeat for a tunnel."`
	Status    StatusCmd    `cmd:"" help:"Show addresses, endpoints, the broker's last answer and the last checks."`
	Doctor    DoctorCmd    `cmd:"" help:"Say why the tunnel does not work, and how to fix it; changes nothing."`
	Ifstated  IfstatedCmd  `cmd:"" help:"Print an ifstated.conf(5) that drives gifctl."`
	Watch     WatchCmd     `cmd:"" help:"Restart a tunnel as soon as the egress address changes (rc.d/gifctl)."`

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
