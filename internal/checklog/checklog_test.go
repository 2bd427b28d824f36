package checklog

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gifctl/gifctl/internal/exhaust"
)

func TestRecordWritesOnlyChanges(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	if err := Record(dir, Result{Check: "ipv6", OK: false, Detail: "no reply", Since: t0}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(filepath.Join(dir, "check.ipv6"))
	// Same answer later: nothing written, Since stays at the change.
	if err := Record(dir, Result{Check: "ipv6", OK: false, Detail: "no reply", Since: t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(filepath.Join(dir, "check.ipv6"))
	if !os.SameFile(before, after) {
		t.Error("an unchanged result was rewritten")
	}
	if err := Record(dir, Result{Check: "tunnel gif0", OK: true, Detail: "192.0.2.1 --> 216.66.80.26", Since: t0}); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []Result{
		{Check: "ipv6", OK: false, Detail: "no reply", Since: t0},
		{Check: "tunnel gif0", OK: true, Detail: "192.0.2.1 --> 216.66.80.26", Since: t0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
}

func TestRecordRefusesPathTricks(t *testing.T) {
	if err := Record(t.TempDir(), Result{Check: "../../etc/passwd"}); err == nil {
		t.Error("a check name with a path in it was accepted")
	}
}

func TestLoadMissingDir(t *testing.T) {
	got, err := Load("/nonexistent/gifctl")
	if err != nil || len(got) != 0 {
		t.Errorf("Load of a missing dir = %v, %v; want nothing, nil", got, err)
	}
}

// One garbled result file does not hide the others: they are returned
// and the error names the bad one.
func TestLoadSkipsABadFile(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, r := range []Result{{Check: "ipv4", OK: true, Since: t0}, {Check: "ipv6", OK: false, Since: t0}} {
		if err := Record(dir, r); err != nil {
			t.Fatal(err)
		}
	}
	bad := filepath.Join(dir, "check.aaa")
	if err := os.WriteFile(bad, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("Load error %v, want one naming %s", err, bad)
	}
	if len(got) != 2 || got[0].Check != "ipv4" || got[1].Check != "ipv6" {
		t.Errorf("Load = %+v, want ipv4 and ipv6", got)
	}
}

// Record's check of the name replaced a regexp; it must agree with it on
// every short string made of the bytes that matter.
func TestValidNameAgreesWithRegexp(t *testing.T) {
	want := regexp.MustCompile(`^[a-z0-9]+( [a-z]+[0-9]+)?$`)
	// Under a file, a good name fails fast too, but not for its name.
	dir := filepath.Join(t.TempDir(), "file", "dir")
	if err := os.WriteFile(filepath.Dir(dir), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	exhaust.Strings([]string{"a", "z", "0", "9", " ", ".", "/", "A"}, 5, func(s string) {
		err := Record(dir, Result{Check: s})
		if bad := strings.Contains(fmt.Sprint(err), "bad check name"); bad == want.MatchString(s) || err == nil {
			t.Errorf("Record(%q): %v, want valid %v", s, err, want.MatchString(s))
		}
	})
}

// A check killed while recording leaves a temporary file; the next record
// of that check removes it once it is over a minute old, and not before.
func TestRecordRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	old, young := filepath.Join(dir, ".check.tunnel.gif0123"), filepath.Join(dir, ".check.tunnel.gif0456")
	for _, p := range []string{old, young} {
		if err := os.WriteFile(p, []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	hourAgo := time.Now().Add(-time.Hour)
	os.Chtimes(old, hourAgo, hourAgo)
	if err := Record(dir, Result{Check: "tunnel gif0", OK: true, Since: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("stale temp file left: %v", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("a temp file a minute old or less was removed: %v", err)
	}
}
