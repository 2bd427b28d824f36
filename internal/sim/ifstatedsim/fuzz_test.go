package ifstatedsim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: Parse never panics, its errors name the file and a line, and
// what it accepts prints and can be run.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.conf")
	// The files gifctl generates are good corpus entries too.
	golden, _ := filepath.Glob("../../../ifstated/testdata/*.golden")
	for _, name := range append(files, golden...) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("f.conf", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.conf:") {
				t.Fatalf("error without file and line: %v", err)
			}
			return
		}
		_ = file.String()
		NewMachine(file)
	})
}
