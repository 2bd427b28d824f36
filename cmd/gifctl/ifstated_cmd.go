package main

import (
	"context"
	"path/filepath"

	"github.com/gifctl/gifctl/ifstated"
)

// IfstatedCmd is `gifctl ifstated`.
type IfstatedCmd struct {
	Gifctl string `default:"/usr/local/sbin/gifctl" placeholder:"PATH" help:"The gifctl the generated file runs, an absolute path."`
	Watch  bool   `help:"Leave address changes to gifctl watch (rc.d/gifctl): no check tunnel every 5 seconds."`

	configPath string
}

// Help is the long help of gifctl ifstated --help.
func (i *IfstatedCmd) Help() string {
	return `Print an ifstated.conf(5) that drives gifctl for every tunnel in the
configuration: a cheap "check tunnel" every 5 seconds that repairs an
address change at once, the check ipv4 and check ipv6 blocks as states
like those of a hand-written setup (auto, no_ipv4, no_ipv6), retries of a
failed restart every minute, and the heartbeat where one is configured.
With --watch, the file runs no check tunnel: gifctl watch, started by
rcctl, repairs an address change as soon as the kernel reports it.

` + ifstated.Install("gifctl ifstated")
}

func (i *IfstatedCmd) needs() needs { return needs{config: true, plan: "ifstated"} }

// prepare makes -f absolute: with a relative path Abs calls getcwd(2),
// which pledge allows only with rpath or wpath, and "stdio" has neither.
func (i *IfstatedCmd) prepare(ctx context.Context, a *app) (err error) {
	if i.configPath, err = filepath.Abs(a.cli.Config); err != nil {
		return usageError(err)
	}
	return nil
}

// work prints the file.
func (i *IfstatedCmd) work(ctx context.Context, a *app) error {
	o := ifstated.Options{Gifctl: i.Gifctl, ConfigPath: i.configPath, Watch: i.Watch}
	if err := ifstated.Check(a.conf, o); err != nil {
		return usageError(err)
	}
	_, err := a.stdout.Write(ifstated.Render(a.conf, o))
	return err
}
