package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gifctl/gifctl/internal/doctor"
)

// doctorFindings runs doctor --json and returns its exit status and its
// findings by id.
func doctorFindings(t *testing.T, w *world) (int, map[string]doctor.Finding) {
	t.Helper()
	r := w.gifctl(nil, "doctor", "--json")
	var out struct{ Findings []doctor.Finding }
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("doctor --json: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	byID := map[string]doctor.Finding{}
	for _, f := range out.Findings {
		byID[f.ID] = f
	}
	return r.code, byID
}

// doctor reads and judges, and changes nothing: no netstart, no pf load,
// no broker update, no file written. This world has no gif0 interface
// (its kernel is a file), which doctor must name, with exit 1.
func TestDoctorChangesNothing(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	w.mustRun("restart", "gif0")
	w.write("etc/pf.conf", "BROKEN\n", 0o600)
	w.calls()
	before, updates := w.read("etc/hostname.gif0"), w.updates()
	code, fs := doctorFindings(t, w)
	if code != 1 {
		t.Errorf("doctor: exit %d, want 1", code)
	}
	wantCalls(t, w.calls(), "pfctl -n -f DIR/etc/pf.conf", "pfctl -s info")
	if w.read("etc/hostname.gif0") != before || w.updates() != updates || w.read("pf.loaded") != "pass\n" {
		t.Error("doctor changed hostname.gif0, pf or the broker")
	}
	for id, want := range map[string]doctor.Level{
		"config": doctor.OK, "hostname.perms": doctor.OK, "hostname.tunnel": doctor.OK, "egress.addr": doctor.OK,
		"gif.link": doctor.Fail, "pf.conf": doctor.Fail, "pf.enabled": doctor.OK, "broker.answer": doctor.OK, "broker.address": doctor.OK,
	} {
		if fs[id].Level != want {
			t.Errorf("%s: %+v, want %s", id, fs[id], want)
		}
	}
	if !strings.Contains(fs["pf.conf"].Message, "syntax error") {
		t.Errorf("pf.conf: %+v; want pfctl's message", fs["pf.conf"])
	}
	if r := w.gifctl(nil, "doctor", "gif9"); r.code != 2 {
		t.Errorf("doctor gif9: exit %d, want 2", r.code)
	}
}

// An egress that does not exist is one finding, egress.addr, not also the
// warning of gifctl -n.
func TestDoctorSaysMissingEgressOnce(t *testing.T) {
	w := newWorld(t, "198.51.100.7")
	w.writeConf(strings.Replace(w.read("gifctl.conf"), "egress em0", "egress em7", 1))
	r := w.gifctl(nil, "doctor")
	if n := strings.Count(r.stdout, "em7: no such interface"); n != 1 || !strings.Contains(r.stdout, "egress.addr") {
		t.Errorf("doctor names the missing egress %d times, want once, as egress.addr:\n%s", n, r.stdout)
	}
}
