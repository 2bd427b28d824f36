package ifstatedsim

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gifctl/gifctl/ifstated"
	"github.com/gifctl/gifctl/internal/config"
)

func sec(n int) time.Duration { return time.Duration(n) * time.Second }

func wantTranscript(t *testing.T, h *harness, want []string) {
	t.Helper()
	if diff := cmp.Diff(want, h.transcript()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

func TestScenarioStartQuiet(t *testing.T) {
	h, _ := newScenario(t, testConfig(false))
	h.advance(sec(600))
	wantTranscript(t, h, []string{"0 state auto"})
}

// An address change is repaired at the next tunnel check, within 5 s.
func TestScenarioAddressChange(t *testing.T) {
	h, w := newScenario(t, testConfig(false))
	h.advance(sec(12))
	w.set(func(w *world) { w.addr["em0"] = "198.51.100.7" })
	h.advance(sec(600))
	wantTranscript(t, h, []string{"0 state auto", "15 run restart gif0"})
}

// A restart that fails is tried again: when another test changes, and on
// the minute clock otherwise.
func TestScenarioFailedRestartIsRetried(t *testing.T) {
	h, w := newScenario(t, testConfig(false))
	h.advance(sec(12))
	w.set(func(w *world) { w.addr["em0"] = "198.51.100.7"; w.restartFails = 3 })
	h.advance(sec(600))
	wantTranscript(t, h, []string{
		"0 state auto",
		"15 run restart gif0", // fails
		"30 run restart gif0", // ipv6 check went false: evaluated again; fails
		"60 run restart gif0", // the minute flipped; fails
		"120 run restart gif0",
		// gif0's check is true again at 125, but ipv6's last result, from
		// 120, is the broken tunnel's: a short visit to no_ipv6, whose
		// entry runs the IPv6 check again.
		"125 state no_ipv6",
		"125 state auto",
	})
}

func TestScenarioIPv4DownAndBack(t *testing.T) {
	h, w := newScenario(t, testConfig(false))
	h.advance(sec(40))
	w.set(func(w *world) { w.ipv4 = false })
	h.advance(sec(60)) // t=100
	w.set(func(w *world) { w.ispFixedBy = "198.51.100.7" })
	h.advance(sec(600))
	wantTranscript(t, h, []string{
		"0 state auto",
		"60 state no_ipv4",
		"60 run restart --egress gif0",  // IPv4 still down
		"120 run restart --egress gif0", // the minute flipped: works
		"150 state auto",
	})
}

// IPv4 comes back by itself with a new address: back in auto, the tunnel is
// restarted on entry.
func TestScenarioIPv4BackWithNewAddress(t *testing.T) {
	h, w := newScenario(t, testConfig(false))
	h.advance(sec(40))
	w.set(func(w *world) { w.ipv4 = false })
	h.advance(sec(30)) // t=70
	w.set(func(w *world) { w.ipv4 = true; w.addr["em0"] = "198.51.100.7" })
	h.advance(sec(600))
	wantTranscript(t, h, []string{
		"0 state auto",
		"60 state no_ipv4",
		"60 run restart --egress gif0",
		"90 state auto",
		"90 run restart gif0",
	})
}

func TestScenarioIPv6Down(t *testing.T) {
	h, w := newScenario(t, testConfig(false))
	h.advance(sec(40))
	w.set(func(w *world) { w.brokerBroken["gif0"] = true })
	h.advance(sec(100)) // t=140
	w.set(func(w *world) { w.brokerBroken["gif0"] = false })
	h.advance(sec(600))
	wantTranscript(t, h, []string{
		"0 state auto",
		"60 state no_ipv6",
		"60 run restart gif0",
		"120 run restart gif0",
		"150 state auto",
	})
}

// The address changes while in no_ipv6: the tunnel check, in that state too,
// restarts the tunnel at once.
func TestScenarioAddressChangeInNoIPv6(t *testing.T) {
	h, w := newScenario(t, testConfig(false))
	h.advance(sec(40))
	w.set(func(w *world) { w.brokerBroken["gif0"] = true })
	h.advance(sec(32)) // t=72
	w.set(func(w *world) { w.addr["em0"] = "198.51.100.7" })
	h.advance(sec(10)) // t=82
	wantTranscript(t, h, []string{
		"0 state auto", "60 state no_ipv6", "60 run restart gif0",
		"75 run restart gif0", // the address changed
		"80 run restart gif0", // gif0's check changed back; IPv6 is still down
	})
}

// A tunnel check that hangs is killed when due again and keeps its value.
func TestScenarioHungCheckKeepsValue(t *testing.T) {
	h, w := newScenario(t, testConfig(false))
	h.advance(sec(12))
	h.exec.mu.Lock()
	h.exec.hang[ifstated.DefaultGifctl+" check tunnel gif0"] = true
	h.exec.mu.Unlock()
	// Were the check to finish, it would say false.
	w.set(func(w *world) { w.addr["em0"] = "198.51.100.7" })
	h.advance(sec(10)) // t=22: started at 15, killed at 20
	got := h.logged()
	want := `20 test "` + ifstated.DefaultGifctl + ` check tunnel gif0" still running, killing it`
	if !slices.Contains(got, want) {
		t.Errorf("log lacks %q:\n%s", want, strings.Join(got, "\n"))
	}
	wantTranscript(t, h, []string{"0 state auto"})
}

// The heartbeat is global: it runs every 60 s whatever the state.
func TestScenarioHeartbeatInEveryState(t *testing.T) {
	h, w := newScenario(t, testConfig(true))
	beat := ifstated.DefaultGifctl + " heartbeat gif0"
	count := func() int {
		h.quiet()
		h.exec.mu.Lock()
		defer h.exec.mu.Unlock()
		n := 0
		for _, c := range h.exec.calls {
			if c == beat {
				n++
			}
		}
		return n
	}
	h.advance(sec(40))
	w.set(func(w *world) { w.ipv4 = false })
	h.advance(sec(200))       // t=240, in no_ipv4 since 60
	if n := count(); n != 5 { // 0, 60, 120, 180, 240
		t.Errorf("%d beats by 240 s, want 5", n)
	}
	w.set(func(w *world) { w.beatFails = true })
	h.advance(sec(60))
	wantTranscript(t, h, []string{
		"0 state auto", "60 state no_ipv4", "60 run restart --egress gif0",
		"120 run restart --egress gif0", "180 run restart --egress gif0", "240 run restart --egress gif0",
		"300 run restart gif0", // the global if: a beat failed
		"300 run restart --egress gif0",
	})
}

// Two tunnels on one egress: one netstart of em0, then both tunnels; each
// tunnel's IPv6 has its own state.
func TestScenarioTwoTunnels(t *testing.T) {
	c := testConfig(false)
	c.Tunnels = append(c.Tunnels, &config.Tunnel{Name: "gif1", Egress: "em0", Remote: netip.MustParseAddr("192.0.2.99")})
	h, w := newScenario(t, c)
	h.advance(sec(12))
	w.set(func(w *world) { w.addr["em0"] = "198.51.100.7" })
	h.advance(sec(30)) // t=42
	w.set(func(w *world) { w.brokerBroken["gif1"] = true })
	h.advance(sec(50)) // t=92
	w.set(func(w *world) { w.brokerBroken["gif1"] = false; w.ipv4 = false; w.ispFixedBy = "203.0.113.5" })
	h.advance(sec(600))
	wantTranscript(t, h, []string{
		"0 state auto",
		"15 run restart gif0", "15 run restart gif1",
		"60 state no_ipv6_gif1", "60 run restart gif1",
		"120 state no_ipv4",
		"120 run restart --egress gif0", "120 run restart gif1",
		"150 state auto",
	})
}
