package main

import (
	"context"
	"time"

	"github.com/gifctl/gifctl/internal/doctor"
)

// DoctorCmd is `gifctl doctor [--json] [IF]`.
type DoctorCmd struct {
	JSON   bool   `name:"json" help:"Print the findings as JSON."`
	Tunnel string `arg:"" optional:"" name:"IF" help:"Diagnose only this tunnel."`

	g        *doctor.Gatherer
	warnings []string // what gifctl -n warns of
}

func (d *DoctorCmd) needs() needs { return needs{plan: "doctor"} }

// prepare reads what gifctl -n warns of, hostname.IF and the kernel, and
// opens the probes' raw sockets.
func (d *DoctorCmd) prepare(ctx context.Context, a *app) error {
	tunnels, err := a.tunnels(d.Tunnel)
	if err != nil {
		return err
	}
	d.warnings, _ = preflight(a.conf)
	d.g = doctor.Open(ctx, a.conf, tunnels)
	return nil
}

// work asks pfctl, reads the broker state, probes, and prints the findings.
func (d *DoctorCmd) work(ctx context.Context, a *app) error {
	defer d.g.Close()
	findings := []doctor.Finding{doctor.Config(a.conf.File)}
	for _, w := range d.warnings {
		findings = append(findings, doctor.Finding{ID: "config.preflight", Level: doctor.Warn, Message: w})
	}
	for _, f := range d.g.Finish(ctx) {
		findings = append(findings, doctor.Judge(f, time.Now())...)
	}
	if !d.JSON {
		doctor.Write(a.stdout, findings)
	} else if err := writeJSON(a.stdout, map[string]any{"findings": findings}); err != nil {
		return err
	}
	if doctor.Failed(findings) {
		return errFalse
	}
	return nil
}
