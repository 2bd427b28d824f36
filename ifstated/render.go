package ifstated

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gifctl/gifctl/internal/config"
)

// Defaults for Options.
const (
	DefaultGifctl     = "/usr/local/sbin/gifctl"
	DefaultConfigPath = "/etc/gifctl.conf"
)

// Test intervals, in seconds. ifstated kills a test still running when its
// next run is due, so each is well above what gifctl allows itself.
const (
	tunnelEvery    = 5  // gifctl check tunnel: local, no packets
	minPingEvery   = 30 // gifctl check ipv4|ipv6; longer when timeout is long
	retryEvery     = 30 // the minute clock behind $retry, see doc.go
	heartbeatEvery = 60 // SixXS wants a beat a minute
)

// retryCommand exits 0 in even minutes and 1 in odd ones. Polled every 30 s
// its value changes once a minute, and every change makes ifstated evaluate
// the current state again.
const retryCommand = "exit $(( $(/bin/date +%s) / 60 % 2 ))"

// Options says how the generated file calls gifctl.
type Options struct {
	Gifctl     string // absolute path of gifctl; "" is DefaultGifctl
	ConfigPath string // passed as -f unless "" or DefaultConfigPath
	// Watch leaves address changes to gifctl watch (rc.d/gifctl): no
	// check tunnel every 5 s; the ipv4 and ipv6 checks and their repairs
	// stay.
	Watch bool
}

func (o Options) gifctl() string {
	if o.Gifctl == "" {
		return DefaultGifctl
	}
	return o.Gifctl
}

func (o Options) configPath() string {
	if o.ConfigPath == "" {
		return DefaultConfigPath
	}
	return o.ConfigPath
}

// safePath is what may stand in a command unquoted: ifstated.conf quotes
// each command once in '...' and once in "...", and sh reads it after that.
func safePath(p string) bool {
	if !strings.HasPrefix(p, "/") {
		return false
	}
	return !strings.ContainsFunc(p, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("._+,:@%/-", r))
	})
}

// Check reports what Render cannot write safely: a path that is not absolute
// or holds a byte that a shell or ifstated's lexer would read specially, a
// tunnel name that is not an interface name, no tunnel at all, and with
// Watch no check block either.
func Check(c *config.Config, o Options) error {
	for _, p := range []struct{ what, path string }{{"gifctl", o.gifctl()}, {"configuration file", o.configPath()}} {
		if !safePath(p.path) {
			return fmt.Errorf("%s path %q: want an absolute path of letters, digits and . _ + , : @ %% / -", p.what, p.path)
		}
	}
	if len(c.Tunnels) == 0 {
		return fmt.Errorf("%s: no tunnel", o.configPath())
	}
	if o.Watch && c.IPv4 == nil && c.IPv6 == nil {
		return fmt.Errorf("%s: no check ipv4 or check ipv6 block: with gifctl watch, ifstated would have nothing to do", o.configPath())
	}
	seen := map[string]bool{}
	for _, t := range c.Tunnels {
		if !config.IsIfName(t.Name) || !config.IsIfName(t.Egress) {
			return fmt.Errorf("tunnel %q, egress %q: not interface names", t.Name, t.Egress)
		}
		if seen[t.Name] {
			return fmt.Errorf("tunnel %s: given twice", t.Name)
		}
		seen[t.Name] = true
	}
	return nil
}

// Render prints an ifstated.conf(5) that drives gifctl for c: see doc.go for
// its states and why. It panics when Check(c, o) fails: call Check first with
// anything that did not come from config.Parse and a fixed path.
func Render(c *config.Config, o Options) []byte {
	if err := Check(c, o); err != nil {
		panic("ifstated: " + err.Error())
	}
	g := newGen(c, o)
	g.header()
	g.macros()
	g.line("init-state auto")
	g.line("")
	g.heartbeats()
	g.auto()
	g.noIPv4()
	for _, t := range c.Tunnels {
		g.noIPv6(t)
	}
	return []byte(strings.TrimRight(g.b.String(), "\n") + "\n")
}

type gen struct {
	b       strings.Builder
	c       *config.Config
	o       Options
	cmd     string // gifctl with -c, ready to append a command
	has4    bool
	has6    bool
	several bool
}

