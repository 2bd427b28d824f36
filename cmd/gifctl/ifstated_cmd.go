package main

import (
	"context"

	"github.com/gifctl/gifctl/ifstated"
)

// IfstatedCmd is `gifctl ifstated`.
type IfstatedCmd struct {
	Gifctl string `default:"${gifctl}" placeholder:"PATH" help:"The gifctl the generated file runs, an absolute path."`
	Watch  bool   `help:"Leave address changes to gifctl watch: no check tunnel every 5 seconds."`
}

// Help is the long help of gifctl ifstated --help: how to install the file.
func (i *IfstatedCmd) Help() string { return ifstated.Install("gifctl ifstated") }

func (i *IfstatedCmd) needs() needs { return needs{plan: "ifstated"} }

func (i *IfstatedCmd) prepare(ctx context.Context, a *app) error { return nil }

func (i *IfstatedCmd) work(ctx context.Context, a *app) error {
	o := ifstated.Options{Gifctl: i.Gifctl, ConfigPath: a.paths.Config, Watch: i.Watch}
	if err := ifstated.Check(a.conf, o); err != nil {
		return usageError(err)
	}
	_, err := a.stdout.Write(ifstated.Render(a.conf, o))
	return err
}
