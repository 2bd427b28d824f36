package doccheck

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/config"
	"github.com/google/go-cmp/cmp"
)

// sandboxName is the bsd.PlanFor name of a command as gifctl.8's sandbox
// list heads it: ".It Fl n" is configtest, ".It Cm restart Fl -egress"
// restart-egress, ".It Cm check tunnel" check-tunnel.
func sandboxName(hc []call) string {
	var words []string
	for _, c := range hc {
		switch c.name {
		case "Cm":
			words = append(words, c.args...)
		case "Fl":
			if slices.Equal(c.args, []string{"n"}) && len(words) == 0 {
				return "configtest"
			}
			for _, a := range c.args {
				words = append(words, strings.TrimLeft(a, "-"))
			}
		}
	}
	return strings.Join(words, "-")
}

// TestManPageSandbox: the promises and unveiled paths gifctl.8 lists for
// each command are bsd.PlanFor's for the default paths, with pf-conf set.
func TestManPageSandbox(t *testing.T) {
	c, err := config.Parse("gifctl.conf", []byte("set pf-conf /etc/pf.conf\ntunnel gif0 { egress em0 }\n"))
	if err != nil {
		t.Fatal(err)
	}
	paths := bsd.Paths{
		HostnameDir: c.HostnameDir, StateDir: c.StateDir, Netstart: c.Netstart,
		Pfctl: c.Pfctl, Ifconfig: c.Ifconfig, PfConf: c.PfConf, CAFile: c.CAFile,
	}
	want := map[string]bsd.Plan{}
	for _, name := range bsd.Commands() {
		p, err := bsd.PlanFor(name, paths)
		if err != nil {
			t.Fatal(err)
		}
		if p.Unveil == nil {
			p.Unveil = []bsd.UnveilPath{}
		}
		want[name] = p
	}

	page := readMdoc(t, filepath.Join(repoRoot(t), "man", "gifctl.8"))
	ls := lists(sections(page)["SECURITY CONSIDERATIONS"])
	if len(ls) != 1 {
		t.Fatalf("gifctl.8: SECURITY CONSIDERATIONS has %d lists, want the one of the sandbox", len(ls))
	}
	got := map[string]bsd.Plan{}
	for _, it := range ls[0].items {
		name := sandboxName(it.headCalls())
		p := bsd.Plan{Unveil: []bsd.UnveilPath{}}
		for _, l := range it.body {
			cs := calls(l.tokens())
			switch {
			case len(cs) == 1 && cs[0].name == "Qq":
				p.Promises = strings.Join(cs[0].args, " ")
			case len(cs) == 2 && cs[0].name == "Pa" && cs[1].name == "Pq" && len(cs[0].args) == 1 && len(cs[1].args) == 1:
				p.Unveil = append(p.Unveil, bsd.UnveilPath{Path: cs[0].args[0], Perms: cs[1].args[0]})
			}
		}
		if _, dup := got[name]; dup {
			t.Errorf("gifctl.8:%d: %s listed twice", it.line, name)
		}
		got[name] = p
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sandbox of each command: bsd.PlanFor (-) and gifctl.8 (+):\n%s", diff)
	}
}
