package ifstated

import (
	"flag"
	"math"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/exhaust"
	"github.com/gifctl/gifctl/internal/sim/ifstatedsim"
)

var update = flag.Bool("update", false, "write the generated files compared with: testdata/*.golden and ../etc/ifstated.conf")

func tunnel(name, egress string) *config.Tunnel {
	u, _ := url.Parse("https://alice:0123456789abcdef@ipv4.tunnelbroker.net/nic/update?hostname=1")
	return &config.Tunnel{Name: name, Egress: egress, UpdateURL: u}
}

func check(timeout time.Duration) *config.Check {
	return &config.Check{Targets: []netip.Addr{netip.MustParseAddr("192.0.2.1")}, Timeout: timeout}
}

// renderCases are configurations Render must turn into a working file, and
// the states it must have.
var renderCases = []struct {
	name   string
	c      *config.Config
	o      Options
	states []string
}{
	{"no checks", &config.Config{Tunnels: []*config.Tunnel{tunnel("gif0", "em0")}}, Options{}, []string{"auto"}},
	{"ipv4 only", &config.Config{IPv4: check(time.Second), Tunnels: []*config.Tunnel{tunnel("gif0", "em0")}}, Options{}, []string{"auto", "no_ipv4"}},
	{"ipv6 only", &config.Config{IPv6: check(0), Tunnels: []*config.Tunnel{tunnel("gif0", "em0")}}, Options{}, []string{"auto", "no_ipv6"}},
	{"both, heartbeat", testConfig(true), Options{}, []string{"auto", "no_ipv4", "no_ipv6"}},
	{"three tunnels, two egresses, long timeout", &config.Config{
		IPv4: check(20 * time.Second), IPv6: check(time.Second),
		Tunnels: []*config.Tunnel{tunnel("gif0", "em0"), tunnel("gif1", "em1"), tunnel("gif2", "em0")},
	}, Options{Gifctl: "/opt/gifctl/bin/gifctl", ConfigPath: "/etc/gifctl-he.conf"},
		[]string{"auto", "no_ipv4", "no_ipv6_gif0", "no_ipv6_gif1", "no_ipv6_gif2"}},
	// With gifctl watch: the same states, without check tunnel.
	{"both, heartbeat, watch", testConfig(true), Options{Watch: true}, []string{"auto", "no_ipv4", "no_ipv6"}},
	{"three tunnels, watch", &config.Config{
		IPv4: check(time.Second), IPv6: check(time.Second),
		Tunnels: []*config.Tunnel{tunnel("gif0", "em0"), tunnel("gif1", "em1"), tunnel("gif2", "em0")},
	}, Options{Watch: true}, []string{"auto", "no_ipv4", "no_ipv6_gif0", "no_ipv6_gif1", "no_ipv6_gif2"}},
}

func actions(acts []*ifstatedsim.Action, f func(*ifstatedsim.Action)) {
	for _, a := range acts {
		f(a)
		actions(a.Then, f)
	}
}

func exprs(e *ifstatedsim.Expr, f func(*ifstatedsim.Expr)) {
	if e == nil {
		return
	}
	f(e)
	exprs(e.X, f)
	exprs(e.Y, f)
}