func newGen(c *config.Config, o Options) *gen {
	g := &gen{c: c, o: o, has4: c.IPv4 != nil, has6: c.IPv6 != nil, several: len(c.Tunnels) > 1}
	g.cmd = o.gifctl()
	if o.configPath() != DefaultConfigPath {
		g.cmd += " -f " + o.configPath()
	}
	return g
}

func (g *gen) line(format string, args ...any) {
	fmt.Fprintf(&g.b, format+"\n", args...)
}

func (g *gen) comment(text string) {
	for l := range strings.SplitSeq(text, "\n") {
		if l == "" {
			g.line("#")
		} else {
			g.line("# %s", l)
		}
	}
}

// Names of macros and states. Tunnel names end in a digit, so T_ok and the
// like never meet ipv4_up, ipv6_up or retry.
func okMacro(t *config.Tunnel) string   { return t.Name + "_ok" }
func beatMacro(t *config.Tunnel) string { return t.Name + "_beat" }

// ok is the condition that t agrees with its egress address, "" with
// Options.Watch, where no test says so and gifctl watch sees to it.
func (g *gen) ok(t *config.Tunnel) string {
	if g.o.Watch {
		return ""
	}
	return "$" + okMacro(t)
}

func (g *gen) v6Macro(t *config.Tunnel) string {
	if g.several {
		return t.Name + "_ipv6_up"
	}
	return "ipv6_up"
}

func (g *gen) v6State(t *config.Tunnel) string {
	if g.several {
		return "no_ipv6_" + t.Name
	}
	return "no_ipv6"
}

// Commands, as the gifctl command line spells them.
func (g *gen) checkTunnel(t *config.Tunnel) string { return g.cmd + " check tunnel " + t.Name }
func (g *gen) checkIPv4() string                   { return g.cmd + " check ipv4" }
func (g *gen) restart(t *config.Tunnel) string     { return g.cmd + " restart " + t.Name }
func (g *gen) restartEgress(t *config.Tunnel) string {
	return g.cmd + " restart --egress " + t.Name
}
func (g *gen) heartbeat(t *config.Tunnel) string { return g.cmd + " heartbeat " + t.Name }

// checkIPv6 needs the tunnel, whose inner address the probes leave from,
// only when there are several.
func (g *gen) checkIPv6(t *config.Tunnel) string {
	if g.several {
		return g.cmd + " check ipv6 --tunnel " + t.Name
	}
	return g.cmd + " check ipv6"
}

// pingEvery leaves a check at least three times its timeout.
func pingEvery(c *config.Check) int {
	d := c.Timeout
	if d <= 0 {
		d = config.DefaultCheckTimeout
	}
	n := int(math.Ceil(3 * d.Seconds()))
	return max(n, minPingEvery)
}

// slowest is the longest interval of a test in a state: ifstated does not
// act on a change until that test has run again after entering the state.
func (g *gen) slowest() int {
	n := retryEvery
	for _, c := range []*config.Check{g.c.IPv4, g.c.IPv6} {
		if c != nil {
			n = max(n, pingEvery(c))
		}
	}
	return n
}

// Install is how an admin puts what Render prints in place, keeping what an
// existing /etc/ifstated.conf does: one procedure, written out once here for
// the generated file's header and gifctl ifstated --help, and shown in the
// same words by gifctl(8) and the README. regen is the command that prints
// the file. ifstated -n only parses (ifstated.c v1.68, main), so nothing
// runs until the file has been checked.
func Install(regen string) string {
	return `To install what gifctl ifstated prints, or to update it after a change
to the configuration, as root:
	` + regen + ` > /etc/ifstated.conf.new
If /etc/ifstated.conf exists, copy into the new file what it does besides
gifctl: its macros, and its rules into each of gifctl's states (ifstated is
in one state at a time). Then check the new file and put it in place:
	ifstated -n -f /etc/ifstated.conf.new
	mv /etc/ifstated.conf.new /etc/ifstated.conf
	rcctl enable ifstated
	rcctl restart ifstated`
}

