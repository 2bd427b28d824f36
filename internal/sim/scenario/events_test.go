package scenario

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEventLines: process output becomes one event a line, whatever the
// pieces it arrives in; the live view shortens paths, the log keeps them.
func TestEventLines(t *testing.T) {
	var live strings.Builder
	ev := newEvents(&live)
	ev.short = strings.NewReplacer("/tmp/sim1/", "$SIM/")
	w := &lineWriter{ev: ev, who: "pop"}
	for _, piece := range []string{"broker: ping 198.18.2.2: re", "ply\n\nbroker: GET /nic/upd", "ate from /tmp/sim1/x\nno newline"} {
		w.Write([]byte(piece))
	}
	w.Write([]byte("\n"))
	var got []string
	for _, e := range ev.List() {
		got = append(got, e.Who+" "+e.Text)
	}
	want := []string{"pop broker: ping 198.18.2.2: reply", "pop broker: GET /nic/update from /tmp/sim1/x", "pop no newline"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if !strings.Contains(live.String(), "pop      broker: GET /nic/update from $SIM/x\n") {
		t.Errorf("live view:\n%s", live.String())
	}
	if n := len(ev.Find("pop", "ping")); n != 1 {
		t.Errorf("Find(pop, ping): %d events, want 1", n)
	}
}
