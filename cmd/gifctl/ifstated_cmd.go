package main

import (
	"path/filepath"

	"github.com/gifctl/gifctl/ifstated"
)

// IfstatedCmd is `gifctl ifstated`.
type IfstatedCmd struct {
	Gifctl string `default:"/usr/local/sbin/gifctl" placeholder:"PATH" help:"The gifctl the generated file runs, an absolute path."`
}

// Help is the long help of gifctl ifstated --help.
func (i *IfstatedCmd) Help() string {
	return `Print an ifstated.conf(5) that drives gifctl for every tunnel in the
configuration: a cheap "check tunnel" every 5 seconds that repairs an
address change at once, the check ipv4 and check ipv6 blocks as states
like those of a hand-written setup (auto, no_ipv4, no_ipv6), retries of a
failed restart every minute, and the heartbeat where one is configured.

` + ifstated.Install("gifctl ifstated")
}

// Run prints the file.
func (i *IfstatedCmd) Run(a *app) error {
	c, err := a.loadConfig()
	if err != nil {
		return err
	}
	// Before the sandbox: a relative -c makes Abs call getcwd(2), which
	// pledge allows only with rpath or wpath, and "stdio" has neither.
	configPath, err := filepath.Abs(a.cli.Config)
	if err != nil {
		return usageError(err)
	}
	if err := a.sandbox("ifstated"); err != nil {
		return err
	}
	o := ifstated.Options{Gifctl: i.Gifctl, ConfigPath: configPath}
	if err := ifstated.Check(c, o); err != nil {
		return usageError(err)
	}
	_, err = a.stdout.Write(ifstated.Render(c, o))
	return err
}
