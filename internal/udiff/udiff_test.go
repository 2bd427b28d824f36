package udiff

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
// diff -u, for one changed region anywhere in a text: what restart makes.
func TestAgainstDiffU(t *testing.T) {
	if _, err := exec.LookPath("diff"); err != nil {
		t.Skip("no diff(1) on this machine to compare with")
	}
	var a []string
	for i := range 40 {
		a = append(a, strings.Repeat("x", i%7)+string(rune('a'+i%26)))
	}
	edit := func(from, to int, with ...string) []string {
		return append(append(slices.Clone(a[:from]), with...), a[to:]...)
	}
	for name, b := range map[string][]string{
		"changed":       edit(20, 21, "changed"),
		"inserted":      edit(20, 20, "inserted"),
		"deleted":       edit(12, 15),
		"replaced":      edit(12, 15, "one", "two"),
		"first changed": edit(0, 1, "changed"),
		"last changed":  edit(39, 40, "changed"),
		"near the end":  edit(37, 38),
	} {
		old, new := strings.Join(a, "\n")+"\n", strings.Join(b, "\n")+"\n"
		dir := t.TempDir()
		pa, pb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		os.WriteFile(pa, []byte(old), 0o600)
		os.WriteFile(pb, []byte(new), 0o600)
		out, _ := exec.Command("diff", "-u", "--label", "a", "--label", "b", pa, pb).Output()
		if diff := cmp.Diff(string(out), Diff("a", "b", old, new)); diff != "" {
			t.Errorf("%s: Diff differs from diff -u (-diff +ours):\n%s", name, diff)
		}
	}
}

// TestChangesFarApart checks that two changed regions still make a correct
// diff: its context and removed lines are old, its context and added lines new.
func TestChangesFarApart(t *testing.T) {
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	new := "A\nb\nc\nd\ne\nf\ng\nh\ni\nJ\n"
	var gotOld, gotNew string
	for _, l := range strings.SplitAfter(Diff("a", "b", old, new), "\n")[3:] {
		switch {
		case strings.HasPrefix(l, " "):
			gotOld, gotNew = gotOld+l[1:], gotNew+l[1:]
		case strings.HasPrefix(l, "-"):
			gotOld += l[1:]
		case strings.HasPrefix(l, "+"):
			gotNew += l[1:]
		}
	}
	if gotOld != old || gotNew != new {
		t.Errorf("the hunk gives old %q and new %q, want %q and %q", gotOld, gotNew, old, new)
	}
}
