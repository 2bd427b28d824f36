package udiff

import (
	"fmt"
	"strconv"
	"strings"
)

const (
	maxLines = 2000 // bounds the LCS table; past it all lines change, in one hunk
	context  = 3    // unchanged lines shown around a change, as diff -u
)

// Diff returns the unified diff from old to new, or "" when they are equal.
func Diff(oldName, newName, old, new string) string {
	if old == new {
		return ""
	}
	ops := edits(splitLines(old), splitLines(new))
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", oldName, newName)
	// Hunks are the runs of ops near (within context of) a change; o[i] and
	// n[i] count the old and new lines before ops[i].
	near, o, n := make([]bool, len(ops)), make([]int, len(ops)+1), make([]int, len(ops)+1)
	for i, op := range ops {
		for k := max(i-context, 0); op[0] != ' ' && k <= min(i+context, len(ops)-1); k++ {
			near[k] = true
		}
		o[i+1], n[i+1] = o[i], n[i]
		if op[0] != '+' {
			o[i+1]++
		}
		if op[0] != '-' {
			n[i+1]++
		}
	}
	for start, end := 0, 0; start < len(ops); start = end {
		for end = start; end < len(ops) && near[end]; end++ {
		}
		if end == start {
			end++
			continue
		}
		fmt.Fprintf(&sb, "@@ -%s +%s @@\n", rangeOf(o[start]+1, o[end]-o[start]), rangeOf(n[start]+1, n[end]-n[start]))
		sb.WriteString(strings.Join(ops[start:end], ""))
	}
	return sb.String()
}

// splitLines splits after each newline, marking a last line without one as
// diff does, so that adding a final newline is a change.
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if last := len(lines) - 1; lines[last] == "" {
		lines = lines[:last]
	} else {
		lines[last] += "\n\\ No newline at end of file\n"
	}
	return lines
}

// edits returns the diff's lines from a to b, each after its mark (' ', '-'
// or '+'). lcs[i][j] is the length of the longest common subsequence of
// a[i:] and b[j:]; past maxLines there is none.
func edits(a, b []string) []string {
	var lcs [][]int
	if len(a) <= maxLines && len(b) <= maxLines {
		lcs = make([][]int, len(a)+1)
		lcs[len(a)] = make([]int, len(b)+1)
		for i := len(a) - 1; i >= 0; i-- {
			lcs[i] = make([]int, len(b)+1)
			for j := len(b) - 1; j >= 0; j-- {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				if a[i] == b[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				}
			}
		}
	}
	var ops []string
	for i, j := 0, 0; i < len(a) || j < len(b); {
		switch {
		case lcs != nil && i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, " "+a[i])
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs == nil || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, "-"+a[i])
			i++
		default:
			ops = append(ops, "+"+b[j])
			j++
		}
	}
	return ops
}

// rangeOf formats a hunk range as diff -u does: an empty one names the line
// before it; a count of one is left out.
func rangeOf(line, count int) string {
	if count == 1 {
		return strconv.Itoa(line)
	}
	if count == 0 {
		line--
	}
	return fmt.Sprintf("%d,%d", line, count)
}
