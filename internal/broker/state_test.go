package broker

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	got, err := LoadState(dir, "gif0")
	if err != nil {
		t.Fatalf("missing file: %v", err)
	}
	if diff := cmp.Diff(State{Tunnel: "gif0"}, got, addrComparer); diff != "" {
		t.Errorf("missing file (-want +got):\n%s", diff)
	}

	when := time.Date(2026, 11, 23, 21, 0, 0, 0, time.UTC)
	want := State{
		Tunnel:        "gif0",
		Address:       netip.MustParseAddr("10.0.0.2"),
		BrokerAddress: netip.MustParseAddr("198.51.100.7"),
		Answer:        "good 198.51.100.7",
		Code:          "good",
		When:          when,
		Accepted:      when,
		Failures:      2,
		Abuses:        1,
		BackoffUntil:  when.Add(10 * time.Minute),
	}
	// Written over a file with looser permissions, the new one is 0600.
	path := filepath.Join(dir, "gif0.broker.json")
	if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := want.Save(dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, want 0600", path, fi.Mode().Perm())
	}
	got, err = LoadState(dir, "gif0")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, addrComparer); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// Nothing but the state file is left in the directory.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%s holds %d files, want only the state", dir, len(entries))
	}
	// A zero state leaves out what it does not know.
	if err := (State{Tunnel: "gif1"}).Save(dir); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "gif1.broker.json"))
	if diff := cmp.Diff("{\n\t\"tunnel\": \"gif1\"\n}\n", string(data)); diff != "" {
		t.Errorf("zero state file (-want +got):\n%s", diff)
	}
}

func TestLoadStateErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gif0.broker.json")
	for _, tc := range []struct {
		name, content, ifname, want string
	}{
		{"corrupt", "{\"tunnel\": \"gif0\", \"address\": ", "gif0", path + ": corrupt state, remove it to start afresh"},
		{"bad address", `{"tunnel": "gif0", "address": "banana"}`, "gif0", path + ": corrupt state"},
		{"other tunnel", `{"tunnel": "gif1"}`, "gif0", path + `: state of tunnel "gif1", not "gif0"`},
		{"not an interface", "", "../etc/passwd", `"../etc/passwd": not an interface name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadState(dir, tc.ifname)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("LoadState: %v, want an error starting %q", err, tc.want)
			}
		})
	}
	if err := (State{Tunnel: "a/b0"}).Save(dir); err == nil {
		t.Errorf("Save of tunnel a/b0 succeeded")
	}
	if err := (State{Tunnel: "gif0"}).Save(filepath.Join(dir, "missing")); err == nil {
		t.Errorf("Save into a missing directory succeeded")
	}
}
