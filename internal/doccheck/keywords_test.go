package doccheck

import (
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gifctl/gifctl/hostnameif"
	"github.com/gifctl/gifctl/internal/config"
	"github.com/google/go-cmp/cmp"
)

func keywords() []string { return config.Keywords() }

func confPage(t *testing.T) []mdocLine {
	return readMdoc(t, filepath.Join(repoRoot(t), "man", "gifctl.conf.5"))
}

// TestConfPageKeywords: the .Ic of gifctl.conf.5 are exactly the keywords
// of the parser.
func TestConfPageKeywords(t *testing.T) {
	var got []string
	for _, args := range argsOf(confPage(t), "Ic") {
		for _, w := range args {
			if w == "..." || w == "{" || w == "}" {
				continue
			}
			if !slices.Contains(got, w) {
				got = append(got, w)
			}
		}
	}
	slices.Sort(got)
	if diff := cmp.Diff(keywords(), got); diff != "" {
		t.Errorf("keywords in config.Keywords (-) and .Ic of gifctl.conf.5 (+):\n%s", diff)
	}
}

var quoted = regexp.MustCompile(`"([^"]+)"`)

// TestConfPageGrammar: the BNF names exactly the keywords of the parser.
func TestConfPageGrammar(t *testing.T) {
	ds := displays(sections(confPage(t))["GRAMMAR"])
	if len(ds) != 1 {
		t.Fatalf("gifctl.conf.5: GRAMMAR has %d displays, want 1", len(ds))
	}
	var got []string
	for _, m := range quoted.FindAllStringSubmatch(ds[0], -1) {
		if w := m[1]; w != "{" && w != "}" && w != "/" && !slices.Contains(got, w) {
			got = append(got, w)
		}
	}
	slices.Sort(got)
	if diff := cmp.Diff(keywords(), got); diff != "" {
		t.Errorf("keywords in config.Keywords (-) and the GRAMMAR of gifctl.conf.5 (+):\n%s", diff)
	}
}

// items returns every item of every list in lines, nested ones included.
func items(lines []mdocLine) []*mdocItem {
	var out []*mdocItem
	var walk func(l *mdocList)
	walk = func(l *mdocList) {
		for _, it := range l.items {
			out = append(out, it)
			for _, nl := range it.lists {
				walk(nl)
			}
		}
	}
	for _, l := range lists(lines) {
		walk(l)
	}
	return out
}

// keywordItem finds the item of gifctl.conf.5 whose head starts with the
// keyword words given (".It Ic set pf-conf Ar path": "set", "pf-conf").
func keywordItem(t *testing.T, page []mdocLine, words ...string) *mdocItem {
	t.Helper()
	for _, it := range items(page) {
		hc := it.headCalls()
		if len(hc) > 0 && hc[0].name == "Ic" && slices.Equal(hc[0].args[:min(len(words), len(hc[0].args))], words) {
			return it
		}
	}
	t.Errorf("gifctl.conf.5: no .It Ic %s", strings.Join(words, " "))
	return nil
}

// TestConfPageDefaults: each set option's default in the page is the
// parser's.
func TestConfPageDefaults(t *testing.T) {
	c, err := config.Parse("gifctl.conf", []byte("tunnel gif0 { egress em0 }\n"))
	if err != nil {
		t.Fatal(err)
	}
	defaults := map[string]string{
		"ca-file":      c.CAFile,
		"hostname-dir": c.HostnameDir,
		"ifconfig":     c.Ifconfig,
		"netstart":     c.Netstart,
		"pf-conf":      c.PfConf,
		"pfctl":        c.Pfctl,
		"state-dir":    c.StateDir,
	}
	page := confPage(t)
	for _, opt := range keywords() {
		if _, err := config.Parse("x", []byte("set "+opt+" /x\ntunnel gif0 { egress em0 }\n")); err != nil {
			continue // not a set option
		}
		def, ok := defaults[opt]
		if !ok {
			t.Errorf("set %s: no default known to this test; add it to defaults", opt)
			continue
		}
		it := keywordItem(t, page, "set", opt)
		if it == nil {
			continue
		}
		text := bodyText(it)
		switch {
		case def == "" && !strings.Contains(text, " no default"):
			t.Errorf("gifctl.conf.5:%d: set %s has no default; the page should say so", it.line, opt)
		case def != "" && !strings.Contains(text, " The default is Pa "+def+" "):
			t.Errorf("gifctl.conf.5:%d: set %s: the default is %s; the page should say \"The default is .Pa %s\"", it.line, opt, def, def)
		}
	}
}

// TestConfPageLimits: the ranges the page gives are the parser's.
func TestConfPageLimits(t *testing.T) {
	page := confPage(t)
	sec := strconv.Itoa(int(config.DefaultCheckTimeout.Seconds()))
	for _, tt := range []struct {
		keyword string
		want    []string
	}{
		{"mtu", []string{"from " + strconv.Itoa(hostnameif.MinMTU) + " to " + strconv.Itoa(hostnameif.MaxMTU)}},
		{"timeout", []string{"from " + strconv.Itoa(config.MinCheckTimeout) + " to " + strconv.Itoa(config.MaxCheckTimeout), "The default is " + sec + "."}},
		{"target", []string{"up to " + strconv.Itoa(config.MaxTargets) + ","}},
		{"heartbeat", []string{"at most " + strconv.Itoa(config.MaxHeartbeatLen) + " characters"}},
	} {
		it := keywordItem(t, page, tt.keyword)
		if it == nil {
			continue
		}
		text := bodyText(it)
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("gifctl.conf.5:%d: %s: the page should say %q", it.line, tt.keyword, w)
			}
		}
	}
}

// TestConfPageExamples: every example of gifctl.conf.5 parses, and the
// sample the page points to has every keyword (TestSampleConf).
func TestConfPageExamples(t *testing.T) {
	ds := displays(sections(confPage(t))["EXAMPLES"])
	if len(ds) == 0 {
		t.Fatal("gifctl.conf.5: no examples")
	}
	for i, d := range ds {
		if _, err := config.Parse("example", []byte(d)); err != nil {
			t.Errorf("gifctl.conf.5: example %d: %v\n%s", i+1, err, d)
		}
	}
}
