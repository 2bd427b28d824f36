package exhaust

// Strings calls f with every concatenation of pieces that is at most
// maxBytes long, the empty string included, and returns how many it
// made. A piece may be several bytes (a UTF-8 sequence); a concatenation
// is cut off as soon as it would exceed maxBytes.
func Strings(pieces []string, maxBytes int, f func(string)) int {
	n := 0
	var walk func(s string)
	walk = func(s string) {
		n++
		f(s)
		for _, p := range pieces {
			if p != "" && len(s)+len(p) <= maxBytes {
				walk(s + p)
			}
		}
	}
	walk("")
	return n
}

// Bytes splits s into one-byte pieces, for Strings.
func Bytes(s string) []string {
	pieces := make([]string, len(s))
	for i := range len(s) {
		pieces[i] = s[i : i+1]
	}
	return pieces
}