func (g *gen) header() {
	regen := "gifctl ifstated"
	if g.o.configPath() != DefaultConfigPath {
		regen = "gifctl -f " + g.o.configPath() + " ifstated"
	}
	title := "gifctl ifstated"
	if g.o.Watch {
		regen += " --watch"
		title += " --watch"
	}
	g.comment(fmt.Sprintf(`ifstated.conf(5) generated by "%s" from %s.

%s

How ifstated(8) runs this file (read in its source, ifstated.c):
- It runs only the tests that an expression uses: those in the current
  state, and those outside any state, which run in every state.
- On entering a state it runs all of that state's tests, waiting for each,
  then the state's init block, then its body.
- Afterwards it evaluates the body again whenever one of the state's tests
  changes its result, and every if whose condition is then true runs, not
  only those that use the test that changed.
- Nothing else makes it evaluate a state. A restart that failed changes no
  test, so it would never be tried again: $retry is always true, but it
  holds a test whose result flips every minute, so each state that repairs
  is evaluated at least once a minute and a failed repair is retried.
  The same flip catches a change that ifstated notes but does not act on,
  which happens in the first %d seconds after it comes back to a state.
- run waits for the command: gifctl bounds its own time. gifctl logs to
  syslog (daemon, tag gifctl); ifstated logs the state changes.

States:`, title, g.o.configPath(), Install(regen), g.slowest()))
	if g.o.Watch {
		g.comment("  auto     all is well. An address change is gifctl watch's to repair\n           (rcctl enable gifctl): this file runs no check tunnel")
	} else {
		g.comment(fmt.Sprintf("  auto     all is well, or gifctl check tunnel has just failed (every %d s):\n           the egress address changed, gifctl restart follows at once", tunnelEvery))
	}
	if g.has4 {
		g.comment("  no_ipv4  gifctl check ipv4 fails: restart the egress interface, then\n           the tunnel (gifctl restart --egress), every minute until it works")
	} else {
		g.comment(`  (no no_ipv4: gifctl.conf has no "check ipv4" block. Without an IPv4
  address on the egress interface, gifctl restart fails, and is tried
  again every minute until the lease is back)`)
	}
	if g.has6 {
		names := make([]string, 0, len(g.c.Tunnels))
		for _, t := range g.c.Tunnels {
			names = append(names, g.v6State(t))
		}
		what := "the tunnel agrees with the egress address but gifctl check\n           ipv6 fails"
		if g.o.Watch {
			what = "gifctl check ipv6 fails"
		}
		g.comment(fmt.Sprintf("  %-8s %s: restart it (and tell the broker), every minute", strings.Join(names, ", "), what))
	}
	g.line("")
}

func (g *gen) macro(name, expr string) {
	g.line("%s = '%s'", name, expr)
}

func test(cmd string, every int) string { return fmt.Sprintf("%s every %d", quote(cmd), every) }

// quote double-quotes a command built from checked paths and names. It
// stands inside a '...' macro too, so no kind of quote may be in it.
func quote(s string) string {
	if strings.ContainsAny(s, "\"'\\\n") {
		panic("ifstated: unquotable command " + s)
	}
	return `"` + s + `"`
}

func (g *gen) macros() {
	if g.has4 {
		g.macro("ipv4_up", "( "+test(g.checkIPv4(), pingEvery(g.c.IPv4))+" )")
	}
	for _, t := range g.c.Tunnels {
		if !g.o.Watch {
			g.macro(okMacro(t), "( "+test(g.checkTunnel(t), tunnelEvery)+" )")
		}
		if g.has6 {
			g.macro(g.v6Macro(t), "( "+test(g.checkIPv6(t), pingEvery(g.c.IPv6))+" )")
		}
		if t.Heartbeat != "" {
			g.macro(beatMacro(t), "( "+test(g.heartbeat(t), heartbeatEvery)+" )")
		}
	}
	tick := "( " + test(retryCommand, retryEvery) + " )"
	g.comment("always true: see above")
	g.macro("retry", "( "+tick+" || ! "+tick+" )")
	g.line("")
}

// block writes if COND { actions }, each on its own line as parse.y wants.
func (g *gen) block(why, cond string, actions ...string) {
	if why != "" {
		g.line("\t# %s", why)
	}
	g.line("\tif %s {", cond)
	for _, a := range actions {
		g.line("\t\t%s", a)
	}
	g.line("\t}")
}

