package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTimeRunsInterleavesAndChecksExit(t *testing.T) {
	log := filepath.Join(t.TempDir(), "log")
	cmd := func(name string) Cmd {
		return Cmd{Label: name, Argv: []string{"/bin/sh", "-c", "echo " + name + " >> " + log}}
	}
	cmds := []Cmd{cmd("a"), cmd("b"), cmd("c")}
	times, err := TimeRuns(cmds, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, ts := range times {
		if len(ts.Wall) != 2 || len(ts.CPU) != 2 {
			t.Errorf("%s: %d wall and %d CPU times, want 2 each", cmds[i].Label, len(ts.Wall), len(ts.CPU))
		}
		for _, d := range ts.Wall {
			if d <= 0 {
				t.Errorf("%s: wall time %s", cmds[i].Label, d)
			}
		}
	}
	data, _ := os.ReadFile(log)
	// Warm-up round starting at a, then rounds starting at b and c.
	if got, want := strings.Fields(string(data)), "a b c b c a c a b"; strings.Join(got, " ") != want {
		t.Errorf("order %q, want %q", got, want)
	}

	_, err = TimeRuns([]Cmd{{Label: "false", Argv: []string{"/bin/false"}}}, 1, 0)
	if err == nil || !strings.Contains(err.Error(), "false: /bin/false: exit 1, want 0") {
		t.Errorf("a command with the wrong exit status: %v", err)
	}
	if _, err := TimeRuns([]Cmd{{Label: "false", Argv: []string{"/bin/false"}, Exit: 1}}, 1, 0); err != nil {
		t.Errorf("exit 1 expected: %v", err)
	}
}

func TestRSSHelper(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rss")
	if code := RSSHelper([]string{out, "/bin/sh", "-c", "exit 3"}); code != 3 {
		t.Errorf("exit status %d, want the child's 3", code)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := lastNumber(data)
	if err != nil || kb <= 0 {
		t.Errorf("peak RSS %q: %d, %v", data, kb, err)
	}
	if code := RSSHelper([]string{out}); code != 2 {
		t.Errorf("no command: exit %d, want 2", code)
	}
}

func TestRSSMeterPeak(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []RSSMeter{NewRSSMeter(self), {Wrap: []string{"/bin/sh", "-c", `echo "Command exited with non-zero status 1" > "$1"; echo 1234 >> "$1"`, "sh", "OUT"}}} {
		kb, err := m.Peak(Cmd{Label: "true", Argv: []string{"/bin/true"}}, 2)
		if err != nil || kb <= 0 {
			t.Errorf("%v: peak %d, %v", m.Wrap, kb, err)
		}
	}
}

func TestLastNumber(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1234\n", 1234, true},
		{"Command exited with non-zero status 1\n9876\n", 9876, true},
		{"\n\n42\n\n", 42, true},
		{"", 0, false},
		{"lots\n", 0, false},
	} {
		got, err := lastNumber([]byte(tt.in))
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("lastNumber(%q) = %d, %v; want %d, ok %t", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
