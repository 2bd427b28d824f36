package gifsim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// hostnameGif0 is the file gifctl would write (a tunnel line, the inner
// addresses; hostname.if(5)), with a line the stand-in does not carry out.
const hostnameGif0 = `tunnel 198.18.1.2 198.19.0.2
inet6 2001:db8:1::2 128
dest 2001:db8:1::1
mtu 1480
!route -qn add -inet6 default 2001:db8:1::1
!echo hello from $if
`

func TestNetstart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hostname.gif0")
	if err := os.WriteFile(path, []byte(hostnameGif0), 0o640); err != nil {
		t.Fatal(err)
	}
	h := newFakeHost()
	var stdout, stderr strings.Builder
	netstart(h, dir, "gif0", false, &stdout, &stderr)
	want := []string{
		"create gif0",
		"tunnel gif0 inet 198.18.1.2 --> 198.19.0.2",
		"up gif0 true",
		"inet6 gif0 2001:db8:1::2/128 peer 2001:db8:1::1",
		"mtu gif0 1480",
		"route add 2001:db8:1::1 inet6=true",
	}
	if diff := cmp.Diff(want, h.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if got := stdout.String(); got != "echo hello from gif0\n" {
		t.Errorf("stdout = %q, want the ! line it did not run", got)
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr: %s", stderr.String())
	}

	// Running it again changes the endpoints in place: no second create.
	h.calls = nil
	netstart(h, dir, "gif0", false, &stdout, &stderr)
	if len(h.calls) == 0 || h.calls[0] != "tunnel gif0 inet 198.18.1.2 --> 198.19.0.2" {
		t.Errorf("second run: %v", h.calls)
	}
}

func TestNetstartDryRun(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hostname.gif0"), []byte(hostnameGif0), 0o640); err != nil {
		t.Fatal(err)
	}
	h := newFakeHost()
	var stdout, stderr strings.Builder
	netstart(h, dir, "gif0", true, &stdout, &stderr)
	want := `{ ifconfig gif0 || ifconfig gif0 create; }
ifconfig gif0 tunnel 198.18.1.2 198.19.0.2
ifconfig gif0 inet6 2001:db8:1::2 2001:db8:1::1 prefixlen 128
ifconfig gif0 mtu 1480
route -qn add -inet6 default 2001:db8:1::1
echo hello from gif0
`
	if diff := cmp.Diff(want, stdout.String()); diff != "" {
		t.Errorf("netstart -n (-want +got):\n%s", diff)
	}
	if len(h.calls) != 0 {
		t.Errorf("netstart -n changed the system: %v", h.calls)
	}
}

func TestNetstartMissingFile(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr strings.Builder
	if st := netstartMain([]string{"-hostname-dir", dir, "gif0"}, &stdout, &stderr); st != 0 {
		t.Errorf("status %d, want 0 like netstart", st)
	}
	want := "netstart: " + filepath.Join(dir, "hostname.gif0") + ": No such file or directory.\n"
	if stderr.String() != want {
		t.Errorf("stderr = %q, want %q", stderr.String(), want)
	}
}

func TestNetstartFixesPermissions(t *testing.T) {
	if os.Geteuid() != 0 && os.Getenv("CI") == "" {
		t.Skip("needs root: netstart chowns the file to root:wheel")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "hostname.gif0")
	if err := os.WriteFile(path, []byte("up\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	netstart(newFakeHost(), dir, "gif0", false, &stdout, &stderr)
	if want := "WARNING: " + path + " is insecure, fixing permissions.\n"; stdout.String() != want {
		t.Errorf("stdout = %q, want %q", stdout.String(), want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v after netstart, want 0640", fi.Mode().Perm())
	}
}

func TestRouteLines(t *testing.T) {
	tests := []struct {
		line  string
		ok    bool
		calls []string
	}{
		{"route -qn add -inet6 default 2001:db8:1::1", true, []string{"route add 2001:db8:1::1 inet6=true"}},
		{"route add default 198.18.1.1", true, []string{"route add 198.18.1.1 inet6=false"}},
		{"route -n change -inet default 198.18.1.1", true, []string{"route change 198.18.1.1 inet6=false"}},
		{"route -qn delete -inet6 default", true, []string{"route delete invalid IP inet6=true"}},
		{"route add -inet6 2001:db8::/32 2001:db8:1::1", false, nil},
		{"echo route add default 198.18.1.1", false, nil},
		{"route add -inet6 default 198.18.1.1", true, nil}, // wrong family: an error, nothing done
	}
	for _, tt := range tests {
		h := newFakeHost()
		ok, _ := route(h, tt.line)
		if ok != tt.ok {
			t.Errorf("route(%q) handled = %v, want %v", tt.line, ok, tt.ok)
		}
		if diff := cmp.Diff(tt.calls, h.calls); diff != "" {
			t.Errorf("route(%q) calls (-want +got):\n%s", tt.line, diff)
		}
	}
}