func TestRenderParses(t *testing.T) {
	for _, tc := range renderCases {
		t.Run(tc.name, func(t *testing.T) {
			out := string(Render(tc.c, tc.o))
			f, err := ifstatedsim.Parse("ifstated.conf", []byte(out))
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			var names []string
			for _, s := range f.States {
				names = append(names, s.Name)
				if len(s.Init) != 0 {
					t.Errorf("state %s has an init block", s.Name)
				}
			}
			if diff := cmp.Diff(tc.states, names); diff != "" {
				t.Errorf("states (-want +got):\n%s", diff)
			}
			if f.InitState != "auto" {
				t.Errorf("init-state %q", f.InitState)
			}
			gifctl := tc.o.gifctl()
			if tc.o.ConfigPath != "" {
				gifctl += " -f " + tc.o.ConfigPath
			}
			all := slices.Clone(f.Global)
			for _, s := range f.States {
				all = append(all, s.Body...)
			}
			actions(all, func(a *ifstatedsim.Action) {
				if a.Kind == ifstatedsim.Run && !strings.HasPrefix(a.Command, gifctl+" restart ") {
					t.Errorf("line %d: run %q is not %s restart", a.Line, a.Command, gifctl)
				}
				exprs(a.Cond, func(e *ifstatedsim.Expr) {
					if e.Op == ifstatedsim.Link {
						t.Errorf("line %d: a link test", e.Line)
					}
					if e.Op != ifstatedsim.External {
						return
					}
					if e.Every < 1 || e.Every > math.MaxUint32 {
						t.Errorf("line %d: every %d", e.Line, e.Every)
					}
					if e.Command != retryCommand && !strings.HasPrefix(e.Command, gifctl+" ") {
						t.Errorf("line %d: test %q is not gifctl's", e.Line, e.Command)
					}
					if tc.o.Watch && strings.Contains(e.Command, " check tunnel") {
						t.Errorf("line %d: %q, although gifctl watch sees to the tunnel", e.Line, e.Command)
					}
				})
			})
			for _, secret := range tc.c.Secrets() {
				if strings.Contains(out, secret) {
					t.Errorf("the file holds the secret %q", secret)
				}
			}
			if strings.Contains(out, "logger") {
				t.Error("the file runs logger")
			}
		})
	}
}

// Tests must be done well before ifstated kills them at their next run.
func TestRenderIntervals(t *testing.T) {
	c := renderCases[4].c // ipv4 timeout 20 s
	f := renderParse(t, c, renderCases[4].o)
	every := map[string]int64{}
	actions(f.States[0].Body, func(a *ifstatedsim.Action) {
		exprs(a.Cond, func(e *ifstatedsim.Expr) {
			if e.Op == ifstatedsim.External {
				every[strings.TrimPrefix(e.Command, "/opt/gifctl/bin/gifctl -f /etc/gifctl-he.conf ")] = e.Every
			}
		})
	})
	want := map[string]int64{
		"check ipv4": 60, "check tunnel gif0": 5, "check tunnel gif1": 5, "check tunnel gif2": 5,
		"check ipv6 --tunnel gif0": 30, "check ipv6 --tunnel gif1": 30, "check ipv6 --tunnel gif2": 30,
		retryCommand: 30,
	}
	if diff := cmp.Diff(want, every); diff != "" {
		t.Errorf("intervals (-want +got):\n%s", diff)
	}
}

func TestRenderGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		c    *config.Config
		o    Options
	}{
		{"testdata/three-tunnels.golden", renderCases[4].c, renderCases[4].o},
		{"testdata/no-checks.golden", renderCases[0].c, renderCases[0].o},
		{"testdata/three-tunnels-watch.golden", renderCases[6].c, renderCases[6].o},
	} {
		got := Render(tc.c, tc.o)
		if *update {
			if err := os.WriteFile(tc.file, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s\nrun go test ./ifstated -run TestRenderGolden -update if the change is meant", tc.file, diff)
		}
	}
}

