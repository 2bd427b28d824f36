package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/broker"
	"github.com/gifctl/gifctl/internal/checklog"
	"github.com/gifctl/gifctl/internal/config"
)

// StatusCmd is `gifctl status [--json | --prom] [IF]`.
type StatusCmd struct {
	JSON   bool   `name:"json" xor:"format" help:"Print JSON, for scripts and monitoring."`
	Prom   bool   `name:"prom" xor:"format" help:"Print Prometheus metrics, for node_exporter's textfile collector."`
	Tunnel string `arg:"" optional:"" name:"IF" help:"Show only this tunnel."`

	tunnels []*config.Tunnel
	report  statusReport
}

// Help is the long help of gifctl status --help.
func (s *StatusCmd) Help() string {
	return `For each tunnel: the egress interface's IPv4 addresses, the tunnel's
endpoints as the kernel has them, whether they agree and, when not, what
repairs them (a restart, or what must come first); the broker's last
answer and when, any back-off; then the last answer of each check and
since when. Nothing secret is shown.

Examples:
  gifctl status
  gifctl status --json gif0
  gifctl status --prom`
}

// tunnelStatus is one tunnel in status's output; the JSON names are an API.
type tunnelStatus struct {
	Name        string       `json:"name"`
	Egress      string       `json:"egress"`
	EgressAddrs []netip.Addr `json:"egress_addrs"`
	EgressError string       `json:"egress_error,omitempty"`
	Source      netip.Addr   `json:"tunnel_source,omitzero"`
	Destination netip.Addr   `json:"tunnel_destination,omitzero"`
	TunnelError string       `json:"tunnel_error,omitempty"`
	// HostnameError: hostname.IF, where the remote may be, cannot be read.
	HostnameError string       `json:"hostname_error,omitempty"`
	Remote        netip.Addr   `json:"remote,omitzero"`
	Consistent    bool         `json:"consistent"`
	Broker        *brokerState `json:"broker,omitempty"`
	BrokerError   string       `json:"broker_error,omitempty"` // the state file cannot be read

	// repair is what to do when the tunnel is not consistent: a restart,
	// or what must come first.
	repair string
}

type brokerState struct {
	Address netip.Addr `json:"address,omitzero"`
	// BrokerAddress is the address the broker named: behind NAT (no
	// myip sent) the router's public address as the broker sees it.
	BrokerAddress netip.Addr `json:"broker_address,omitzero"`
	Answer        string     `json:"answer,omitempty"`
	Code          string     `json:"code,omitempty"`
	When          time.Time  `json:"when,omitzero"`
	Accepted      time.Time  `json:"accepted,omitzero"`
	BackoffUntil  time.Time  `json:"backoff_until,omitzero"`
}

type statusReport struct {
	Tunnels     []tunnelStatus    `json:"tunnels"`
	Checks      []checklog.Result `json:"checks"`
	ChecksError string            `json:"checks_error,omitempty"` // a result file cannot be read
}

func (s *StatusCmd) needs() needs { return needs{config: true, plan: "status"} }

// prepare reads each tunnel's egress addresses and endpoints.
func (s *StatusCmd) prepare(ctx context.Context, a *app) error {
	var err error
	if s.tunnels, err = a.tunnels(s.Tunnel); err != nil {
		return err
	}
	for _, t := range s.tunnels {
		ts := tunnelStatus{Name: t.Name, Egress: t.Egress, Remote: t.Remote, EgressAddrs: []netip.Addr{}}
		if addrs, err := bsd.IPv4Addrs(t.Egress); err != nil {
			ts.EgressError = err.Error()
		} else {
			ts.EgressAddrs = addrs
		}
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		src, dst, tunErr := bsd.TunnelEndpoints(ctx, t.Name, a.conf.Ifconfig)
		cancel()
		if tunErr != nil {
			ts.TunnelError = tunErr.Error()
		} else {
			ts.Source, ts.Destination = src, dst
		}
		if addrs, err := readTunnelAddrs(a.conf, t); err != nil {
			ts.HostnameError = err.Error()
		} else {
			ts.Remote = addrs.remote
		}
		ts.Consistent = tunErr == nil && bsd.Consistent(t.Name, t.Egress, ts.EgressAddrs, src, dst, ts.Remote) == nil
		ts.repair = repair(a.conf, t, ts)
		s.report.Tunnels = append(s.report.Tunnels, ts)
	}
	return nil
}

