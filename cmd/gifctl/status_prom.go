package main

import (
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// writeProm prints r in the Prometheus text format 0.0.4: every family a
// gauge with HELP and TYPE lines, times as Unix seconds (0: none).
func writeProm(w io.Writer, r statusReport) error {
	var b strings.Builder
	family := func(name, help string) {
		fmt.Fprintf(&b, "# HELP gifctl_%s %s\n# TYPE gifctl_%s gauge\n", name, help, name)
	}
	// sample writes one series; labels are name, value pairs.
	sample := func(name string, v float64, labels ...string) {
		var l []string
		for i := 0; i < len(labels); i += 2 {
			l = append(l, labels[i]+`="`+promEscape.Replace(labels[i+1])+`"`)
		}
		fmt.Fprintf(&b, "gifctl_%s{%s} %s\n", name, strings.Join(l, ","), strconv.FormatFloat(v, 'f', -1, 64))
	}
	family("tunnel_consistent", "1 when the tunnel's endpoints are an egress address and the remote, else 0.")
	for _, t := range r.Tunnels {
		sample("tunnel_consistent", promBool(t.Consistent), "tunnel", t.Name)
	}
	family("tunnel_egress_info", "The egress interface's IPv4 addresses, one series each; always 1.")
	for _, t := range r.Tunnels {
		for _, a := range t.EgressAddrs {
			sample("tunnel_egress_info", 1, "tunnel", t.Name, "egress", t.Egress, "address", a.String())
		}
	}
	family("broker_answer_timestamp_seconds", "When the broker last answered, by its answer's code (\"error\": no answer).")
	family("broker_backoff_until_seconds", "Until when gifctl sends the broker no update after failures; 0 when it may.")
	for _, t := range r.Tunnels {
		if s := t.Broker; s != nil && !s.When.IsZero() {
			sample("broker_answer_timestamp_seconds", promTime(s.When), "tunnel", t.Name, "code", cmp.Or(s.Code, "error"))
		}
	}
	for _, t := range r.Tunnels {
		if s := t.Broker; s != nil {
			sample("broker_backoff_until_seconds", promTime(s.BackoffUntil), "tunnel", t.Name)
		}
	}
	family("check_ok", "Each check's last answer: 1 true, 0 false.")
	family("check_since_seconds", "When each check's answer last changed.")
	for _, since := range []bool{false, true} {
		for _, c := range r.Checks {
			labels := []string{"check", c.Check}
			if kind, ifname, ok := strings.Cut(c.Check, " "); ok {
				labels = []string{"check", kind, "tunnel", ifname}
			}
			if since {
				sample("check_since_seconds", promTime(c.Since), labels...)
			} else {
				sample("check_ok", promBool(c.OK), labels...)
			}
		}
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
