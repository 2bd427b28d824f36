package bsd

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/renameio/v2"
)

func TestIsTemp(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{".hostname.gif0123", true},
		{".hostname.gif0-9223372036854775808", true},
		{".hostname.gif0", false},                     // no number
		{"hostname.gif0123", false},                   // not hidden
		{".hostname.gif0.bak", false},                 // not a number
		{".hostname.gif01x", false},                   // not only digits
		{".hostname.gif0-", false},                    // a sign alone
		{".hostname.gif012345678901234567890", false}, // longer than an int64
	} {
		if got := isTemp(tc.name, "hostname.gif0"); got != tc.want {
			t.Errorf("isTemp(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The names isTemp recognises are the ones renameio makes: a pending
// file that is never committed is found.
func TestIsTempMatchesRenameio(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gif0.broker.json")
	for i := 0; i < 20; i++ {
		f, err := renameio.NewPendingFile(path, renameio.WithTempDir(dir))
		if err != nil {
			t.Fatal(err)
		}
		if !isTemp(filepath.Base(f.Name()), "gif0.broker.json") {
			t.Errorf("renameio's %s is not recognised", f.Name())
		}
		f.Close() // no Cleanup: the file stays, as after a kill
	}
}

func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "check.ipv4")
	write := func(name string, age time.Duration) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		when := time.Now().Add(-age)
		if err := os.Chtimes(p, when, when); err != nil {
			t.Fatal(err)
		}
	}
	write("check.ipv4", time.Hour)      // the file itself
	write(".check.ipv4111", time.Hour)  // stale
	write(".check.ipv4-222", time.Hour) // stale
	write(".check.ipv4333", 0)          // a write in progress
	write(".check.ipv6444", time.Hour)  // another file's
	write(".check.ipv4.x", time.Hour)   // not a temp name

	left := func() []string {
		entries, _ := os.ReadDir(dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	RemoveStale(path, time.Now().Add(-time.Minute))
	if got, want := left(), []string{".check.ipv4.x", ".check.ipv4333", ".check.ipv6444", "check.ipv4"}; !slices.Equal(got, want) {
		t.Errorf("left %q, want %q", got, want)
	}

	// The zero cutoff, for a caller holding the lock: all of them.
	RemoveStale(path, time.Time{})
	if got, want := left(), []string{".check.ipv4.x", ".check.ipv6444", "check.ipv4"}; !slices.Equal(got, want) {
		t.Errorf("zero cutoff left %q, want %q", got, want)
	}
}

// Write never copies an existing file's mode, which would take fchmod(2):
// the checks' pledge on OpenBSD has no fattr and would kill them. An
// admin's chmod 664 on a state file is replaced by 0600 less the umask.
func TestWriteDoesNotChmod(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "check.ipv4")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o664); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new\n"), 0); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new\n" {
		t.Errorf("content %q, want the new data", got)
	}
	// 0600 less whatever umask the test runs under: never the old 0664.
	if fi.Mode().Perm()&^0o600 != 0 {
		t.Errorf("mode %o: more than 0600, the old file's mode was copied", fi.Mode().Perm())
	}
}

// Write sweeps what a killed writer left, once over a minute old.
func TestWriteRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gif0.broker.json")
	old, young := filepath.Join(dir, ".gif0.broker.json123"), filepath.Join(dir, ".gif0.broker.json456")
	for _, p := range []string{old, young} {
		if err := os.WriteFile(p, []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	hourAgo := time.Now().Add(-time.Hour)
	if err := os.Chtimes(old, hourAgo, hourAgo); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("{}\n"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("stale temp file left: %v", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("a temp file a minute old or less was removed: %v", err)
	}
}
