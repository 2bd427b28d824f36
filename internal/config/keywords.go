package config

import (
	"fmt"
	"maps"
	"slices"
)

// The keywords of gifctl.conf(5), by where they may stand.
var (
	topKeywords    = []string{"check", "set", "tunnel"}
	setOptions     = []string{"ca-file", "hostname-dir", "ifconfig", "netstart", "pf-conf", "pfctl", "state-dir"}
	checkKeywords  = []string{"target", "timeout"}
	tunnelKeywords = slices.Sorted(maps.Keys(tunnelValues))
)

// Keywords returns all keywords, set options, families and "peer", sorted.
func Keywords() []string {
	all := slices.Concat(topKeywords, setOptions, checkKeywords, tunnelKeywords, []string{"ipv4", "ipv6", "peer"})
	slices.Sort(all)
	return all
}

// unknown stops the parser at a keyword out of place: in a block of kind ("a
// tunnel block", "" at the top level) whose keywords are valid.
func (p *parser) unknown(kw token, valid []string, kind string) {
	k := kw.text
	switch {
	case k == "peer":
		p.fail(kw.line, `peer: only in "inet6 ADDRESS peer ADDRESS"`)
	case slices.Contains(setOptions, k):
		p.fail(kw.line, "unknown keyword %q; did you mean \"set %s\"?", k, k)
	case kind == "" && slices.Contains(tunnelKeywords, k):
		p.fail(kw.line, "%s: only inside a tunnel block", k)
	case kind == "" && slices.Contains(checkKeywords, k):
		p.fail(kw.line, "%s: only inside a check block", k)
	case kind != "" && slices.Contains(Keywords(), k):
		p.fail(kw.line, "%s: not allowed in %s", k, kind)
	}
	p.fail(kw.line, "unknown keyword %s%s", quoteShort(k), suggest(k, valid))
}

// suggest returns "; did you mean C?" if word looks like candidate C mistyped.
func suggest(word string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(word, c)
		if d <= max(1, len(c)/3) && (bestDist < 0 || d < bestDist) {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	row := make([]int, len(b)+1) // distances from a[:i] to each b[:j]
	for j := range row {
		row[j] = j
	}
	for i := range len(a) {
		diag := row[0]
		row[0] = i + 1
		for j := range len(b) {
			cost := 1
			if a[i] == b[j] {
				cost = 0
			}
			diag, row[j+1] = row[j+1], min(row[j+1]+1, row[j]+1, diag+cost)
		}
	}
	return row[len(b)]
}
