package standin

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func run(t *testing.T, dir string, argv ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(filepath.Join(dir, argv[0]), argv[1:]...).CombinedOutput()
	return string(out), err
}

func TestScripts(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "etc"), 0o755)
	if out, err := run(t, dir, "ifconfig", "gif0"); err == nil || !strings.Contains(out, "gif0: no such interface") {
		t.Errorf("ifconfig before netstart: %v %q", err, out)
	}
	os.WriteFile(filepath.Join(dir, "etc/hostname.gif0"), []byte("tunnel 192.0.2.1 203.0.113.1\ntunnel 192.0.2.7 203.0.113.1\n"), 0o640)
	if _, err := run(t, dir, "netstart", "gif0"); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, dir, "ifconfig", "gif0")
	if err != nil || !strings.Contains(out, "\ttunnel: inet 192.0.2.7 --> 203.0.113.1 ttl 64 nodf ecn\n") {
		t.Errorf("ifconfig after netstart: %v %q", err, out)
	}
	os.WriteFile(filepath.Join(dir, "pf.conf"), []byte("pass\nBROKEN\n"), 0o600)
	if out, err := run(t, dir, "pfctl", "-n", "-f", filepath.Join(dir, "pf.conf")); err == nil || !strings.Contains(out, "syntax error") {
		t.Errorf("pfctl on a broken pf.conf: %v %q", err, out)
	}
	want := []string{"ifconfig gif0", "netstart gif0", "ifconfig gif0", "pfctl -n -f DIR/pf.conf"}
	if diff := cmp.Diff(want, Calls(dir)); diff != "" {
		t.Errorf("Calls (-want +got):\n%s", diff)
	}
	if got := Calls(dir); len(got) != 0 {
		t.Errorf("Calls again = %q, want nothing new", got)
	}
}
