package faults

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

// EnvReport names the file tallies are appended to; unset, none are.
const EnvReport = "GIFCTL_TESTING_REPORT"

// Entry is one line of the report: a kind of fault or bad input, how often
// it was tried, and what was checked after each try.
type Entry struct {
	Area  string `json:"area"`            // one of Areas
	Fault string `json:"fault"`           // what was done to gifctl
	Tries int    `json:"tries"`           // how many times
	Held  string `json:"held"`            // what was checked each time
	Notes string `json:"notes,omitempty"` // what was seen: counts by outcome
	Test  string `json:"test"`            // the test that tried it
	OK    bool   `json:"ok"`              // the test passed
}

// Areas are the report's sections, in order.
var Areas = []string{"fuzzing", "crash safety", "concurrency", "hangs", "signals", "secrets", "injection", "log lines", "values", "file trust", "broker answers", "sandbox", "sandbox plans"}

// Tally counts the tries of one fault within one test.
type Tally struct {
	mu    sync.Mutex
	e     Entry
	notes []string
}

// Track starts a tally for t. When t ends, the tally is written to the
// report (see EnvReport) with t's verdict; a tally without tries is
// written too, so a test that stopped early shows as such.
func Track(t testing.TB, area, fault, held string) *Tally {
	x := &Tally{e: Entry{Area: area, Fault: fault, Held: held, Test: t.Name()}}
	t.Cleanup(func() {
		path := os.Getenv(EnvReport)
		if path == "" {
			return
		}
		e := x.Entry()
		e.OK = !t.Failed() && e.Tries > 0
		if err := appendEntry(path, e); err != nil {
			t.Errorf("testing report: %v", err)
		}
	})
	return x
}

// Add counts n more tries.
func (x *Tally) Add(n int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.e.Tries += n
}

// Note adds a remark on what was seen (joined with "; " in the report).
func (x *Tally) Note(format string, args ...any) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.notes = append(x.notes, fmt.Sprintf(format, args...))
}

// Entry is the tally so far; OK is left false.
func (x *Tally) Entry() Entry {
	x.mu.Lock()
	defer x.mu.Unlock()
	e := x.e
	e.Notes = strings.Join(x.notes, "; ")
	return e
}

// appendEntry appends e as one line. O_APPEND and a single write keep
// lines from parallel tests and packages whole.
func appendEntry(path string, e Entry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
