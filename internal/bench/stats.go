package bench

import (
	"slices"
	"time"
)

// Summary describes a sample of durations.
type Summary struct {
	N                int
	Median, P10, P90 time.Duration
	Min, Max         time.Duration
}

// Summarize returns the order statistics of ds; ds is not changed. The
// median of an even count is the mean of the two middle values.
func Summarize(ds []time.Duration) Summary {
	if len(ds) == 0 {
		return Summary{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return Summary{
		N:      n,
		Median: med,
		P10:    s[(n-1)*10/100],
		P90:    s[(n-1)*90/100],
		Min:    s[0],
		Max:    s[n-1],
	}
}

// Ratio is a/b, or 0 when b is zero.
func Ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
