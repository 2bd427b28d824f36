package ifstated

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"text/template"

	"github.com/gifctl/gifctl/internal/config"
)

// DefaultGifctl is where make install and the port put gifctl.
const DefaultGifctl = "/usr/local/sbin/gifctl"

// retryCommand exits 0 in even minutes and 1 in odd ones. Polled every 30 s
// its value changes once a minute, and every change makes ifstated evaluate
// the current state again.
const retryCommand = "exit $(( $(/bin/date +%s) / 60 % 2 ))"

// watchIdleEvery is auto's check interval under gifctl watch, which repairs
// address changes at once: the check finds what no routing message shows (a
// failed broker update, an ISP that stops routing), and at 3 minutes costs
// less CPU than a ping a minute (make bench).
const watchIdleEvery = 180

// Options says how the generated file calls gifctl.
type Options struct {
	Gifctl     string // absolute path of gifctl; "" is DefaultGifctl
	ConfigPath string // passed as -f unless "" or config.DefaultFile
	// Watch leaves address changes to gifctl watch (rc.d/gifctl): no
	// check tunnel, auto checks every watchIdleEvery, repairs as before.
	Watch bool
}

func (o Options) gifctl() string     { return cmp.Or(o.Gifctl, DefaultGifctl) }
func (o Options) configPath() string { return cmp.Or(o.ConfigPath, config.DefaultFile) }

// safePath is what may stand in a command unquoted: ifstated.conf quotes
// each command once in '...' and once in "...", and sh reads it after that.
func safePath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.ContainsFunc(p, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' ||
			strings.ContainsRune("._+,:@%/-", r))
	})
}

