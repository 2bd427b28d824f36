package exhaust

import (
	"slices"
	"testing"
)

func TestStrings(t *testing.T) {
	var got []string
	n := Strings([]string{"a", "é"}, 3, func(s string) { got = append(got, s) })
	want := []string{"", "a", "aa", "aaa", "aé", "é", "éa"}
	slices.Sort(got)
	if !slices.Equal(got, want) || n != len(want) {
		t.Errorf("Strings = %q (n %d), want %q", got, n, want)
	}
	// len(alphabet)^0 + ... + len(alphabet)^4 strings of single bytes.
	if n := Strings(Bytes("xyz"), 4, func(string) {}); n != 1+3+9+27+81 {
		t.Errorf("3 bytes up to 4: %d strings, want 121", n)
	}
}
