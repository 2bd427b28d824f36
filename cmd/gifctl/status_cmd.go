package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/netip"
	"strconv"
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

// tunnelStatus is one tunnel in status's output; the JSON names are an API.
type tunnelStatus struct {
	Name          string        `json:"name"`
	Egress        string        `json:"egress"`
	EgressAddrs   []netip.Addr  `json:"egress_addrs"`
	EgressError   string        `json:"egress_error,omitempty"`
	Source        netip.Addr    `json:"tunnel_source,omitzero"`
	Destination   netip.Addr    `json:"tunnel_destination,omitzero"`
	TunnelError   string        `json:"tunnel_error,omitempty"`
	HostnameError string        `json:"hostname_error,omitempty"` // hostname.IF may name the remote
	Remote        netip.Addr    `json:"remote,omitzero"`
	Consistent    bool          `json:"consistent"`
	Broker        *broker.State `json:"broker,omitempty"`       // without url_hash
	BrokerError   string        `json:"broker_error,omitempty"` // the state file cannot be read

	repair string // what to do when not consistent: a restart, or what must come first
}

type statusReport struct {
	Tunnels     []tunnelStatus    `json:"tunnels"`
	Checks      []checklog.Result `json:"checks"`
	ChecksError string            `json:"checks_error,omitempty"` // a result file cannot be read
}

func (s *StatusCmd) needs() needs { return needs{plan: "status"} }

