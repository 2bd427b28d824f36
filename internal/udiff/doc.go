// Package udiff prints diff -u of two small texts for `gifctl restart -n`.
package udiff
