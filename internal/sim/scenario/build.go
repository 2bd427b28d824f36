package scenario

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// gifctlPackage is the program under test.
const gifctlPackage = "github.com/gifctl/gifctl/cmd/gifctl"

// BuildGifctl builds gifctl into dir with the go command and returns the
// binary's absolute path. It must run inside the module's source tree.
func BuildGifctl(ctx context.Context, dir string) (string, error) {
	out, err := filepath.Abs(filepath.Join(dir, "gifctl"))
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, gifctlPackage)
	// As make builds it: Go's resolver, which the pledge plan is for.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var msg bytes.Buffer
	cmd.Stdout, cmd.Stderr = &msg, &msg
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", gifctlPackage, err, bytes.TrimSpace(msg.Bytes()))
	}
	return out, nil
}
