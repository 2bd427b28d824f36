// Package udiff prints diff -u of two small texts for `gifctl restart -n`,
// from a longest common subsequence table, quadratic in the line count.
package udiff
