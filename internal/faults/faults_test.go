package faults

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTrackWritesOneLinePerTally(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.jsonl")
	t.Setenv(EnvReport, path)
	t.Run("tried", func(t *testing.T) {
		x := Track(t, "hangs", "netstart never returns", "exit 1 in time")
		x.Add(2)
		x.Add(1)
		x.Note("killed %d groups", 3)
	})
	t.Run("nothing", func(t *testing.T) {
		Track(t, "hangs", "pfctl never returns", "exit 1 in time")
	})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadEntries(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Area: "hangs", Fault: "netstart never returns", Tries: 3, Held: "exit 1 in time", Notes: "killed 3 groups", Test: "TestTrackWritesOneLinePerTally/tried", OK: true},
		// No tries is not a pass: the test stopped before trying.
		{Area: "hangs", Fault: "pfctl never returns", Held: "exit 1 in time", Test: "TestTrackWritesOneLinePerTally/nothing"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

func TestTrackWithoutReportWritesNothing(t *testing.T) {
	t.Setenv(EnvReport, "")
	dir := t.TempDir()
	t.Chdir(dir)
	t.Run("x", func(t *testing.T) { Track(t, "hangs", "f", "h").Add(1) })
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("wrote %v", entries)
	}
}

func TestCountUnits(t *testing.T) {
	stream := strings.Join([]string{
		`{"Action":"run","Package":"m/bsd","Test":"TestLockA"}`,
		`{"Action":"pass","Package":"m/bsd","Test":"TestLockA"}`,
		`{"Action":"pass","Package":"m/bsd","Test":"TestLockB/one"}`,
		`{"Action":"fail","Package":"m/bsd","Test":"TestLockB/two"}`,
		`{"Action":"fail","Package":"m/bsd","Test":"TestLockB"}`,
		`{"Action":"skip","Package":"m/bsd","Test":"TestLockC"}`,
		`{"Action":"pass","Package":"m/bsd","Test":"TestOther"}`,
		`{"Action":"pass","Package":"m/internal/bsd","Test":"TestLockA"}`,
		`not json: build output`,
		`{"Action":"pass","Package":"m/bsd"}`,
	}, "\n")
	units := []Unit{{Package: "./bsd", Run: "^TestLock", What: "locks"}, {Package: "./none", Run: "^Test"}}
	got, err := CountUnits(strings.NewReader(stream), units)
	if err != nil {
		t.Fatal(err)
	}
	// m/internal/bsd ends in /bsd too: a package is matched by its
	// path's end, so it counts; TestLockB counts by its two subtests.
	want := []UnitResult{{Unit: units[0], Passed: 3, Failed: 1, Skipped: 1}, {Unit: units[1]}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestReadFuzzRuns(t *testing.T) {
	got, err := ReadFuzzRuns(strings.NewReader("./bsd\tFuzzX\t8\t5\t12345\tok\n./hostnameif\tFuzzY\t0\t5\t0\tFAIL\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []FuzzRun{
		{Package: "./bsd", Target: "FuzzX", Seeds: 8, Seconds: 5, Execs: 12345, OK: true},
		{Package: "./hostnameif", Target: "FuzzY", Seconds: 5},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"a\tb\n", "a\tb\tx\t5\t1\tok\n"} {
		if _, err := ReadFuzzRuns(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadFuzzRuns(%q) accepted it", bad)
		}
	}
}

func TestRender(t *testing.T) {
	entries := []Entry{
		{Area: "hangs", Fault: "netstart never returns", Tries: 1, Held: "exit 1", Notes: "a", OK: true},
		{Area: "hangs", Fault: "netstart never returns", Tries: 2, Held: "exit 1", Notes: "b", OK: true},
		{Area: "crash safety", Fault: "SIGKILL | mid-write", Tries: 30, Held: "old or new file", OK: false},
		{Area: "mystery", Fault: "x", Tries: 1, Held: "y", OK: true},
	}
	units := []UnitResult{{Unit: Unit{Package: "./bsd", Run: "^(A|B)$", What: "w"}, Passed: 4}}
	fuzz := []FuzzRun{{Package: "./bsd", Target: "FuzzX", Seeds: 8, Seconds: 5, Execs: 99, OK: true}}
	var b strings.Builder
	if err := Render(&b, Meta{Command: "make testing-report", Commit: "e230445-dirty", Date: "2026-01-02", Go: "go1.26"}, entries, units, fuzz); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"in one run of `make testing-report` on commit e230445-dirty on 2026-01-02 with go1.26.",
		"**1 rows below did not hold",
		"### Crash safety\n\n| fault or bad input | tries | what held after every try | seen | result |\n|---|---:|---|---|---|\n| SIGKILL \\| mid-write | 30 | old or new file | - | **FAILED** |\n",
		"### Hangs\n\n",
		"| netstart never returns | 3 | exit 1 | a; b | held |\n",
		"### Other\n",
		"| ./bsd | `^(A\\|B)$` | w | 4 | 0 | 0 |\n",
		"| ./bsd | FuzzX | - | 8 | 5 | 99 | held |\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "### Crash safety") > strings.Index(out, "### Hangs") {
		t.Error("areas out of order")
	}
}

func TestUnclear(t *testing.T) {
	for _, tt := range []struct{ msg, want string }{
		{"em0: no IPv4 address", ""},
		{`tunnel line "\x1b": want "inet SRC --> DST"`, ""},
		{"", "empty message"},
		{"two\nlines", "holds the unprintable U+000A"},
		{"esc \x1b[2J", "holds the unprintable U+001B"},
		{"bad \xff", "invalid UTF-8"},
		{"Capital", "starts with a capital letter"},
		{"period.", "ends with a period"},
	} {
		if got := Unclear(tt.msg); got != tt.want {
			t.Errorf("Unclear(%q) = %q, want %q", tt.msg, got, tt.want)
		}
	}
}
