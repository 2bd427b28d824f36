// Package udiff prints a unified diff of two small texts, the way diff -u
// does, for `gifctl restart -n`.
//
// hostname.if files are a handful of lines, so a plain longest common
// subsequence table (quadratic in the line count) is simpler than Myers'
// algorithm and fast enough; inputs past maxLines fall back to showing the
// whole old and new text as one hunk rather than spending memory.
package udiff
