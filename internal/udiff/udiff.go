package udiff

import (
	"fmt"
	"strings"
)

// maxLines bounds the LCS table; larger inputs are shown as one hunk.
const maxLines = 2000

// context is the number of unchanged lines shown around a change, as diff -u.
const context = 3

type op struct {
	kind byte // ' ', '-' or '+'
	text string
}

// Diff returns the unified diff turning old into new, labelled with the
// two names, or "" when the texts are equal.
func Diff(oldName, newName, old, new string) string {
	if old == new {
		return ""
	}
	a, b := splitLines(old), splitLines(new)
	ops := edits(a, b)
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", oldName, newName)
	for _, h := range hunks(ops) {
		writeHunk(&sb, ops, h)
	}
	return sb.String()
}

// splitLines splits after each newline; a last line without one is marked
// the way diff does, so that adding a final newline shows as a change.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	} else {
		lines[len(lines)-1] += "\n\\ No newline at end of file\n"
	}
	return lines
}

func edits(a, b []string) []op {
	if len(a) > maxLines || len(b) > maxLines {
		ops := make([]op, 0, len(a)+len(b))
		for _, l := range a {
			ops = append(ops, op{'-', l})
		}
		for _, l := range b {
			ops = append(ops, op{'+', l})
		}
		return ops
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []op
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			ops = append(ops, op{' ', a[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			ops = append(ops, op{'-', a[i]})
			i++
		default:
			ops = append(ops, op{'+', b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		ops = append(ops, op{'-', a[i]})
	}
	for ; j < len(b); j++ {
		ops = append(ops, op{'+', b[j]})
	}
	return ops
}

// span is a range [start, end) of ops that forms one hunk.
type span struct{ start, end int }

func hunks(ops []op) []span {
	var out []span
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(i-context, 0)
		end := i
		// Extend over changes separated by at most 2*context equal lines.
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*context {
				end = min(end+context, len(ops))
				break
			}
			end = run
		}
		if len(out) > 0 && start < out[len(out)-1].end {
			start = out[len(out)-1].end
		}
		out = append(out, span{start, end})
		i = end
	}
	return out
}

func writeHunk(sb *strings.Builder, ops []op, h span) {
	// Line numbers of the hunk's first line in each text.
	oldLine, newLine := 1, 1
	for _, o := range ops[:h.start] {
		if o.kind != '+' {
			oldLine++
		}
		if o.kind != '-' {
			newLine++
		}
	}
	oldCount, newCount := 0, 0
	for _, o := range ops[h.start:h.end] {
		if o.kind != '+' {
			oldCount++
		}
		if o.kind != '-' {
			newCount++
		}
	}
	fmt.Fprintf(sb, "@@ -%s +%s @@\n", rangeOf(oldLine, oldCount), rangeOf(newLine, newCount))
	for _, o := range ops[h.start:h.end] {
		sb.WriteByte(o.kind)
		sb.WriteString(o.text)
	}
}

// rangeOf formats a hunk range as diff -u does: an empty range names the
// line before it, and a count of one is left out.
func rangeOf(line, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", line-1)
	case 1:
		return fmt.Sprintf("%d", line)
	}
	return fmt.Sprintf("%d,%d", line, count)
}
