package bench

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseGoBench(t *testing.T) {
	out := `goos: linux
goarch: amd64
pkg: github.com/gifctl/gifctl/internal/config
cpu: AMD EPYC
BenchmarkParse-2        	   31622	     36760 ns/op	  31.10 MB/s	    8168 B/op	      88 allocs/op
BenchmarkLoad/small.conf-2   	    2118	     71474 ns/op	    2824 B/op	      29 allocs/op
PASS
ok  	github.com/gifctl/gifctl/internal/config	2.1s
pkg: github.com/gifctl/gifctl/internal/heartbeat
BenchmarkMessage-16      	  445566	      2687 ns/op
PASS
`
	got, err := ParseGoBench([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []GoBench{
		{Pkg: "github.com/gifctl/gifctl/internal/config", Name: "BenchmarkParse", N: 31622, NsPerOp: 36760, MBPerS: 31.1, BytesPerOp: 8168, AllocsPerOp: 88},
		{Pkg: "github.com/gifctl/gifctl/internal/config", Name: "BenchmarkLoad/small.conf", N: 2118, NsPerOp: 71474, BytesPerOp: 2824, AllocsPerOp: 29},
		{Pkg: "github.com/gifctl/gifctl/internal/heartbeat", Name: "BenchmarkMessage", N: 445566, NsPerOp: 2687, BytesPerOp: -1, AllocsPerOp: -1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseGoBench (-want +got):\n%s", diff)
	}
}

func TestParseGoBenchErrors(t *testing.T) {
	for _, tt := range []struct{ name, out, want string }{
		{"nothing", "PASS\nok x 0.1s\n", "no benchmark"},
		{"bad count", "BenchmarkX-2 many 12 ns/op\n", "benchmark line"},
		{"bad value", "BenchmarkX-2 10 fast ns/op\n", "benchmark line"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseGoBench([]byte(tt.out))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseGoBench(%q): %v, want an error with %q", tt.out, err, tt.want)
			}
		})
	}
}

func TestGoBenchArgs(t *testing.T) {
	got := strings.Join(GoBenchArgs("100ms"), " ")
	for _, want := range []string{"-run=^$", "-bench=.", "-benchmem", "-benchtime=100ms", "./internal/config", "./hostnameif", "./bsd", "./internal/broker"} {
		if !strings.Contains(got, want) {
			t.Errorf("go %s: no %s", got, want)
		}
	}
}