func run(cmd string) string       { return "run " + quote(cmd) }
func setState(name string) string { return "set-state " + name }

// and joins the conditions that are not empty with &&.
func and(conds ...string) string {
	return strings.Join(slices.DeleteFunc(conds, func(s string) bool { return s == "" }), " && ")
}

// v4 is the condition that IPv4 works, empty without a check ipv4 block.
func (g *gen) v4() string {
	if !g.has4 {
		return ""
	}
	return "$ipv4_up"
}

// heartbeats puts each heartbeat outside the states, where its test runs
// whatever the state: a test must stand in an expression to run at all.
func (g *gen) heartbeats() {
	for _, t := range g.c.Tunnels {
		if t.Heartbeat == "" {
			continue
		}
		g.comment(fmt.Sprintf(`%s's heartbeat, every %d s in every state. A test runs only where an
expression uses it, hence this if: when a beat cannot be sent, gifctl restart
%s makes sure the tunnel follows the egress address (it does nothing when
all agrees).`, t.Name, heartbeatEvery, t.Name))
		g.line("if ! $%s {", beatMacro(t))
		g.line("\t%s", run(g.restart(t)))
		g.line("}")
		g.line("")
	}
}

func (g *gen) auto() {
	g.line("state auto {")
	if g.has4 {
		g.block("IPv4 does not work: restart the egress interface", "! $ipv4_up", setState("no_ipv4"))
	}
	for _, t := range g.c.Tunnels {
		if !g.o.Watch {
			g.block(fmt.Sprintf("%s's source is not %s's address: it changed, or a restart failed", t.Name, t.Egress),
				and(g.v4(), "! $"+okMacro(t), "$retry"), run(g.restart(t)))
		}
	}
	if g.has6 {
		for _, t := range g.c.Tunnels {
			why := fmt.Sprintf("%s agrees with %s but carries no IPv6", t.Name, t.Egress)
			if g.o.Watch {
				why = t.Name + " carries no IPv6"
			}
			g.block(why,
				and(g.v4(), g.ok(t), "! $"+g.v6Macro(t)), setState(g.v6State(t)))
		}
	}
	g.line("}")
	g.line("")
}

// noIPv4 restarts each egress interface once, then the other tunnels on it.
func (g *gen) noIPv4() {
	if !g.has4 {
		return
	}
	var runs []string
	done := map[string]bool{}
	for _, t := range g.c.Tunnels {
		if done[t.Egress] {
			continue
		}
		done[t.Egress] = true
		runs = append(runs, run(g.restartEgress(t)))
		for _, u := range g.c.Tunnels {
			if u != t && u.Egress == t.Egress {
				runs = append(runs, run(g.restart(u)))
			}
		}
	}
	g.line("state no_ipv4 {")
	g.block("at once, then every minute while IPv4 does not work", "! $ipv4_up && $retry", runs...)
	g.block("", "$ipv4_up", setState("auto"))
	g.line("}")
	g.line("")
}

func (g *gen) noIPv6(t *config.Tunnel) {
	if !g.has6 {
		return
	}
	v6 := "$" + g.v6Macro(t)
	g.line("state %s {", g.v6State(t))
	if g.has4 {
		g.block("", "! $ipv4_up", setState("no_ipv4"))
	}
	if g.o.Watch {
		g.block("at once, then every minute", and(g.v4(), "! "+v6, "$retry"), run(g.restart(t)))
	} else {
		g.block(fmt.Sprintf("at once, then every minute, and when %s's source changes", t.Name),
			and(g.v4(), "(! $"+okMacro(t)+" || ! "+v6+")", "$retry"), run(g.restart(t)))
	}
	for _, u := range g.c.Tunnels {
		if u != t && !g.o.Watch {
			g.block(fmt.Sprintf("%s as in auto", u.Name), and(g.v4(), "! $"+okMacro(u), "$retry"), run(g.restart(u)))
		}
	}
	g.block("", and(g.v4(), v6), setState("auto"))
	g.line("}")
	g.line("")
}