// prepare reads each tunnel's egress addresses and endpoints.
func (s *StatusCmd) prepare(ctx context.Context, a *app) (err error) {
	if s.tunnels, err = a.tunnels(s.Tunnel); err != nil {
		return err
	}
	for _, t := range s.tunnels {
		ts := tunnelStatus{Name: t.Name, Egress: t.Egress}
		addrs, egressErr := bsd.IPv4Addrs(t.Egress)
		ts.EgressAddrs, ts.EgressError = append([]netip.Addr{}, addrs...), errText(egressErr)
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		src, dst, tunErr := bsd.TunnelEndpoints(ctx, t.Name, a.conf.Ifconfig)
		cancel()
		ts.Source, ts.Destination, ts.TunnelError = src, dst, errText(tunErr)
		hn, err := readTunnelAddrs(a.conf, t)
		ts.Remote, ts.HostnameError = hn.remote, errText(err)
		ts.Consistent = tunErr == nil && bsd.Consistent(t.Name, t.Egress, addrs, src, dst, ts.Remote) == nil
		ts.repair = repair(a.conf, t, ts)
		s.report.Tunnels = append(s.report.Tunnels, ts)
	}
	return nil
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// work adds the broker's state and the checks' results, and prints it
// all. It exits 0 whatever it finds: the checks are what answer.
func (s *StatusCmd) work(ctx context.Context, a *app) error {
	r := &s.report
	for i, t := range s.tunnels {
		if t.UpdateURL == nil {
			continue
		}
		st, err := broker.LoadState(a.conf.StateDir, t.Name)
		r.Tunnels[i].BrokerError = errText(err) // not fatal: status shows what it can
		if err == nil {
			st.URLHash = "" // a hash of the update key: not for monitoring
			r.Tunnels[i].Broker = &st
		}
	}
	checks, err := checklog.Load(a.conf.StateDir)
	r.Checks, r.ChecksError = append([]checklog.Result{}, checks...), errText(err)
	switch {
	case s.Prom:
		return writeProm(a.stdout, *r)
	case s.JSON:
		return writeJSON(a.stdout, r)
	}
	return printStatus(a.stdout, *r)
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

func printStatus(out io.Writer, r statusReport) error {
	w := tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)
	for _, t := range r.Tunnels {
		egress := cmp.Or(strings.TrimPrefix(t.EgressError, t.Egress+": "),
			bsd.JoinAddrs(t.EgressAddrs), "no IPv4 address")
		fmt.Fprintf(w, "%s\n  egress\t%s\t%s\n", t.Name, t.Egress, egress)
		if t.HostnameError != "" {
			fmt.Fprintf(w, "  hostname\t%s\n", t.HostnameError)
		}
		tunnel := cmp.Or(t.TunnelError, t.Source.String()+" --> "+t.Destination.String())
		fmt.Fprintf(w, "  tunnel\t%s\n", tunnel)
		state := "consistent"
		if !t.Consistent {
			state = "NOT consistent: " + t.repair
		}
		fmt.Fprintf(w, "  state\t%s\n", state)
		if t.BrokerError != "" {
			fmt.Fprintf(w, "  broker\t%s\n", t.BrokerError)
		}
		if b := t.Broker; b != nil {
			if b.When.IsZero() {
				fmt.Fprintf(w, "  broker\tnever asked\n")
			} else {
				fmt.Fprintf(w, "  broker\t%s\t%s\n", b.Answer, b.When.Local().Format(time.DateTime))
			}
			if b.BrokerAddress.IsValid() && b.BrokerAddress != b.Address {
				fmt.Fprintf(w, "  public address\t%s\n", b.BrokerAddress)
			}
			if b.BackoffUntil.After(time.Now()) {
				fmt.Fprintf(w, "  back-off\tuntil %s\n", b.BackoffUntil.Local().Format(time.DateTime))
			}
		}
	}
	for _, c := range r.Checks {
		fmt.Fprintf(w, "check %s\t%t since %s\t%s\n", c.Check, c.OK, c.Since.Local().Format(time.DateTime), c.Detail)
	}
	for line := range strings.Lines(r.ChecksError) {
		fmt.Fprintf(w, "check\t%s\n", strings.TrimSuffix(line, "\n"))
	}
	return w.Flush()
}

// promFamilies are status --prom's gauges, in the order printed.
var promFamilies = []struct{ name, help string }{
	{"tunnel_consistent", "1 when the tunnel's endpoints are an egress address and the remote, else 0."},
	{"tunnel_egress_info", "The egress interface's IPv4 addresses, one series each; always 1."},
	{"broker_answer_timestamp_seconds", "When the broker last answered, by its answer's code (\"error\": no answer)."},
	{"broker_backoff_until_seconds", "Until when gifctl sends the broker no update after failures; 0 when it may."},
	{"check_ok", "Each check's last answer: 1 true, 0 false."},
	{"check_since_seconds", "When each check's answer last changed."},
}

// writeProm prints r in the Prometheus text format 0.0.4: each family a gauge,
// HELP and TYPE lines before its series; times in Unix seconds (0: none).
func writeProm(w io.Writer, r statusReport) error {
	series := map[string][]string{}
	// sample adds one series; labels are name, value pairs.
	sample := func(name string, v float64, labels ...string) {
		var l []string
		for i := 0; i < len(labels); i += 2 {
			l = append(l, labels[i]+`="`+promEscape.Replace(labels[i+1])+`"`)
		}
		series[name] = append(series[name], fmt.Sprintf("gifctl_%s{%s} %s\n",
			name, strings.Join(l, ","), strconv.FormatFloat(v, 'f', -1, 64)))
	}
	for _, t := range r.Tunnels {
		sample("tunnel_consistent", promBool(t.Consistent), "tunnel", t.Name)
		for _, a := range t.EgressAddrs {
			sample("tunnel_egress_info", 1, "tunnel", t.Name, "egress", t.Egress, "address", a.String())
		}
		if s := t.Broker; s != nil {
			if !s.When.IsZero() {
				sample("broker_answer_timestamp_seconds", promTime(s.When), "tunnel", t.Name, "code", cmp.Or(s.Code, "error"))
			}
			sample("broker_backoff_until_seconds", promTime(s.BackoffUntil), "tunnel", t.Name)
		}
	}
	for _, c := range r.Checks {
		labels := []string{"check", c.Check}
		if kind, ifname, ok := strings.Cut(c.Check, " "); ok {
			labels = []string{"check", kind, "tunnel", ifname}
		}
		sample("check_ok", promBool(c.OK), labels...)
		sample("check_since_seconds", promTime(c.Since), labels...)
	}
	var b strings.Builder
	for _, f := range promFamilies {
		fmt.Fprintf(&b, "# HELP gifctl_%s %s\n# TYPE gifctl_%s gauge\n", f.name, f.help, f.name)
		b.WriteString(strings.Join(series[f.name], ""))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// promEscape escapes a label value as the text format wants.
var promEscape = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func promBool(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func promTime(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixMilli()) / 1000
}
