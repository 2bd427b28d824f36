package config

import (
	"fmt"
	"slices"
	"strings"
)

// The keywords of gifctl.conf(5), by where they may stand.
var (
	topKeywords    = []string{"check", "set", "tunnel"}
	setOptions     = []string{"ca-file", "hostname-dir", "ifconfig", "netstart", "pf-conf", "pfctl", "state-dir"}
	checkKeywords  = []string{"target", "timeout"}
	families       = []string{"ipv4", "ipv6"}
	tunnelKeywords = []string{"egress", "heartbeat", "inet6", "mtu", "remote", "update-url"}
	// peer stands only inside "inet6 ADDRESS peer ADDRESS".
	innerKeywords = []string{"peer"}
)

// Keywords returns every keyword of the grammar, set options and the
// address families included, sorted: a test keeps gifctl.conf.5 in step.
func Keywords() []string {
	var all []string
	for _, l := range [][]string{topKeywords, setOptions, checkKeywords, families, tunnelKeywords, innerKeywords} {
		all = append(all, l...)
	}
	slices.Sort(all)
	return all
}

// unknown explains a keyword that may not stand where it does: in block
// (e.g. "tunnel gif0"), or at the top level when block is "".
func (p *parser) unknown(kw token, block string) error {
	var valid []string
	var kind string
	switch {
	case block == "":
		valid = topKeywords
	case strings.HasPrefix(block, "tunnel "):
		valid, kind = tunnelKeywords, "a tunnel block"
	default: // "check FAMILY"
		valid, kind = checkKeywords, "a check block"
	}
	k := kw.text
	switch {
	case k == "peer":
		return p.errorf(kw.line, `peer: only in "inet6 ADDRESS peer ADDRESS"`)
	case slices.Contains(setOptions, k):
		return p.errorf(kw.line, "unknown keyword %q; did you mean \"set %s\"?", k, k)
	case block == "" && slices.Contains(tunnelKeywords, k):
		return p.errorf(kw.line, "%s: only inside a tunnel block", k)
	case block == "" && slices.Contains(checkKeywords, k):
		return p.errorf(kw.line, "%s: only inside a check block", k)
	case block != "" && slices.Contains(Keywords(), k):
		return p.errorf(kw.line, "%s: not allowed in %s", k, kind)
	}
	msg := "unknown keyword " + quoteShort(k)
	if s := suggest(k, valid); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return p.errorf(kw.line, "%s", msg)
}

// suggest returns the candidate nearest to word, if it is near enough to
// be a typing mistake, else "".
func suggest(word string, candidates []string) string {
	if len(word) > 64 {
		return "" // no keyword is that long; spare the quadratic work
	}
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(word, c)
		if d <= max(1, len(c)/3) && (bestDist < 0 || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
