package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Size is the size of gifctl built for one platform.
type Size struct {
	GOOS, GOARCH string
	Bytes        int64
	Line         string // the build command
}

// SizeTargets are the platforms gifctl ships for.
var SizeTargets = [][2]string{{"openbsd", "amd64"}, {"openbsd", "arm64"}}

// BuildSize builds ./cmd/gifctl stripped, as the Makefile does, for goos
// and goarch with the go command goTool in the module at dir.
func BuildSize(ctx context.Context, goTool, dir, goos, goarch string) (Size, error) {
	tmp, err := os.MkdirTemp("", "gifsize")
	if err != nil {
		return Size{}, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "gifctl")
	args := []string{"build", "-trimpath", "-ldflags", "-s -w", "-o", out, "./cmd/gifctl"}
	cmd := exec.CommandContext(ctx, goTool, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch)
	var msg bytes.Buffer
	cmd.Stdout, cmd.Stderr = &msg, &msg
	if err := cmd.Run(); err != nil {
		return Size{}, fmt.Errorf("%s/%s build: %w\n%s", goos, goarch, err, msg.Bytes())
	}
	fi, err := os.Stat(out)
	if err != nil {
		return Size{}, err
	}
	line := fmt.Sprintf(`GOOS=%s GOARCH=%s go build -trimpath -ldflags "-s -w" ./cmd/gifctl`, goos, goarch)
	return Size{GOOS: goos, GOARCH: goarch, Bytes: fi.Size(), Line: line}, nil
}

// BuildGoFloor builds an empty static Go program (func main() {}) into
// dir, the floor under any Go process: runtime start-up and exit.
func BuildGoFloor(ctx context.Context, goTool, dir string) (string, error) {
	return buildStatic(ctx, goTool, dir, "gofloor",
		"// Command gofloor does nothing: the cost of any Go process.\npackage main\n\nfunc main() {}\n")
}

// BuildStaticIfconfig builds into dir a static Go stand-in for ifconfig
// that prints out for `ifconfig gif` and fails for any other interface:
// what the shell stand-in printed, without a shell's start-up, as cheap
// as a Go program can be.
func BuildStaticIfconfig(ctx context.Context, goTool, dir, gif string, out []byte) (string, error) {
	src := fmt.Sprintf(`// Command ifconfig prints what the shell stand-in printed for %[1]s.
package main

import "os"

func main() {
	if len(os.Args) != 2 || os.Args[1] != %[1]q {
		os.Stderr.WriteString("ifconfig: no such interface\n")
		os.Exit(1)
	}
	os.Stdout.WriteString(%[2]q)
}
`, gif, out)
	return buildStatic(ctx, goTool, dir, "ifconfig-static", src)
}

// buildStatic builds the one-file program mainGo, without cgo (so
// statically linked) and stripped as gifctl is, into dir/name.
func buildStatic(ctx context.Context, goTool, dir, name, mainGo string) (string, error) {
	src := filepath.Join(dir, name+"-src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	files := map[string]string{"go.mod": "module " + name + "\n\ngo 1.22\n", "main.go": mainGo}
	for file, text := range files {
		if err := os.WriteFile(filepath.Join(src, file), []byte(text), 0o644); err != nil {
			return "", err
		}
	}
	out := filepath.Join(dir, name)
	cmd := exec.CommandContext(ctx, goTool, "build", "-trimpath", "-ldflags", "-s -w", "-o", out, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%s: %w\n%s", name, err, msg)
	}
	return out, nil
}
