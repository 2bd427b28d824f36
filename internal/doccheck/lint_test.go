package doccheck

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestMandocLint: both pages are clean at mandoc's warning level, as CI's
// lint target wants.
func TestMandocLint(t *testing.T) {
	mandoc := needTool(t, "mandoc")
	root := repoRoot(t)
	pages := []string{filepath.Join("man", "gifctl.8"), filepath.Join("man", "gifctl.conf.5")}
	cmd := exec.Command(mandoc, append([]string{"-Tlint", "-W", "warning"}, pages...)...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if len(out) > 0 || err != nil {
		t.Errorf("mandoc -Tlint -W warning %v: %v\n%s", pages, err, out)
	}
}
