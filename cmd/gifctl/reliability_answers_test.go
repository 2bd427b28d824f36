package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/faults"
)

// A broker whose answer disagrees with what was sent, a back-off recorded
// too far ahead, a disk full when the broker's acceptance is recorded.

// TestReliabilityBrokerAgreement has the broker answer success naming
// another address than the one sent, or with a non-2xx HTTP status: each
// is a failure, retried by the next run. Behind NAT (no myip sent), the
// address the broker names is its view of the public address, shown by
// status.
func TestReliabilityBrokerAgreement(t *testing.T) {
	t.Parallel()
	tally := faults.Track(t, "broker answers", "with myip sent: `good` and `nochg` naming another address; `good` with the address sent under HTTP 500 and 302; without myip (NAT): `good` naming the public address",
		"a disagreeing or non-2xx answer: exit 1 naming both addresses (or the HTTP status), and the next update asks again; behind NAT: exit 0 and status shows the broker's address")
	for _, tt := range []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{"good-other", 200, "good 203.0.113.9", []string{"198.51.100.7", "203.0.113.9"}},
		{"nochg-other", 200, "nochg 203.0.113.9", []string{"198.51.100.7", "203.0.113.9"}},
		{"http-500", 500, "good 198.51.100.7", []string{"500"}},
		{"http-302", 302, "good 198.51.100.7", []string{"302"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, "198.51.100.7")
			w.broker.Force(tt.status, tt.body)
			r, _, hung := w.start("update", "gif0").waitWithin(10 * time.Second)
			tally.Add(1)
			if hung || r.code != 1 {
				t.Errorf("broker answered %d %q to myip=198.51.100.7: exit %d, want 1\n%s", tt.status, tt.body, r.code, r.stderr)
			}
			for _, want := range tt.want {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("broker answered %d %q: stderr lacks %q\n%s", tt.status, tt.body, want, r.stderr)
				}
			}
			n := w.updates()
			w.start("update", "gif0").waitWithin(10 * time.Second)
			if w.updates() != n+1 {
				t.Errorf("broker answered %d %q: the next update did not ask again (taken as accepted)", tt.status, tt.body)
			}
		})
	}

	t.Run("nat", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t, "10.0.0.2")
		w.broker.Force(200, "good 203.0.113.50")
		r, _, hung := w.start("update", "gif0").waitWithin(10 * time.Second)
		tally.Add(1)
		if hung || r.code != 0 {
			t.Fatalf("behind NAT, broker answered good 203.0.113.50: exit %d, want 0\n%s", r.code, r.stderr)
		}
		// The answer shows it too; status names it as the public address.
		st := w.mustRun("status", "--json")
		var report struct {
			Tunnels []struct {
				Broker struct {
					BrokerAddress string `json:"broker_address"`
				} `json:"broker"`
			} `json:"tunnels"`
		}
		if err := json.Unmarshal([]byte(st.stdout), &report); err != nil || len(report.Tunnels) != 1 || report.Tunnels[0].Broker.BrokerAddress != "203.0.113.50" {
			t.Errorf("status --json does not give the broker's view of the public address 203.0.113.50 as broker.broker_address (%v):\n%s", err, st.stdout)
		}
		if st := w.mustRun("status"); !regexp.MustCompile(`public address\s+203\.0\.113\.50`).MatchString(st.stdout) {
			t.Errorf("status does not show \"public address 203.0.113.50\":\n%s", st.stdout)
		}
	})
}

// backoffUntil is the time in "backing off until 2006-01-02 15:04:05".
var backoffUntil = regexp.MustCompile(`backing off until (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)`)

