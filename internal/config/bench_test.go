package config

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkLoad is what every gifctl process does first: stat the file for
// its owner and mode, read it, parse it. The smallest useful file is the
// common case; full.conf uses every keyword.
func BenchmarkLoad(b *testing.B) {
	for _, name := range []string{"small.conf", "full.conf"} {
		path := filepath.Join(b.TempDir(), "gifctl.conf")
		if err := os.WriteFile(path, readTestdata(b, name), 0o600); err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Load(path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
