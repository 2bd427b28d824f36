package ifstatedsim

import (
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gifctl/gifctl/ifstated"
	"github.com/gifctl/gifctl/internal/config"
)

// world is a router as gifctl sees it, answering the commands Render puts
// in ifstated.conf the way gifctl would.
type world struct {
	mu           sync.Mutex
	clock        *fakeClock
	addr         map[string]string // egress interface -> IPv4 address, "" none
	src          map[string]string // tunnel -> its source address
	egress       map[string]string // tunnel -> egress interface
	ipv4         bool              // the pinged targets answer
	brokerBroken map[string]bool   // the broker does not route this tunnel
	restartFails int               // this many restarts fail first
	ispFixedBy   string            // the address restart --egress gets; "" leaves IPv4 down
	beatFails    bool
}

func newWorld(clock *fakeClock, tunnels map[string]string) *world {
	w := &world{clock: clock, addr: map[string]string{}, src: map[string]string{}, egress: map[string]string{},
		ipv4: true, brokerBroken: map[string]bool{}}
	for tun, eg := range tunnels {
		w.egress[tun] = eg
		w.addr[eg] = "192.0.2.10"
		w.src[tun] = "192.0.2.10"
	}
	return w
}

func (w *world) set(f func(w *world)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f(w)
}

func (w *world) consistent(tun string) bool {
	a := w.addr[w.egress[tun]]
	return a != "" && w.src[tun] == a
}

func status(ok bool) int {
	if ok {
		return 0
	}
	return 1
}

func (w *world) answer(cmd string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	args, ok := strings.CutPrefix(cmd, ifstated.DefaultGifctl+" ")
	if !ok {
		// The generated file runs gifctl and one other test, the minute
		// clock behind $retry: exit status 0 in even minutes, 1 in odd ones.
		return int(w.clock.Now().Unix() / 60 % 2)
	}
	f := strings.Fields(args)
	switch {
	case len(f) == 3 && f[0] == "check" && f[1] == "tunnel":
		return status(w.consistent(f[2]))
	case args == "check ipv4":
		return status(w.ipv4)
	case f[0] == "check" && f[1] == "ipv6":
		tun := "gif0"
		if len(f) == 4 {
			tun = f[3]
		}
		return status(w.ipv4 && w.consistent(tun) && !w.brokerBroken[tun])
	case len(f) == 3 && f[0] == "restart" && f[1] == "--egress":
		if w.ispFixedBy != "" {
			w.ipv4 = true
			w.addr[w.egress[f[2]]] = w.ispFixedBy
		}
		return w.restart(f[2])
	case len(f) == 2 && f[0] == "restart":
		return w.restart(f[1])
	case len(f) == 2 && f[0] == "heartbeat":
		return status(!w.beatFails)
	}
	panic("unexpected command " + cmd)
}

func (w *world) restart(tun string) int {
	if w.restartFails > 0 {
		w.restartFails--
		return 1
	}
	a := w.addr[w.egress[tun]]
	if a == "" {
		return 1
	}
	w.src[tun] = a
	return 0
}

// testConfig is a gifctl.conf with both checks and gif0 on em0.
func testConfig(heartbeat bool) *config.Config {
	u, _ := url.Parse("https://alice:0123456789abcdef@ipv4.tunnelbroker.net/nic/update?hostname=1")
	c := &config.Config{
		IPv4:    &config.Check{Targets: []netip.Addr{netip.MustParseAddr("192.0.2.1")}, Timeout: time.Second},
		IPv6:    &config.Check{Targets: []netip.Addr{netip.MustParseAddr("2001:db8::1")}, Timeout: time.Second},
		Tunnels: []*config.Tunnel{{Name: "gif0", Egress: "em0", UpdateURL: u}},
	}
	if heartbeat {
		c.Tunnels[0].Heartbeat = "hartslag"
	}
	return c
}

func renderParse(t *testing.T, c *config.Config, o ifstated.Options) *File {
	t.Helper()
	out := ifstated.Render(c, o)
	f, err := Parse("ifstated.conf", out)
	if err != nil {
		t.Fatalf("generated file does not parse: %v\n%s", err, out)
	}
	return f
}

// newScenario runs Render's file for c against a world.
func newScenario(t *testing.T, c *config.Config) (*harness, *world) {
	t.Helper()
	tunnels := map[string]string{}
	for _, tun := range c.Tunnels {
		tunnels[tun.Name] = tun.Egress
	}
	clock := &fakeClock{}
	w := newWorld(clock, tunnels)
	h := newHarness(t, renderParse(t, c, ifstated.Options{}), clock, w.answer)
	return h, w
}