// Check reports what Render cannot write safely: a path that is not absolute
// or holds a byte that a shell or ifstated's lexer would read specially, a
// tunnel name that is not an interface name, no tunnel at all, and with
// Watch no check block either.
func Check(c *config.Config, o Options) error {
	for _, p := range [][2]string{{"gifctl", o.gifctl()}, {"configuration file", o.configPath()}} {
		if !safePath(p[1]) {
			return fmt.Errorf("%s path %q: want an absolute path of letters, digits and . _ + , : @ %% / -", p[0], p[1])
		}
	}
	switch {
	case len(c.Tunnels) == 0:
		return fmt.Errorf("%s: no tunnel", o.configPath())
	case o.Watch && c.IPv4 == nil && c.IPv6 == nil:
		return fmt.Errorf("%s: no check ipv4 or check ipv6 block: with gifctl watch, ifstated would have nothing to do", o.configPath())
	}
	for i, t := range c.Tunnels {
		if !config.IsIfName(t.Name) || !config.IsIfName(t.Egress) {
			return fmt.Errorf("tunnel %q, egress %q: not interface names", t.Name, t.Egress)
		}
		if slices.ContainsFunc(c.Tunnels[:i], func(u *config.Tunnel) bool { return u.Name == t.Name }) {
			return fmt.Errorf("tunnel %s: given twice", t.Name)
		}
	}
	return nil
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

// Render prints an ifstated.conf(5) that drives gifctl for c, its states
// explained in its comments. It panics when Check(c, o) fails: call Check
// first with anything that did not come from config.Parse and a fixed path.
func Render(c *config.Config, o Options) []byte {
	if err := Check(c, o); err != nil {
		panic("ifstated: " + err.Error())
	}
	o.Gifctl, o.ConfigPath = o.gifctl(), o.configPath()
	v := view{Options: o, Cmd: o.Gifctl, Every4: pingEvery(c.IPv4), Every6: pingEvery(c.IPv6)}
	regen := "gifctl ifstated"
	if o.ConfigPath != config.DefaultFile {
		v.Cmd += " -f " + o.ConfigPath
		regen = "gifctl -f " + o.ConfigPath + " ifstated"
	}
	if o.Watch {
		regen += " --watch"
	}
	v.Install = "# " + strings.ReplaceAll(Install(regen), "\n", "\n# ")
	v.Slowest = max(30, v.Every4, v.Every6) // 30: $retry's interval
	if o.Watch {
		v.Idle = max(watchIdleEvery, v.Slowest)
		if c.IPv6 != nil && len(c.Tunnels) > 1 {
			v.SlowRetry = " && $retry"
		}
	}
	if c.IPv4 != nil {
		v.V4 = "$ipv4_up && "
	}
	var states []string
	for i, t := range c.Tunnels {
		r := row{Tunnel: t, V6: "ipv6_up", No6: "no_ipv6", Check6: "check ipv6"}
		if len(c.Tunnels) > 1 {
			r.V6, r.No6, r.Check6 = t.Name+"_ipv6_up", "no_ipv6_"+t.Name, "check ipv6 --tunnel "+t.Name
		}
		v.Tunnels = append(v.Tunnels, r)
		states = append(states, r.No6)
		if slices.ContainsFunc(c.Tunnels[:i], func(u *config.Tunnel) bool { return u.Egress == t.Egress }) {
			continue
		}
		v.NoIPv4 = append(v.NoIPv4, "restart --egress "+t.Name)
		for _, u := range c.Tunnels[i+1:] {
			if u.Egress == t.Egress {
				v.NoIPv4 = append(v.NoIPv4, "restart "+u.Name)
			}
		}
	}
	v.States6 = fmt.Sprintf("%-8s", strings.Join(states, ", "))
	var b strings.Builder
	if err := conf().Execute(&b, v); err != nil {
		panic("ifstated: " + err.Error())
	}
	return []byte(strings.TrimRight(b.String(), "\n") + "\n")
}

// view is what the template prints, every name and number worked out.
type view struct {
	Options               // with the defaults filled in
	Cmd            string // gifctl [-f FILE], to which a command is appended
	Install        string // Install's procedure as a comment
	Every4, Every6 int    // intervals of check ipv4 and ipv6; 0 without the block
	Idle           int    // with Watch, the interval of auto's one check
	// SlowRetry is " && $retry" when auto has several tests under Watch: a
	// change one test reports before the others ran again in the state is
	// noted but not acted on (ifstated.c, eval_state), and would wait for ever.
	SlowRetry string
	Slowest   int      // the longest interval of a test in a state
	V4        string   // "$ipv4_up && " with a check ipv4 block
	Tunnels   []row    // in the configuration's order
	States6   string   // the no_ipv6 states, for the header
	NoIPv4    []string // no_ipv4's restarts: each egress once, then its other tunnels
}

// row is a tunnel. Macros and states carry its name when there are several;
// a name ends in a digit, so T_ok and the like never meet ipv4_up or retry.
type row struct {
	*config.Tunnel
	V6, No6, Check6 string // its ipv6_up macro, no_ipv6 state and check ipv6 command
}

// pingEvery leaves a check at least three times its timeout, 0 without the
// block: ifstated kills a test still running when its next run is due.
func pingEvery(c *config.Check) int {
	if c == nil {
		return 0
	}
	d := cmp.Or(c.Timeout, config.DefaultCheckTimeout)
	return max(int(math.Ceil(3*d.Seconds())), 30)
}

// conf is the file. Its tests run every 5 s (check tunnel: local, no
// packets), every pingEvery (check ipv4, ipv6), every 30 s ($retry's minute
// clock, retryCommand) and every 60 s (heartbeat: SixXS wants a beat a
// minute). An if and each of its actions stand on their own lines, as
// ifstated's parse.y wants.
// It is parsed when first used: a check, which never renders, should not
// pay for it at start-up.
var conf = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("ifstated.conf").Parse(`# ifstated.conf(5) generated by "gifctl ifstated{{if .Watch}} --watch{{end}}" from {{.ConfigPath}}.
#
{{.Install}}
#
# How ifstated(8) runs this file (read in its source, ifstated.c):
# - It runs only the tests that an expression uses: those in the current
#   state, and those outside any state, which run in every state.
# - On entering a state it runs all of that state's tests, waiting for each,
#   then the state's init block, then its body.
# - Afterwards it evaluates the body again whenever one of the state's tests
#   changes its result, and every if whose condition is then true runs, not
#   only those that use the test that changed.
# - Nothing else makes it evaluate a state. A restart that failed changes no
#   test, so it would never be tried again: $retry is always true, but it
#   holds a test whose result flips every minute, so each state that repairs
#   is evaluated at least once a minute and a failed repair is retried.
#   The same flip catches a change that ifstated notes but does not act on,
#   which happens in the first {{.Slowest}} seconds after it comes back to a state.
# - run waits for the command: gifctl bounds its own time. gifctl logs to
#   syslog (daemon, tag gifctl); ifstated logs the state changes.
#
# States:
{{if .Watch}}#   auto     all is well. An address change is gifctl watch's to repair
#            (rcctl enable gifctl), so no check tunnel runs here; only
#            gifctl check {{if .Every6}}ipv6{{else}}ipv4{{end}}, every {{.Idle}} s{{if .Every6}}: IPv6 through the tunnel
#            shows that IPv4 works too{{end}}
{{else}}#   auto     all is well, or gifctl check tunnel has just failed (every 5 s):
#            the egress address changed, gifctl restart follows at once
{{end}}{{if .Every4}}#   no_ipv4  gifctl check ipv4 fails: restart the egress interface, then
#            the tunnel (gifctl restart --egress), every minute until it works
{{else}}#   (no no_ipv4: gifctl.conf has no "check ipv4" block. Without an IPv4
#   address on the egress interface, gifctl restart fails, and is tried
#   again every minute until the lease is back)
{{end}}{{if and .Every6 .Watch}}#   {{.States6}} gifctl check ipv6 fails: restart it (and tell the broker), every minute
{{else if .Every6}}#   {{.States6}} the tunnel agrees with the egress address but gifctl check
#            ipv6 fails: restart it (and tell the broker), every minute
{{end}}
{{if .Every4}}ipv4_up = '( "{{.Cmd}} check ipv4" every {{.Every4}} )'
{{if and .Watch (not .Every6)}}ipv4_up_slow = '( "{{.Cmd}} check ipv4" every {{.Idle}} )'
{{end}}{{end}}{{range .Tunnels}}{{if not $.Watch}}{{.Name}}_ok = '( "{{$.Cmd}} check tunnel {{.Name}}" every 5 )'
{{end}}{{if $.Every6}}{{.V6}} = '( "{{$.Cmd}} {{.Check6}}" every {{$.Every6}} )'
{{if $.Watch}}{{.V6}}_slow = '( "{{$.Cmd}} {{.Check6}}" every {{$.Idle}} )'
{{end}}{{end}}{{if .Heartbeat}}{{.Name}}_beat = '( "{{$.Cmd}} heartbeat {{.Name}}" every 60 )'
{{end}}{{end}}# always true: see above
retry = '( ( "` + retryCommand + `" every 30 ) || ! ( "` + retryCommand + `" every 30 ) )'

init-state auto

{{range .Tunnels}}{{if .Heartbeat}}# {{.Name}}'s heartbeat, every 60 s in every state. A test runs only where an
# expression uses it, hence this if: when a beat cannot be sent, gifctl restart
# {{.Name}} makes sure the tunnel follows the egress address (it does nothing when
# all agrees).
if ! ${{.Name}}_beat {
	run "{{$.Cmd}} restart {{.Name}}"
}

{{end}}{{end}}state auto {
{{if and .Watch .Every6}}{{range .Tunnels}}	# {{.Name}} carries no IPv6: {{.No6}} checks IPv4 too, and repairs
	if ! ${{.V6}}_slow{{$.SlowRetry}} {
		set-state {{.No6}}
	}
{{end}}{{else if .Watch}}	# IPv4 does not work: restart the egress interface
	if ! $ipv4_up_slow {
		set-state no_ipv4
	}
{{else}}{{if .Every4}}	# IPv4 does not work: restart the egress interface
	if ! $ipv4_up {
		set-state no_ipv4
	}
{{end}}{{range .Tunnels}}	# {{.Name}}'s source is not {{.Egress}}'s address: it changed, or a restart failed
	if {{$.V4}}! ${{.Name}}_ok && $retry {
		run "{{$.Cmd}} restart {{.Name}}"
	}
{{end}}{{if .Every6}}{{range .Tunnels}}	# {{.Name}} agrees with {{.Egress}} but carries no IPv6
	if {{$.V4}}${{.Name}}_ok && ! ${{.V6}} {
		set-state {{.No6}}
	}
{{end}}{{end}}{{end}}}

{{if .Every4}}state no_ipv4 {
	# at once, then every minute while IPv4 does not work
	if ! $ipv4_up && $retry {
{{range .NoIPv4}}		run "{{$.Cmd}} {{.}}"
{{end}}	}
	if $ipv4_up {
		set-state auto
	}
}

{{end}}{{if .Every6}}{{range $t := .Tunnels}}state {{.No6}} {
{{if $.Every4}}	if ! $ipv4_up {
		set-state no_ipv4
	}
{{end}}{{if $.Watch}}	# at once, then every minute
	if {{$.V4}}! ${{.V6}} && $retry {
{{else}}	# at once, then every minute, and when {{.Name}}'s source changes
	if {{$.V4}}(! ${{.Name}}_ok || ! ${{.V6}}) && $retry {
{{end}}		run "{{$.Cmd}} restart {{.Name}}"
	}
{{if not $.Watch}}{{range $.Tunnels}}{{if ne .Name $t.Name}}	# {{.Name}} as in auto
	if {{$.V4}}! ${{.Name}}_ok && $retry {
		run "{{$.Cmd}} restart {{.Name}}"
	}
{{end}}{{end}}{{end}}	if {{$.V4}}${{.V6}} {
		set-state auto
	}
}

{{end}}{{end}}`))
})
