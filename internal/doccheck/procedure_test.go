package doccheck

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gifctl/gifctl/ifstated"
)

// overstrike is how mandoc -Tascii sets bold and underlined letters.
var overstrike = regexp.MustCompile(".\b")

// prose reduces a document to its words, so that the same text wrapped,
// indented, set in a man page or a code block compares equal: a leading
// root prompt or comment sign goes, as do Markdown's backquotes and the
// "configuration OK" a transcript shows after ifstated -n.
func prose(text string) string {
	var words []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		l = strings.TrimSpace(strings.TrimPrefix(l, "#"))
		if l == "configuration OK" {
			continue
		}
		words = append(words, strings.Fields(strings.ReplaceAll(l, "`", ""))...)
	}
	return " " + strings.Join(words, " ") + " "
}

// TestIfstatedProcedure: installing the generated ifstated.conf is one
// procedure, ifstated.Install's, written in the same words in the header
// of the generated file, gifctl ifstated --help, gifctl.8, the README and
// the port's pkg/README.
func TestIfstatedProcedure(t *testing.T) {
	root := repoRoot(t)
	want := prose(ifstated.Install("gifctl ifstated"))

	help, err := runIn("", nil, gifctlBinary(t), "ifstated", "--help")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(needTool(t, "mandoc"), "-Tascii", filepath.Join(root, "man", "gifctl.8")).Output()
	if err != nil {
		t.Fatalf("mandoc: %v", err)
	}
	for name, text := range map[string]string{
		"etc/ifstated.conf":      string(readFile(t, filepath.Join(root, "etc", "ifstated.conf"))),
		"gifctl ifstated --help": string(help),
		"man/gifctl.8":           overstrike.ReplaceAllString(string(out), ""),
		"README.md":              string(readFile(t, filepath.Join(root, "README.md"))),
		"pkg/README":             string(readFile(t, filepath.Join(portDir(t), "pkg", "README"))),
	} {
		if !strings.Contains(prose(text), want) {
			t.Errorf("%s does not give the procedure of ifstated.Install in its words:\n%s", name, strings.TrimSpace(want))
		}
	}
}
