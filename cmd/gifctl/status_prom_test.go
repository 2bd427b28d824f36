package main

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/gifctl/gifctl/internal/broker"
	"github.com/gifctl/gifctl/internal/checklog"
)

// parseProm parses status --prom's output with Prometheus's own parser and
// returns each sample as "family{label=value,...}" -> value, labels in the
// order they were written.
func parseProm(t *testing.T, text string) map[string]float64 {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("expfmt: %v\n%s", err, text)
	}
	got := map[string]float64{}
	for name, f := range fams {
		if f.GetType() != dto.MetricType_GAUGE || f.GetHelp() == "" {
			t.Errorf("%s: type %v, help %q; want a gauge with help", name, f.GetType(), f.GetHelp())
		}
		for _, m := range f.GetMetric() {
			var l []string
			for _, lp := range m.GetLabel() {
				l = append(l, lp.GetName()+"="+lp.GetValue())
			}
			got[name+"{"+strings.Join(l, ",")+"}"] = m.GetGauge().GetValue()
		}
	}
	return got
}

func TestStatusProm(t *testing.T) {
	when := time.Unix(1764860400, 500e6)
	r := statusReport{
		Tunnels: []tunnelStatus{
			{Name: "gif0", Egress: "em0", EgressAddrs: []netip.Addr{netip.MustParseAddr("192.0.2.10"), netip.MustParseAddr("192.0.2.11")}, Consistent: true,
				Broker: &broker.State{Answer: "nochg 192.0.2.10", Code: "nochg", When: when}},
			{Name: "gif1", Egress: "pppoe0", EgressAddrs: []netip.Addr{}, Consistent: false,
				Broker: &broker.State{Answer: `odd "answer" \ here`, Code: `o"d\d`, When: when, BackoffUntil: when.Add(time.Hour)}},
			{Name: "gif2", Egress: "em1", Consistent: true}, // no update-url
		},
		Checks: []checklog.Result{
			{Check: "ipv4", OK: true, Since: when},
			{Check: "tunnel gif1", OK: false, Since: when.Add(time.Minute)},
		},
	}
	var b strings.Builder
	if err := writeProm(&b, r); err != nil {
		t.Fatal(err)
	}
	got := parseProm(t, b.String())
	want := map[string]float64{
		"gifctl_tunnel_consistent{tunnel=gif0}":                                1,
		"gifctl_tunnel_consistent{tunnel=gif1}":                                0,
		"gifctl_tunnel_consistent{tunnel=gif2}":                                1,
		"gifctl_tunnel_egress_info{tunnel=gif0,egress=em0,address=192.0.2.10}": 1,
		"gifctl_tunnel_egress_info{tunnel=gif0,egress=em0,address=192.0.2.11}": 1,
		"gifctl_broker_answer_timestamp_seconds{tunnel=gif0,code=nochg}":       1764860400.5,
		`gifctl_broker_answer_timestamp_seconds{tunnel=gif1,code=o"d\d}`:       1764860400.5,
		"gifctl_broker_backoff_until_seconds{tunnel=gif0}":                     0,
		"gifctl_broker_backoff_until_seconds{tunnel=gif1}":                     1764864000.5,
		"gifctl_check_ok{check=ipv4}":                                          1,
		"gifctl_check_ok{check=tunnel,tunnel=gif1}":                            0,
		"gifctl_check_since_seconds{check=ipv4}":                               1764860400.5,
		"gifctl_check_since_seconds{check=tunnel,tunnel=gif1}":                 1764860460.5,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected sample %s", k)
		}
	}
}

// The built binary's status --prom after a first restart: what status
// --json says, as metrics.
func TestStatusPromBinary(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	w.mustRun("restart", "gif0")
	w.mustRun("check", "tunnel", "gif0")
	got := parseProm(t, w.mustRun("status", "--prom").stdout)
	for _, k := range []string{
		"gifctl_tunnel_consistent{tunnel=gif0}",
		"gifctl_tunnel_egress_info{tunnel=gif0,egress=em0,address=198.51.100.7}",
		"gifctl_check_ok{check=tunnel,tunnel=gif0}",
	} {
		if got[k] != 1 {
			t.Errorf("%s = %v, want 1", k, got[k])
		}
	}
	if got["gifctl_broker_answer_timestamp_seconds{tunnel=gif0,code=good}"] <= 0 || got["gifctl_broker_backoff_until_seconds{tunnel=gif0}"] != 0 {
		t.Errorf("broker metrics: %v", got)
	}
	if r := w.gifctl(nil, "status", "--prom", "--json"); r.code != 2 {
		t.Errorf("status --prom --json: exit %d, want 2", r.code)
	}
}
