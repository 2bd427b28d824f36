package doccheck

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A reader for the pass rules of a pf.conf(5) fragment, enough to see what
// it lets in: macros, comments, continued lines, and the direction,
// protocols, source and ICMP type of each pass rule. pfctl is not here to
// ask.

type pfRule struct {
	Dir      string   // "in", "out" or "" for both
	Proto    []string // "" for any
	From     []string // nil for any
	ICMPType string   // "" for any
}

// passesIn says whether r lets in packets of proto from addr (and, when
// icmpType is set, of that ICMP type).
func (r pfRule) passesIn(proto, addr, icmpType string) bool {
	return r.Dir != "out" &&
		(r.Proto == nil || slices.Contains(r.Proto, proto)) &&
		(r.From == nil || slices.Contains(r.From, addr)) &&
		(icmpType == "" || r.ICMPType == "" || r.ICMPType == icmpType)
}

var pfMacro = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:"([^"]*)"|(\S+))\s*$`)
var pfMacroUse = regexp.MustCompile(`\$([A-Za-z_][A-Za-z0-9_]*)`)

// pfRules reads the pass rules of a pf.conf fragment.
func pfRules(data []byte) ([]pfRule, error) {
	macros := map[string]string{}
	var rules []pfRule
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	for n, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		line = strings.TrimSpace(line)
		if m := pfMacro.FindStringSubmatch(line); m != nil {
			macros[m[1]] = m[2] + m[3]
			continue
		}
		var undefined error
		line = pfMacroUse.ReplaceAllStringFunc(line, func(s string) string {
			v, ok := macros[s[1:]]
			if !ok {
				undefined = fmt.Errorf("line %d: macro %s not defined", n+1, s)
			}
			return v
		})
		if undefined != nil {
			return nil, undefined
		}
		f := strings.Fields(strings.NewReplacer("{", " { ", "}", " } ", ",", " ").Replace(line))
		if len(f) == 0 || f[0] != "pass" {
			continue
		}
		var r pfRule
		for i := 1; i < len(f); i++ {
			switch f[i] {
			case "in", "out":
				r.Dir = f[i]
			case "proto":
				r.Proto, i = pfList(f, i+1)
			case "from":
				r.From, i = pfList(f, i+1)
				if slices.Contains(r.From, "any") {
					r.From = nil
				}
			case "icmp-type", "icmp6-type":
				if i+1 < len(f) {
					r.ICMPType = f[i+1]
					i++
				}
			}
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// pfList reads a word or a { list } at f[i]; it returns the words and the
// index of the last token read.
func pfList(f []string, i int) ([]string, int) {
	if i >= len(f) {
		return nil, i
	}
	if f[i] != "{" {
		return []string{f[i]}, i
	}
	var out []string
	for i++; i < len(f) && f[i] != "}"; i++ {
		out = append(out, f[i])
	}
	return out, i
}

func TestPfRules(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []pfRule
	}{
		{"macros and comments", "b = \"216.66.80.26\"\t# broker\npass in on em0 inet proto ipv6 from $b\n", []pfRule{
			{Dir: "in", Proto: []string{"ipv6"}, From: []string{"216.66.80.26"}},
		}},
		{"lists and icmp-type", "pass in proto { icmp, icmp6 } from { 66.220.2.74 10.0.0.1 } icmp-type echoreq\n", []pfRule{
			{Dir: "in", Proto: []string{"icmp", "icmp6"}, From: []string{"66.220.2.74", "10.0.0.1"}, ICMPType: "echoreq"},
		}},
		{"continued line, any", "pass out \\\n proto ipv6 from any\nblock in all\n", []pfRule{
			{Dir: "out", Proto: []string{"ipv6"}},
		}},
	}
	for _, tt := range tests {
		got, err := pfRules([]byte(tt.in))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", tt.name, diff)
		}
	}
	if _, err := pfRules([]byte("pass in from $nope\n")); err == nil {
		t.Error("undefined macro: no error")
	}
}

func TestPassesIn(t *testing.T) {
	r := pfRule{Dir: "in", Proto: []string{"icmp"}, From: []string{hePing}, ICMPType: "echoreq"}
	for _, tt := range []struct {
		proto, from, icmp string
		want              bool
	}{
		{"icmp", hePing, "echoreq", true},
		{"icmp", "192.0.2.1", "echoreq", false},
		{"ipv6", hePing, "", false},
		{"icmp", hePing, "unreach", false},
	} {
		if got := r.passesIn(tt.proto, tt.from, tt.icmp); got != tt.want {
			t.Errorf("passesIn(%s, %s, %s) = %t, want %t", tt.proto, tt.from, tt.icmp, got, tt.want)
		}
	}
	if (pfRule{Dir: "out"}).passesIn("ipv6", "192.0.2.1", "") {
		t.Error("an out rule lets packets in")
	}
}
