package udiff

import (
	"fmt"
	"strconv"
	"strings"
)

const context = 3 // unchanged lines shown around a change, as diff -u

// Diff returns the unified diff from old to new, or "" when they are equal.
// It is one hunk around the lines between the common first and last ones:
// exact for one changed region, which is all that restart makes (a changed
// or inserted tunnel line, or a new file); changes far apart share the hunk.
func Diff(oldName, newName, old, new string) string {
	if old == new {
		return ""
	}
	a, b := splitLines(old), splitLines(new)
	pre, post := 0, 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	for post < len(a)-pre && post < len(b)-pre && a[len(a)-1-post] == b[len(b)-1-post] {
		post++
	}
	start := max(pre-context, 0)
	endA, endB := min(len(a)-post+context, len(a)), min(len(b)-post+context, len(b))
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n@@ -%s +%s @@\n", oldName, newName,
		rangeOf(start+1, endA-start), rangeOf(start+1, endB-start))
	for _, part := range []struct {
		mark  string
		lines []string
	}{{" ", a[start:pre]}, {"-", a[pre : len(a)-post]}, {"+", b[pre : len(b)-post]}, {" ", a[len(a)-post : endA]}} {
		for _, l := range part.lines {
			sb.WriteString(part.mark + l)
		}
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
