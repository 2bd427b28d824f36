package heartbeat

import (
	"bytes"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// requireTcllib skips the test when tclsh or tcllib's md5 package is
// missing, except under CI, which installs them (scripts/deps.sh).
func requireTcllib(t *testing.T) {
	t.Helper()
	cmd := exec.Command("tclsh")
	// tclsh reading a pipe exits 0 even when a command fails: ask for
	// the status explicitly.
	cmd.Stdin = strings.NewReader("if {[catch {package require md5} err]} {puts stderr $err; exit 1}\n")
	out, err := cmd.CombinedOutput()
	if err == nil {
		return
	}
	why := "needs tclsh with tcllib's md5 package: " + err.Error() + ": " + string(bytes.TrimSpace(out))
	if os.Getenv("CI") == "" {
		t.Skip(why)
	}
	t.Fatal(why + " (CI is set, so this is a failure)")
}

// TestSameAsHeartbeat6Tcl runs the two lines of Jakob Pfeiffer's
// heartbeat6.tcl that build the beat (testdata/heartbeat6.tcl)
// under tclsh, with clock replaced by a fixed time, and compares their
// $hbhash with Message byte for byte.
func TestSameAsHeartbeat6Tcl(t *testing.T) {
	requireTcllib(t)
	tcl, err := os.ReadFile("testdata/heartbeat6.tcl")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		localv6  string // as the user would type it into the script
		unix     int64
		password string
	}{
		{"2001:db8::2", 1063665852, "hartslag"},
		{"2001:DB8:FFFF:1A2B::2", 1700000000, "hartslag"},
		{"2001:db8:1::2", 1700000059, "with spaces and $signs [brackets] {braces} \\ backslash \"quotes\""},
		{"2001:db8:1::2", 4102444800, ""},
	}
	for _, tt := range tests {
		t.Run(tt.localv6+"/"+strconv.FormatInt(tt.unix, 10), func(t *testing.T) {
			// The values come in through the environment, so no Tcl quoting
			// can change them; only `clock second` is overridden.
			script := "package require md5\n" +
				"set localv6 $env(HB_LOCALV6)\n" +
				"set password $env(HB_PASSWORD)\n" +
				"rename clock {}\n" +
				"proc clock {args} { return $::env(HB_TIME) }\n" +
				string(tcl) +
				"puts -nonewline $hbhash\n"
			cmd := exec.Command("tclsh")
			cmd.Stdin = strings.NewReader(script)
			cmd.Env = append(os.Environ(),
				"HB_LOCALV6="+tt.localv6,
				"HB_PASSWORD="+tt.password,
				"HB_TIME="+strconv.FormatInt(tt.unix, 10))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("tclsh: %v: %s", err, stderr.Bytes())
			}
			got := Message(netip.MustParseAddr(tt.localv6), Sender, time.Unix(tt.unix, 0), tt.password)
			if diff := cmp.Diff(string(out), got); diff != "" {
				t.Errorf("Message differs from heartbeat6.tcl's $hbhash (-tcl +Message):\n%s", diff)
			}
			// heartbeat6.tcl sends it with puts, which adds a newline; the PoP
			// cuts it, so both datagrams are the same beat.
			for _, datagram := range []string{got, string(out) + "\n"} {
				if _, err := Verify([]byte(datagram), netip.MustParseAddr("192.0.2.1"), time.Unix(tt.unix, 0), tt.password); err != nil {
					t.Errorf("Verify(%q): %v", datagram, err)
				}
			}
		})
	}
}
