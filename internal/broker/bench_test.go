package broker

import "testing"

// BenchmarkAnswers parses each kind of body a broker sends back, one
// sub-benchmark each, with allocations: good and nochg are what a healthy
// router sees, the others its failures.
func BenchmarkAnswers(b *testing.B) {
	bodies := []struct{ name, body string }{
		{"good", "good 198.51.100.7"},
		{"nochg", "nochg 198.51.100.7\n"},
		{"abuse", "abuse"},
		{"badauth", "badauth\n"},
		{"error", "-ERROR: IP is not ICMP pingable. Please make sure ICMP is not blocked."},
		{"html", "<html><body>Service Unavailable</body></html>"},
	}
	for _, x := range bodies {
		body := []byte(x.body)
		b.Run(x.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				parseAnswer(body)
			}
		})
	}
}
