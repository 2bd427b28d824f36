package ifstatedsim

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Each message and line below is what OpenBSD's parse.y (v1.56) says about
// the same input; they were checked against its grammar and lexer built on
// this machine.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"action and } on one line", "x = '( \"t\" every 5 )'\nstate a {\n\tif $x { set-state a }\n}\n", "3: syntax error"},
		{"set-state outside a state", "if \"t\" every 5 {\n\tset-state a\n}\nstate a {\n\tif \"t\" every 5 {\n\t\trun \"x\"\n\t}\n}\n", "2: set-state must be used inside 'if'"},
		{"init-state names no state", "init-state b\nstate a {\n\tif \"t\" every 5 {\n\t\trun \"x\"\n\t}\n}\n", "1: invalid start state b"},
		{"set-state names no state", "state a {\n\tif \"t\" every 5 {\n\t\tset-state b\n\t}\n}\n", "3: state 'b' not declared"},
		{"state twice", "state a {\n\tif \"t\" every 5 {\n\t\trun \"x\"\n\t}\n}\nstate a {\n\tif \"t\" every 5 {\n\t\trun \"x\"\n\t}\n}\n", "6: state a already exists"},
		{"every 0", "state a {\n\tif \"t\" every 0 {\n\t\trun \"x\"\n\t}\n}\n", "2: invalid interval: 0"},
		{"every 2^32", "state a {\n\tif \"t\" every 4294967296 {\n\t\trun \"x\"\n\t}\n}\n", "2: invalid interval: 4294967296"},
		{"every -5", "state a {\n\tif \"t\" every -5 {\n\t\trun \"x\"\n\t}\n}\n", "2: invalid interval: -5"},
		{"every beyond int64", "state a {\n\tif \"t\" every 99999999999999999999 {\n\t\trun \"x\"\n\t}\n}\n", "2: \"99999999999999999999\" invalid number: too large"},
		{"else", "state a {\n\tif \"t\" every 5 {\n\t\trun \"x\"\n\t} else {\n\t\trun \"y\"\n\t}\n}\n", "4: syntax error"},
		{"no newline at the end", "state a {\n\tif \"t\" every 5 {\n\t\trun \"x\"\n\t}\n}", "5: syntax error"},
		{"unquoted command", "state a {\n\tif \"t\" every 5 {\n\t\trun /bin/ls\n\t}\n}\n", "3: syntax error"},
		{"&& glued to $", "x = '\"t\" every 5'\nstate a {\n\tif $x &&$x {\n\t\trun \"x\"\n\t}\n}\n", "3: syntax error"},
		{"undefined macro", "state a {\n\tif $nope {\n\t\trun \"x\"\n\t}\n}\n", "2: macro 'nope' not defined"},
		{"init outside a state", "init {\n\trun \"x\"\n}\nstate a {\n\tif \"t\" every 5 {\n\t\trun \"x\"\n\t}\n}\n", "1: syntax error"},
		{"empty state", "state a {\n}\n", "2: syntax error"},
		{"empty if", "state a {\n\tif \"t\" every 5 {\n\t}\n}\n", "3: syntax error"},
		{"quote swallowing lines", "state a {\n\tif \"t every 5 {\n\t\trun \"x\"\n\t}\n}\n", "3: syntax error"},
		{"quote open at the end", "state a {\n\tif \"t\" every 5 {\n\t\trun \"x\n\t}\n}\n", "3: reached end of file while parsing quoted string"},
		{"macro name with a space", "\"a b\" = \"x\"\n", "1: macro name cannot contain whitespace"},
		{"link test without a name", "state a {\n\tif .link.up {\n\t\trun \"x\"\n\t}\n}\n", "2: syntax error"},
		{"link state unknown to ifstated", "state a {\n\tif em0.link.sideways {\n\t\trun \"x\"\n\t}\n}\n", "2: syntax error"},
		{"CRLF", "state a {\r\n\tif \"t\" every 5 {\r\n\t\trun \"x\"\r\n\t}\r\n}\r\n", "1: syntax error"},
		{"word starting with -", "state a {\n\tif -x every 5 {\n\t\trun \"x\"\n\t}\n}\n", "2: syntax error"},
		{"} after an action", "state a {\n\tif \"t\" every 5\n\t\trun \"x\" }\n", "3: syntax error"},
		{"macro glued to a word", "m = \"em0.link.up\"\nstate a {\n\tif $m.x {\n\t\trun \"x\"\n\t}\n}\n", "3: syntax error"},
		{"line count after \\ newline", "state a {\n\tif \"t\" \\\n\t every 5 {\n\t\trun \"x\"\n\t}\n}\nstate b {\n\tif \"x\" every 0 {\n\t\trun \"y\"\n\t}\n}\n", "8: invalid interval: 0"},
		{"line count after \\\"", "state a {\n\tif \"say \\\"hi\\\"\" every 5 {\n\t\trun \"x\"\n\t}\n\tif \"t\" every 0 {\n\t\trun \"x\"\n\t}\n}\n", "5: invalid interval: 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.conf", []byte(tc.text))
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if got := err.Error(); got != "f.conf:"+tc.want {
				t.Errorf("error %q, want %q", got, "f.conf:"+tc.want)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"4294967295 is the largest interval", "state a {\n\tif \"t\" every 4294967295 {\n\t\trun \"x\"\n\t}\n}\n",
			"state a\n\tif \"t\" every 4294967295\n\t\trun \"x\"\n"},
		{"&& and || group to the left, ! binds tighter", "state a {\n\tif ! \"a\" every 1 || \"b\" every 1 && \"c\" every 1\n\t\trun \"x\"\n}\n",
			"state a\n\tif ((! \"a\" every 1 || \"b\" every 1) && \"c\" every 1)\n\t\trun \"x\"\n"},
		{"{ on the same line as state, single actions", "state a { if \"t\" every 5\n\trun \"x\"\n}\n",
			"state a\n\tif \"t\" every 5\n\t\trun \"x\"\n"},
		{"nested if without braces", "state a {\n\tif \"a\" every 5 {\n\t\tif \"b\" every 5 run \"x\"\n\t}\n}\n",
			"state a\n\tif \"a\" every 5\n\t\tif \"b\" every 5\n\t\t\trun \"x\"\n"},
		{"macro read again as input, a newline in quotes, a name of several strings", "t = '( \"a\nb\" every 5 )'\nm = \"em0.link.up\"\nstate my name {\n\tif $t || $m run \"x\"\n}\n",
			"state my name\n\tif (\"ab\" every 5 || em0.link.up)\n\t\trun \"x\"\n"},
		{"global run and if, init-state last", "run \"boot\"\nif em0.link.down {\n\trun \"d\"\n}\nstate a {\n\tinit run \"i\"\n\tif em0.link.up set-state a\n}\ninit-state a\n",
			"init-state a\nrun \"boot\"\nif em0.link.down\n\trun \"d\"\nstate a\n\tinit\n\t\trun \"i\"\n\tif em0.link.up\n\t\tset-state a\n"},
		{"backslashes and # in quotes", "state a {\n\trun \"a\\\\b \\\" \\q # not a comment\" # a comment\n}\n",
			"state a\n\trun \"a\\\\\\\\b \\\" \\\\q # not a comment\"\n"}, // \\ stays \\
		{"no state at all", "x = \"y\"\n\n# nothing\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("f.conf", []byte(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, f.String()); diff != "" {
				t.Errorf("parsed (-want +got):\n%s", diff)
			}
		})
	}
}

