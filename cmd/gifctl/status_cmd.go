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
)

// StatusCmd is `gifctl status [--json] [IF]`.
type StatusCmd struct {
	JSON   bool   `name:"json" help:"Print JSON, for scripts and monitoring."`
	Tunnel string `arg:"" optional:"" name:"IF" help:"Show only this tunnel."`
}

// Help is the long help of gifctl status --help.
func (s *StatusCmd) Help() string {
	return `For each tunnel: the egress interface's IPv4 addresses, the tunnel's
endpoints as the kernel has them, whether they agree, the broker's last
answer and when, any back-off; then the last answer of each check and
since when. Nothing secret is shown.

Examples:
  gifctl status
  gifctl status --json gif0`
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
	Remote      netip.Addr   `json:"remote,omitzero"`
	Consistent  bool         `json:"consistent"`
	Broker      *brokerState `json:"broker,omitempty"`
	BrokerError string       `json:"broker_error,omitempty"` // the state file cannot be read
}

type brokerState struct {
	Address      netip.Addr `json:"address,omitzero"`
	Answer       string     `json:"answer,omitempty"`
	When         time.Time  `json:"when,omitzero"`
	Accepted     time.Time  `json:"accepted,omitzero"`
	BackoffUntil time.Time  `json:"backoff_until,omitzero"`
}

type statusReport struct {
	Tunnels     []tunnelStatus    `json:"tunnels"`
	Checks      []checklog.Result `json:"checks"`
	ChecksError string            `json:"checks_error,omitempty"` // a result file cannot be read
}

// Run prints the status. It exits 0 whatever it finds: it reports, and the
// checks are what answer yes or no.
func (s *StatusCmd) Run(a *app) error {
	c, tunnels, err := a.tunnels(s.Tunnel)
	if err != nil {
		return err
	}
	var report statusReport
	for _, t := range tunnels {
		ts := tunnelStatus{Name: t.Name, Egress: t.Egress, Remote: t.Remote, EgressAddrs: []netip.Addr{}}
		if addrs, err := bsd.IPv4Addrs(t.Egress); err != nil {
			ts.EgressError = err.Error()
		} else {
			ts.EgressAddrs = addrs
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		src, dst, err := bsd.TunnelEndpoints(ctx, t.Name, c.Ifconfig)
		cancel()
		if err != nil {
			ts.TunnelError = err.Error()
		} else {
			ts.Source, ts.Destination = src, dst
		}
		if !ts.Remote.IsValid() {
			ts.Remote = hostnameDestination(c.HostnameDir, t.Name)
		}
		// As check tunnel: with no remote known, any destination will do.
		ts.Consistent = err == nil && containsAddr(ts.EgressAddrs, src) && (!ts.Remote.IsValid() || dst == ts.Remote)
		report.Tunnels = append(report.Tunnels, ts)
	}
	if err := a.sandbox("status"); err != nil {
		return err
	}
	for i, t := range tunnels {
		if t.UpdateURL == nil {
			continue
		}
		st, err := broker.LoadState(c.StateDir, t.Name)
		if err != nil {
			// Reported, not fatal: status shows what it can.
			report.Tunnels[i].BrokerError = err.Error()
			continue
		}
		report.Tunnels[i].Broker = &brokerState{
			Address: st.Address, Answer: st.Answer, When: st.When, Accepted: st.Accepted, BackoffUntil: st.BackoffUntil,
		}
	}
	checks, err := checklog.Load(c.StateDir)
	if err != nil {
		report.ChecksError = err.Error()
	}
	report.Checks = checks
	if report.Checks == nil {
		report.Checks = []checklog.Result{}
	}
	if s.JSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	printStatus(a, report)
	return nil
}

func printStatus(a *app, r statusReport) {
	w := tabwriter.NewWriter(a.stdout, 0, 8, 2, ' ', 0)
	for _, t := range r.Tunnels {
		fmt.Fprintf(w, "%s\n", t.Name)
		egress := joinAddrList(t.EgressAddrs)
		if t.EgressError != "" {
			egress = t.EgressError
		}
		fmt.Fprintf(w, "  egress\t%s\t%s\n", t.Egress, egress)
		if t.TunnelError != "" {
			fmt.Fprintf(w, "  tunnel\t%s\n", t.TunnelError)
		} else {
			fmt.Fprintf(w, "  tunnel\t%s --> %s\n", t.Source, t.Destination)
		}
		state := "consistent"
		if !t.Consistent {
			state = "NOT consistent: gifctl restart " + t.Name + " repairs it"
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

func containsAddr(list []netip.Addr, a netip.Addr) bool {
	for _, b := range list {
		if a == b {
			return true
		}
	}
	return false
}

func joinAddrList(addrs []netip.Addr) string {
	if len(addrs) == 0 {
		return "no IPv4 address"
	}
	s := make([]string, len(addrs))
	for i, a := range addrs {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}
