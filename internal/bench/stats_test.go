package bench

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSummarize(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		in   []time.Duration
		want Summary
	}{
		{"empty", nil, Summary{}},
		{"one", []time.Duration{3 * ms}, Summary{N: 1, Median: 3 * ms, P10: 3 * ms, P90: 3 * ms, Min: 3 * ms, Max: 3 * ms}},
		{"odd, unsorted", []time.Duration{5 * ms, 1 * ms, 3 * ms}, Summary{N: 3, Median: 3 * ms, P10: 1 * ms, P90: 3 * ms, Min: 1 * ms, Max: 5 * ms}},
		{"even: mean of the middle two", []time.Duration{4 * ms, 1 * ms, 2 * ms, 8 * ms}, Summary{N: 4, Median: 3 * ms, P10: 1 * ms, P90: 4 * ms, Min: 1 * ms, Max: 8 * ms}},
		{"ten", []time.Duration{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, Summary{N: 10, Median: 5, P10: 1, P90: 9, Min: 1, Max: 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tt.in...)
			if diff := cmp.Diff(tt.want, Summarize(tt.in)); diff != "" {
				t.Errorf("Summarize (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(in, tt.in); diff != "" {
				t.Errorf("Summarize changed its input (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRatio(t *testing.T) {
	if got := Ratio(3*time.Second, 2*time.Second); got != 1.5 {
		t.Errorf("Ratio(3s, 2s) = %g, want 1.5", got)
	}
	if got := Ratio(time.Second, 0); got != 0 {
		t.Errorf("Ratio(1s, 0) = %g, want 0", got)
	}
}
