package udiff

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     string
	}{
		{name: "equal", old: "a\n", new: "a\n", want: ""},
		{
			name: "one line changed",
			old:  "tunnel 192.0.2.1 216.66.80.26\ninet6 2001:db8::2 128\n",
			new:  "tunnel 192.0.2.7 216.66.80.26\ninet6 2001:db8::2 128\n",
			want: "--- a\n+++ b\n@@ -1,2 +1,2 @@\n-tunnel 192.0.2.1 216.66.80.26\n+tunnel 192.0.2.7 216.66.80.26\n inet6 2001:db8::2 128\n",
		},
		{
			name: "new file",
			old:  "",
			new:  "x\ny\n",
			want: "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n",
		},
		{
			name: "missing final newline",
			old:  "x",
			new:  "x\n",
			want: "--- a\n+++ b\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+x\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Diff("a", "b", tt.old, tt.new)); diff != "" {
				t.Errorf("Diff (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAgainstDiffU checks hunk headers and context against the system's
// diff -u, on texts long enough to give several hunks.
func TestAgainstDiffU(t *testing.T) {
	if _, err := exec.LookPath("diff"); err != nil {
		t.Skip("no diff(1) on this machine to compare with")
	}
	var a, b []string
	for i := range 40 {
		line := strings.Repeat("x", i%7) + string(rune('a'+i%26))
		a = append(a, line)
		switch {
		case i == 3 || i == 30:
			b = append(b, "changed "+line)
		case i == 12:
		case i == 20:
			b = append(b, line, "inserted")
		default:
			b = append(b, line)
		}
	}
	old, new := strings.Join(a, "\n")+"\n", strings.Join(b, "\n")+"\n"
	dir := t.TempDir()
	pa, pb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(pa, []byte(old), 0o600)
	os.WriteFile(pb, []byte(new), 0o600)
	out, _ := exec.Command("diff", "-u", "--label", "a", "--label", "b", pa, pb).Output()
	if diff := cmp.Diff(string(out), Diff("a", "b", old, new)); diff != "" {
		t.Errorf("Diff differs from diff -u (-diff +ours):\n%s", diff)
	}
}