// TestReliabilityBackoffClamp records a back-off 30 days ahead (a clock
// that was ahead, a damaged file): gifctl holds back no longer than the
// documented maximum from now, and says how to clear it.
func TestReliabilityBackoffClamp(t *testing.T) {
	t.Parallel()
	tally := faults.Track(t, "broker answers", "a back-off recorded 30 days ahead, after `abuse` (maximum 6 h) and after `badauth` (maximum 1 h); update and restart",
		"the message's back-off ends no later than the maximum from now, and names the state file to remove to clear it; the next run keeps that end")
	for _, tt := range []struct {
		answer string
		max    time.Duration
	}{{"abuse", 6 * time.Hour}, {"badauth", time.Hour}} {
		t.Run(tt.answer, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, "198.51.100.7")
			w.broker.Force(200, tt.answer)
			if r := w.gifctl(nil, "update", "gif0"); r.code != 1 || !backoffUntil.MatchString(r.stderr) {
				t.Fatalf("update answered %q: exit %d, want 1 and a back-off\n%s", tt.answer, r.code, r.stderr)
			}
			statePath := filepath.Join(w.dir, "state", "gif0.broker.json")
			data, err := os.ReadFile(statePath)
			if err != nil {
				t.Fatal(err)
			}
			var st map[string]any
			if err := json.Unmarshal(data, &st); err != nil {
				t.Fatal(err)
			}
			if _, ok := st["backoff_until"]; !ok {
				t.Fatalf("no backoff_until in the state:\n%s", data)
			}
			st["backoff_until"] = time.Now().Add(30 * 24 * time.Hour).Format(time.RFC3339)
			if data, err = json.Marshal(st); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"update", "gif0"}, {"restart", "gif0"}} {
				// Each time: the first run keeps the clamped end.
				w.write("state/gif0.broker.json", string(data), 0o600)
				r := w.gifctl(nil, args...)
				tally.Add(1)
				m := backoffUntil.FindStringSubmatch(r.stderr)
				if r.code != 1 || m == nil {
					t.Errorf("gifctl %s: exit %d, want 1 and a back-off\n%s", strings.Join(args, " "), r.code, r.stderr)
					continue
				}
				until, err := time.ParseInLocation(time.DateTime, m[1], time.Local)
				if err != nil {
					t.Fatal(err)
				}
				if limit := time.Now().Add(tt.max + time.Minute); until.After(limit) {
					t.Errorf("gifctl %s: backing off until %s, more than %v from now\n%s", strings.Join(args, " "), m[1], tt.max, r.stderr)
				}
				if !strings.Contains(r.stderr, statePath) {
					t.Errorf("gifctl %s: the message does not say to remove %s to clear the back-off\n%s", strings.Join(args, " "), statePath, r.stderr)
				}
				// The clamped end is kept: it does not move on with the clock.
				again := backoffUntil.FindStringSubmatch(w.gifctl(nil, "update", "gif0").stderr)
				if again == nil || again[1] != m[1] {
					t.Errorf("gifctl %s: the next update backs off until %v, want %s", strings.Join(args, " "), again, m[1])
				}
			}
		})
	}
}

// TestReliabilityAcceptanceRecorded fills the state-dir's file system:
// the broker accepts the address but its state cannot be written. The
// answer is still logged, and the error says what happened.
func TestReliabilityAcceptanceRecorded(t *testing.T) {
	t.Parallel()
	tally := faults.Track(t, "broker answers", "the broker accepts the update and the state-dir's file system is full (a 16 KiB tmpfs, filled)",
		"exit 1; the broker's answer logged; the error says the broker accepted the address but it could not be recorded, and why")
	w := newWorld(t, "198.51.100.7")
	full := w.mountTmpfs("full", "size=16k,mode=0700")
	w.editConf(`set state-dir "`+filepath.Join(w.dir, "state")+`"`, `set state-dir "`+full+`"`)
	// The lock file keeps a page, freed and taken again as gifctl writes
	// its pid; the filler takes all the rest.
	if err := os.WriteFile(filepath.Join(full, "lock"), []byte("1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	filler, err := os.Create(filepath.Join(full, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	page := make([]byte, 4096)
	for {
		if _, err := filler.Write(page); err != nil {
			break
		}
	}
	filler.Close()
	r, _, hung := w.start("update", "gif0").waitWithin(10 * time.Second)
	tally.Add(1)
	if w.updates() != 1 {
		t.Fatalf("the broker was not asked (%d updates): exit %d\n%s", w.updates(), r.code, r.stderr)
	}
	if hung || r.code != 1 {
		t.Errorf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	for _, want := range []string{`broker answered "good 198.51.100.7"`, "accepted", "could not be recorded", "no space left on device"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q\n%s", want, r.stderr)
		}
	}
}
