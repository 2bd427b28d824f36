package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// GoBench is one line of `go test -bench` output.
type GoBench struct {
	Pkg         string // import path
	Name        string // BenchmarkParse, without the -N GOMAXPROCS suffix
	N           int64
	NsPerOp     float64
	MBPerS      float64 // 0 when the benchmark sets no byte count
	BytesPerOp  int64   // -1 when not reported
	AllocsPerOp int64   // -1 when not reported
}

// GoBenchPackages are the packages whose parsers are on gifctl's hot
// paths: gifctl.conf, hostname.if, ifconfig output, broker answers, the
// heartbeat message, ifstated.conf.
var GoBenchPackages = []string{
	"./internal/config",
	"./hostnameif",
	"./bsd",
	"./internal/broker",
	"./internal/heartbeat",
	"./ifstated",
}

// GoBenchArgs are the arguments of go for the benchmarks.
func GoBenchArgs(benchtime string) []string {
	args := []string{"test", "-run=^$", "-bench=.", "-benchmem", "-count=1"}
	if benchtime != "" {
		args = append(args, "-benchtime="+benchtime)
	}
	return append(args, GoBenchPackages...)
}

// RunGoBench runs the benchmarks with the go command goTool in the module
// at dir and parses their output.
func RunGoBench(ctx context.Context, goTool, dir, benchtime string) ([]GoBench, error) {
	cmd := exec.CommandContext(ctx, goTool, GoBenchArgs(benchtime)...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go test -bench: %w\n%s", err, out.Bytes())
	}
	return ParseGoBench(out.Bytes())
}

// ParseGoBench reads `go test -bench -benchmem` output: "pkg:" lines name
// the package of the benchmark lines that follow.
func ParseGoBench(out []byte) ([]GoBench, error) {
	var list []GoBench
	pkg := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		b := GoBench{Pkg: pkg, Name: f[0], BytesPerOp: -1, AllocsPerOp: -1}
		if i := strings.LastIndexByte(b.Name, '-'); i > 0 {
			if _, err := strconv.Atoi(b.Name[i+1:]); err == nil {
				b.Name = b.Name[:i]
			}
		}
		var err error
		if b.N, err = strconv.ParseInt(f[1], 10, 64); err != nil {
			return nil, fmt.Errorf("benchmark line %q: %w", line, err)
		}
		// The rest are value-unit pairs.
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("benchmark line %q: %w", line, err)
			}
			switch f[i+1] {
			case "ns/op":
				b.NsPerOp = v
			case "MB/s":
				b.MBPerS = v
			case "B/op":
				b.BytesPerOp = int64(v)
			case "allocs/op":
				b.AllocsPerOp = int64(v)
			}
		}
		list = append(list, b)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("go test -bench printed no benchmark")
	}
	return list, sc.Err()
}
