// Package exhaust enumerates every short string built from a few pieces,
// for tests that compare a hand-written checker with the regexp or the
// rule it stands for on all inputs up to a length, not on a sample.
package exhaust
