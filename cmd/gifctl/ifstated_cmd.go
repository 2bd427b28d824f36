package main

import (
	"context"
	"path/filepath"

	"github.com/gifctl/gifctl/ifstated"
)

// IfstatedCmd is `gifctl ifstated`.
type IfstatedCmd struct {
	Gifctl string `default:"${gifctl}" placeholder:"PATH" help:"The gifctl the generated file runs, an absolute path."`
	Watch  bool   `help:"Leave address changes to gifctl watch: no check tunnel every 5 seconds."`

	configPath string
}

// Help is the long help of gifctl ifstated --help: how to install the file.
func (i *IfstatedCmd) Help() string { return ifstated.Install("gifctl ifstated") }

func (i *IfstatedCmd) needs() needs { return needs{plan: "ifstated"} }

// prepare makes -f absolute: with a relative path Abs calls getcwd(2),
// which pledge allows only with rpath or wpath, and "stdio" has neither.
func (i *IfstatedCmd) prepare(ctx context.Context, a *app) (err error) {
	i.configPath, err = filepath.Abs(a.cli.Config)
	return usageError(err)
}

func (i *IfstatedCmd) work(ctx context.Context, a *app) error {
	o := ifstated.Options{Gifctl: i.Gifctl, ConfigPath: i.configPath, Watch: i.Watch}
	if err := ifstated.Check(a.conf, o); err != nil {
		return usageError(err)
	}
	_, err := a.stdout.Write(ifstated.Render(a.conf, o))
	return err
}
