// Package udiff prints a unified diff of two small texts, as diff -u does,
// for `gifctl restart -n`. A plain longest common subsequence table
// (quadratic in the line count) suits files of a handful of lines; past
// maxLines the whole texts are shown as one hunk instead.
package udiff
