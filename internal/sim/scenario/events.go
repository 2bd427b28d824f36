package scenario

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Event is one thing that happened in the simulation.
type Event struct {
	At   time.Duration // since the World started
	Who  string        // sim, isp, admin, ifstated, watch (gifctl watch's log), router (the output of a gifctl run), pop (the broker), ping
	Text string
}

// Events is the simulation's log: kept for the tests' assertions, and
// written as it happens to an optional live view (the demo's output).
type Events struct {
	start time.Time
	mu    sync.Mutex
	list  []Event
	live  io.Writer
	// short replaces long paths in the live view only, e.g. the
	// simulation's directory by $SIM.
	short *strings.Replacer
}

func newEvents(live io.Writer) *Events {
	return &Events{start: time.Now(), live: live}
}

// Addf records an event now.
func (e *Events) Addf(who, format string, args ...any) {
	e.add(who, fmt.Sprintf(format, args...))
}

func (e *Events) add(who, text string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ev := Event{At: time.Since(e.start), Who: who, Text: text}
	e.list = append(e.list, ev)
	if e.live != nil {
		if e.short != nil {
			text = e.short.Replace(text)
		}
		fmt.Fprintf(e.live, "%7.3f  %-8s %s\n", ev.At.Seconds(), who, text)
	}
}

// Since is the time since the World started, on the events' clock.
func (e *Events) Since() time.Duration { return time.Since(e.start) }

// List returns the events so far.
func (e *Events) List() []Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Event(nil), e.list...)
}

// Find returns the events of who whose text contains s.
func (e *Events) Find(who, s string) []Event {
	var out []Event
	for _, ev := range e.List() {
		if (who == "" || ev.Who == who) && strings.Contains(ev.Text, s) {
			out = append(out, ev)
		}
	}
	return out
}

// String is the whole log, one event a line, for test failures.
func (e *Events) String() string {
	var b strings.Builder
	for _, ev := range e.List() {
		fmt.Fprintf(&b, "%7.3f  %-8s %s\n", ev.At.Seconds(), ev.Who, ev.Text)
	}
	return b.String()
}

// lineWriter turns a process's output into events, a line each.
type lineWriter struct {
	ev  *Events
	who string
	mu  sync.Mutex
	buf []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		if line := strings.TrimSpace(string(w.buf[:i])); line != "" {
			w.ev.add(w.who, line)
		}
		w.buf = w.buf[i+1:]
	}
}