// work adds the broker's state and the checks' results, and prints it
// all. It exits 0 whatever it finds: it reports, and the checks are what
// answer yes or no.
func (s *StatusCmd) work(ctx context.Context, a *app) error {
	report := &s.report
	for i, t := range s.tunnels {
		if t.UpdateURL == nil {
			continue
		}
		st, err := broker.LoadState(a.conf.StateDir, t.Name)
		if err != nil {
			// Reported, not fatal: status shows what it can.
			report.Tunnels[i].BrokerError = err.Error()
			continue
		}
		report.Tunnels[i].Broker = &brokerState{
			Address: st.Address, BrokerAddress: st.BrokerAddress, Answer: st.Answer, Code: st.Code, When: st.When, Accepted: st.Accepted, BackoffUntil: st.BackoffUntil,
		}
	}
	checks, err := checklog.Load(a.conf.StateDir)
	if err != nil {
		report.ChecksError = err.Error()
	}
	report.Checks = checks
	if report.Checks == nil {
		report.Checks = []checklog.Result{}
	}
	if s.Prom {
		return writeProm(a.stdout, *report)
	}
	if s.JSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	printStatus(a, *report)
	return nil
}

// repair says what repairs a tunnel that is not consistent: a restart only
// when it can succeed, else what stops it.
func repair(c *config.Config, t *config.Tunnel, ts tunnelStatus) string {
	switch {
	case ts.EgressError != "":
		return ts.EgressError + "; correct egress in " + c.File
	case len(ts.EgressAddrs) == 0:
		return t.Egress + " has no IPv4 address; gifctl restart --egress " + t.Name + " restarts it first"
	case ts.HostnameError != "":
		return ts.HostnameError
	}
	if err := hostnameWritable(c, t); err != nil {
		return err.Error()
	}
	return "gifctl restart " + t.Name + " repairs it"
}

func printStatus(a *app, r statusReport) {
	w := tabwriter.NewWriter(a.stdout, 0, 8, 2, ' ', 0)
	for _, t := range r.Tunnels {
		fmt.Fprintf(w, "%s\n", t.Name)
		egress := bsd.JoinAddrs(t.EgressAddrs)
		if len(t.EgressAddrs) == 0 {
			egress = "no IPv4 address"
		}
		if t.EgressError != "" {
			egress = strings.TrimPrefix(t.EgressError, t.Egress+": ")
		}
		fmt.Fprintf(w, "  egress\t%s\t%s\n", t.Egress, egress)
		if t.HostnameError != "" {
			fmt.Fprintf(w, "  hostname\t%s\n", t.HostnameError)
		}
		if t.TunnelError != "" {
			fmt.Fprintf(w, "  tunnel\t%s\n", t.TunnelError)
		} else {
			fmt.Fprintf(w, "  tunnel\t%s --> %s\n", t.Source, t.Destination)
		}
		state := "consistent"
		if !t.Consistent {
			state = "NOT consistent: " + t.repair
		}
		fmt.Fprintf(w, "  state\t%s\n", state)
		if t.BrokerError != "" {
			fmt.Fprintf(w, "  broker\t%s\n", t.BrokerError)
		}
		if b := t.Broker; b != nil {
			switch {
			case b.When.IsZero():
				fmt.Fprintf(w, "  broker\tnever asked\n")
			default:
				fmt.Fprintf(w, "  broker\t%s\t%s\n", b.Answer, b.When.Local().Format(time.DateTime))
			}
			if b.BrokerAddress.IsValid() && b.BrokerAddress != b.Address {
				fmt.Fprintf(w, "  public address\t%s\n", b.BrokerAddress)
			}
			if !b.BackoffUntil.IsZero() && b.BackoffUntil.After(a.now()) {
				fmt.Fprintf(w, "  back-off\tuntil %s\n", b.BackoffUntil.Local().Format(time.DateTime))
			}
		}
	}
	for _, c := range r.Checks {
		answer := "false"
		if c.OK {
			answer = "true"
		}
		fmt.Fprintf(w, "check %s\t%s since %s\t%s\n", c.Check, answer, c.Since.Local().Format(time.DateTime), c.Detail)
	}
	if r.ChecksError != "" {
		for _, line := range strings.Split(r.ChecksError, "\n") {
			fmt.Fprintf(w, "check\t%s\n", line)
		}
	}
	w.Flush()
}
