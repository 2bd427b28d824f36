package main

import (
	"context"
	"time"

	"github.com/gifctl/gifctl/internal/restart"
)

// RestartCmd is `gifctl restart [-n] [--egress] [IF]`, ifstated's action.
type RestartCmd struct {
	Egress  bool     `help:"First restart the egress interface and wait for an IPv4 address."`
	Timeout duration `default:"30s" placeholder:"DURATION" help:"Give up after this long (${default}), killing whatever still runs."`
	Wait    duration `default:"15s" placeholder:"DURATION" help:"With --egress, how long to wait for an IPv4 address (${default})."`
	Tunnel  string   `arg:"" optional:"" name:"IF" help:"The tunnel to restart; needed only when there are several."`

	job *restart.Job
}

func (r *RestartCmd) needs() needs {
	plan := "restart"
	if r.Egress {
		plan = "restart-egress"
	}
	return needs{root: true, lock: true, timeout: time.Duration(r.Timeout), plan: plan}
}

// prepare reads the kernel's tunnel: an ioctl pledge forbids.
func (r *RestartCmd) prepare(ctx context.Context, a *app) error {
	t, err := a.tunnel(r.Tunnel)
	if err != nil {
		return err
	}
	r.job = &restart.Job{Config: a.conf, Tunnel: t, Sys: restart.NewSystem(a.conf), Log: a.log, DryRun: a.cli.NoAction, Out: a.stdout}
	r.job.ReadKernel(ctx)
	return nil
}

func (r *RestartCmd) work(ctx context.Context, a *app) error {
	if r.Egress {
		return r.job.RestartEgress(ctx, time.Duration(r.Wait))
	}
	return r.job.Restart(ctx)
}
