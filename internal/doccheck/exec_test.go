package doccheck

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// needTool returns the path of a program the tests run. Without it the
// test is skipped, except under CI (env CI set), where that is a failure.
func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "" {
		t.Skipf("needs %s: %v", name, err)
	}
	t.Fatalf("%s is required under CI: %v", name, err)
	return ""
}

// runIn runs argv in dir with env (nil: the test's own) and returns its
// standard output; the error carries the standard error.
func runIn(dir string, env []string, argv ...string) ([]byte, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, stderr.Bytes())
	}
	return out, nil
}

func runGo(t *testing.T, dir string, args ...string) ([]byte, error) {
	t.Helper()
	return runIn(dir, nil, append([]string{needTool(t, "go")}, args...)...)
}

var built struct {
	sync.Mutex
	path string
	dir  string
}

// gifctlBinary builds cmd/gifctl once for the package's tests.
func gifctlBinary(t *testing.T) string {
	t.Helper()
	built.Lock()
	defer built.Unlock()
	if built.path != "" {
		return built.path
	}
	dir, err := os.MkdirTemp("", "doccheck-gifctl-")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "gifctl")
	if _, err := runGo(t, repoRoot(t), "build", "-o", bin, "./cmd/gifctl"); err != nil {
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	built.path, built.dir = bin, dir
	return bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}
