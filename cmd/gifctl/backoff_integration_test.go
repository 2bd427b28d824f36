package main

import (
	"strings"
	"testing"
)

// TestCorrectedKeyEndsBackoff: a wrong update key backs off, the message
// says how to end it, and pasting the right update-url ends it at once.
func TestCorrectedKeyEndsBackoff(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	right := w.read("gifctl.conf")
	w.writeConf(strings.Replace(right, key, "wrongkey", 1))

	r := w.gifctl(nil, "update", "gif0")
	if r.code != 1 || !strings.Contains(r.stderr, `"badauth"`) ||
		!strings.Contains(r.stderr, "correct the update-url (a changed one ends the back-off) or override it with gifctl update --force gif0") {
		t.Fatalf("wrong key: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = w.gifctl(nil, "update", "gif0")
	if r.code != 1 || w.updates() != 1 || !strings.Contains(r.stderr, "backing off until") {
		t.Fatalf("wrong key again: exit %d after %d updates, stderr:\n%s", r.code, w.updates(), r.stderr)
	}
	state := w.read("state/gif0.broker.json")
	if strings.Contains(state, "wrongkey") || !strings.Contains(state, `"url_hash"`) {
		t.Errorf("state file:\n%s", state)
	}

	w.writeConf(right)
	r = w.mustRun("update", "gif0")
	if w.updates() != 2 || !strings.Contains(r.stderr, `the update-url changed since the broker answered "badauth": back-off ended`) {
		t.Errorf("corrected key: %d updates, stderr:\n%s", w.updates(), r.stderr)
	}
}