func TestCheck(t *testing.T) {
	ok := &config.Config{Tunnels: []*config.Tunnel{tunnel("gif0", "em0")}}
	for _, tc := range []struct {
		name string
		c    *config.Config
		o    Options
		want string
	}{
		{"relative gifctl", ok, Options{Gifctl: "gifctl"}, `gifctl path "gifctl": want an absolute path`},
		{"space in the config path", ok, Options{ConfigPath: "/etc/my gifctl.conf"}, `configuration file path "/etc/my gifctl.conf"`},
		{"quote in the config path", ok, Options{ConfigPath: "/etc/x'.conf"}, `configuration file path "/etc/x'.conf"`},
		{"$ in gifctl", ok, Options{Gifctl: "/usr/local/sbin/$x"}, `gifctl path "/usr/local/sbin/$x"`},
		{"no tunnel", &config.Config{}, Options{}, "/etc/gifctl.conf: no tunnel"},
		{"bad name", &config.Config{Tunnels: []*config.Tunnel{tunnel("gif0;x", "em0")}}, Options{}, `tunnel "gif0;x", egress "em0": not interface names`},
		{"twice", &config.Config{Tunnels: []*config.Tunnel{tunnel("gif0", "em0"), tunnel("gif0", "em1")}}, Options{}, "tunnel gif0: given twice"},
		{"watch without checks", ok, Options{Watch: true}, "/etc/gifctl.conf: no check ipv4 or check ipv6 block"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.c, tc.o)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("Check: %v, want %q", err, tc.want)
			}
			defer func() {
				if recover() == nil {
					t.Error("Render did not panic")
				}
			}()
			Render(tc.c, tc.o)
		})
	}
	if err := Check(ok, Options{Gifctl: "/usr/local/sbin/gifctl", ConfigPath: "/etc/gifctl-2.conf"}); err != nil {
		t.Errorf("Check of good options: %v", err)
	}
}

// TestSampleIsRenderOutput keeps etc/ifstated.conf what gifctl ifstated
// prints for etc/gifctl.conf.
func TestSampleIsRenderOutput(t *testing.T) {
	src := filepath.Join("..", "etc", "gifctl.conf")
	data, err := os.ReadFile(src)
	if os.IsNotExist(err) {
		t.Skip("no ../etc/gifctl.conf")
	}
	if err != nil {
		t.Fatal(err)
	}
	// config.Load would refuse the sample for its mode in the repository.
	c, err := config.Parse(src, data)
	if err != nil {
		t.Fatal(err)
	}
	got := Render(c, Options{})
	dst := filepath.Join("..", "etc", "ifstated.conf")
	if *update {
		if err := os.WriteFile(dst, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(dst)
	if os.IsNotExist(err) {
		t.Skip("no ../etc/ifstated.conf yet; write it with: go test ./ifstated -run TestSampleIsRenderOutput -update")
	}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("etc/ifstated.conf is not Render's output for etc/gifctl.conf (-file +Render):\n%s\n"+
			"regenerate it: go test ./ifstated -run TestSampleIsRenderOutput -update", diff)
	}
	if _, err := ifstatedsim.Parse(dst, want); err != nil {
		t.Error(err)
	}
}

// safePath replaced a regexp; it must agree with it on every short string
// made of the bytes that matter.
func TestSafePathAgreesWithRegexp(t *testing.T) {
	want := regexp.MustCompile(`^/[A-Za-z0-9._+,:@%/-]*$`)
	exhaust.Strings([]string{"/", "a", "Z", "9", "%", "-", " ", "'", "$", "\n", "\xc3\xa9"}, 4, func(s string) {
		if got := safePath(s); got != want.MatchString(s) {
			t.Errorf("safePath(%q) = %v, want %v", s, got, !got)
		}
	})
}

// testConfig is a gifctl.conf with both checks and gif0 on em0.
func testConfig(heartbeat bool) *config.Config {
	c := &config.Config{IPv4: check(time.Second), IPv6: check(time.Second), Tunnels: []*config.Tunnel{tunnel("gif0", "em0")}}
	c.IPv6.Targets = []netip.Addr{netip.MustParseAddr("2001:db8::1")}
	if heartbeat {
		c.Tunnels[0].Heartbeat = "hartslag"
	}
	return c
}

// renderParse renders c and parses the result by ifstated's grammar.
func renderParse(t *testing.T, c *config.Config, o Options) *ifstatedsim.File {
	t.Helper()
	out := Render(c, o)
	f, err := ifstatedsim.Parse("ifstated.conf", out)
	if err != nil {
		t.Fatalf("generated file does not parse: %v\n%s", err, out)
	}
	return f
}
