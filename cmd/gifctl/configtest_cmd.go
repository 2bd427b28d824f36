package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/broker"
	"github.com/gifctl/gifctl/internal/config"
)

// ConfigTestCmd runs when no command is given: with -n it checks the
// configuration, as ifstated -n and pfctl -n do; without, run refuses it.
type ConfigTestCmd struct{}

func (c *ConfigTestCmd) needs() needs { return needs{plan: "configtest"} }

// prepare looks for what would keep the configuration from working here:
// before the sandbox, which lets -n read nothing.
func (c *ConfigTestCmd) prepare(_ context.Context, a *app) error {
	warn, notes := preflight(a.conf)
	for _, n := range notes {
		a.log.Infof("%s", n)
	}
	for _, t := range a.conf.Tunnels { // doctor says it as egress.addr
		if _, err := bsd.IPv4Addrs(t.Egress); errors.Is(err, bsd.ErrNoInterface) {
			a.log.Warnf("warning: %s: egress %s: no such interface; name the one facing the ISP, as ifconfig(8) lists it", t.Name, t.Egress)
		}
	}
	for _, w := range warn {
		a.log.Warnf("warning: %s", w)
	}
	return nil
}

func (c *ConfigTestCmd) work(ctx context.Context, a *app) error {
	_, err := fmt.Fprintln(a.stdout, "configuration OK")
	return err
}

// preflight warns of what would keep the configuration from working here, but a
// missing egress; its notes say how gifctl reads a value written unlike it prints it.
func preflight(c *config.Config) (warn, notes []string) {
	needCA := false
	for _, t := range c.Tunnels {
		if n, ok := strings.CutPrefix(t.Name, "gif"); !ok || n == "" || strings.Trim(n, "0123456789") != "" {
			warn = append(warn, fmt.Sprintf("tunnel %s: not a gif(4) interface; gifctl keeps gifN tunnels", t.Name))
		}
		if err := hostnameWritable(c, t); err != nil {
			warn = append(warn, err.Error())
		}
		if u := t.UpdateURL; u != nil {
			needCA = true
			q := u.Query()
			if u.User == nil && (q.Get("username") == "" || q.Get("password") == "") {
				warn = append(warn, fmt.Sprintf("%s: update-url has no user name and key: paste the \"Example Update URL\" of the tunnel's page", t.Name))
			}
			if id := q.Get("hostname"); id == "" || strings.Trim(id, "0123456789") != "" {
				warn = append(warn, fmt.Sprintf("%s: update-url: hostname=%q is not a tunnel id: Hurricane Electric wants the digits of \"Tunnel ID\"", t.Name, id))
			}
		}
		if t.Inet6Len != 0 {
			notes = append(notes, fmt.Sprintf("%s: inet6: /%d is the tunnel's network; a gif tunnel is point to point: %s, peer %s, prefixlen 128", t.Name, t.Inet6Len, t.Inet6, t.Peer))
		}
	}
	if needCA {
		if _, err := bsd.ReadFile(c.CAFile, broker.MaxCABundle); err != nil {
			warn = append(warn, fmt.Sprintf("ca-file: %v: HTTPS to the broker cannot be verified", err))
		}
	}
	return warn, notes
}