// A user's file for the same job, pings every 60 s, parses as ifstated reads it.
func TestParseRestartIPv6(t *testing.T) {
	data, err := os.ReadFile("testdata/restart-ipv6.conf")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("restart-ipv6.conf", data)
	if err != nil {
		t.Fatal(err)
	}
	want := `init-state auto
state auto
	init
		run "echo in auto:init"
	if ! "ping -c1 -q -w 1 8.8.8.8 >/dev/null" every 60
		set-state no_ipv4
	if ! "ping6 -c1 -q -w 1 2001:4860:4860::8888 >/dev/null" every 60
		set-state no_ipv6
state no_ipv4
	if ! "ping -c1 -q -w 1 8.8.8.8 >/dev/null" every 60
		run "logger -t ifstated No IPv4 connectivity. Attempting to restart em0."
		run "sh /etc/netstart em0"
	if "ping -c1 -q -w 1 8.8.8.8 >/dev/null" every 60
		set-state auto
state no_ipv6
	if ! "ping6 -c1 -q -w 1 2001:4860:4860::8888 >/dev/null" every 60
		run "logger -t ifstated IPv6 tunnel seems to be down. Attempting to restart IPv6 tunnel."
		run "/root/restart_ipv6.sh"
	if "ping6 -c1 -q -w 1 2001:4860:4860::8888 >/dev/null" every 60
		set-state auto
`
	if diff := cmp.Diff(want, f.String()); diff != "" {
		t.Errorf("restart-ipv6.conf (-want +got):\n%s", diff)
	}
	// The file as scraped, without its closing braces, is refused.
	scraped := strings.NewReplacer("\n      }\n", "\n", "\n  }\n", "\n", "\n}\n", "\n").Replace(string(data))
	if _, err := Parse("scraped.conf", []byte(scraped)); err == nil {
		t.Error("the scraped file parses")
	}
}

func TestParseManPage(t *testing.T) {
	data, err := os.ReadFile("testdata/manpage.conf")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("manpage.conf", data)
	if err != nil {
		t.Fatal(err)
	}
	if f.Start().Name != "one" || len(f.States) != 3 {
		t.Errorf("start %s, %d states; want one, 3", f.Start().Name, len(f.States))
	}
	got := f.States[0].Body[0].Cond.String()
	want := `(! ("ping -q -c 1 -w 1 192.168.0.1 > /dev/null" every 10 && "ping -q -c 1 -w 1 192.168.0.2 > /dev/null" every 10) || urndis0.link.up)`
	if got != want {
		t.Errorf("first condition\n got %s\nwant %s", got, want)
	}
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/manpage.conf")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse("manpage.conf", data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestExternals: each command and interval once, in the order written,
// nested ifs included; the same command at another interval is another test.
func TestExternals(t *testing.T) {
	f, err := Parse("f.conf", []byte(`
if "a" every 5 {
	run "x"
}
state one {
	if "b" every 10 && ! "a" every 5 {
		if "c" every 10 || "b" every 20 {
			run "y"
		}
	}
	if "b" every 10 {
		run "z"
	}
}
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range Externals(f.Global, f.States[0].Body) {
		got = append(got, fmt.Sprintf("%s/%d", e.Command, e.Every))
	}
	if want := []string{"a/5", "b/10", "c/10", "b/20"}; !slices.Equal(got, want) {
		t.Errorf("Externals = %q, want %q", got, want)
	}
}
