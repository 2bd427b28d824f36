package doccheck

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gifctl/gifctl/hostnameif"
	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/sim/ifstatedsim"
	"github.com/google/go-cmp/cmp"
)

// gifctlPath is where make install and the port put the program, and so
// the path ifstated.conf must run it by.
const gifctlPath = "/usr/local/sbin/gifctl"

// hePing is the address Hurricane Electric pings a new endpoint from.
const hePing = "66.220.2.74"

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// uncomment returns a gifctl.conf with its commented-out statements (a
// comment whose first word is a keyword) made active.
func uncomment(data []byte) []byte {
	starts := slices.DeleteFunc(keywords(), func(k string) bool { return k == "ipv4" || k == "ipv6" || k == "peer" })
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		rest, ok := strings.CutPrefix(strings.TrimSpace(l), "#")
		if f := strings.Fields(rest); ok && len(f) > 0 && slices.Contains(starts, f[0]) {
			lines[i] = rest
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

// usedKeywords are the keywords the statements of a gifctl.conf use.
func usedKeywords(data []byte) []string {
	var used []string
	add := func(w string) {
		if slices.Contains(keywords(), w) && !slices.Contains(used, w) {
			used = append(used, w)
		}
	}
	for _, l := range strings.Split(string(data), "\n") {
		l, _, _ = strings.Cut(l, "#")
		for _, stmt := range strings.Split(l, ";") {
			f := strings.Fields(strings.Trim(stmt, "{} \t"))
			if len(f) == 0 {
				continue
			}
			add(f[0])
			switch {
			case (f[0] == "set" || f[0] == "check") && len(f) > 1:
				add(f[1])
			case f[0] == "inet6" && len(f) > 2:
				add(f[2])
			}
		}
	}
	slices.Sort(used)
	return used
}

// TestSampleConf: etc/gifctl.conf parses (with Parse: git gives it mode
// 644, which Load refuses), uses every keyword in a statement or a
// commented-out one, and parses with those made active too.
func TestSampleConf(t *testing.T) {
	data := readFile(t, filepath.Join(repoRoot(t), "etc", "gifctl.conf"))
	if _, err := config.Parse("etc/gifctl.conf", data); err != nil {
		t.Fatal(err)
	}
	all := uncomment(data)
	if _, err := config.Parse("etc/gifctl.conf, commented statements made active", all); err != nil {
		t.Error(err)
	}
	if diff := cmp.Diff(keywords(), usedKeywords(all)); diff != "" {
		t.Errorf("keywords in config.Keywords (-) and in etc/gifctl.conf (+):\n%s", diff)
	}
}

// sampleSet is a gifctl.conf, a hostname.gif0 and pf.conf rules that
// must agree with each other.
type sampleSet struct {
	where            string
	conf             []byte
	hostname, pfconf []byte
}

// check parses each file and checks that hostname.gif0 and pf.conf name
// the addresses of gifctl.conf's gif0 tunnel.
func (s sampleSet) check(t *testing.T) *config.Config {
	t.Helper()
	conf, err := config.Parse(s.where+" gifctl.conf", s.conf)
	if err != nil {
		t.Errorf("%v", err)
		return nil
	}
	tun, err := conf.Tunnel("gif0")
	if err != nil {
		t.Errorf("%s gifctl.conf: %v", s.where, err)
		return conf
	}
	if !tun.Remote.IsValid() || !tun.Inet6.IsValid() {
		t.Errorf("%s gifctl.conf: gif0 needs remote and inet6 ... peer for the other files to be checked against", s.where)
		return conf
	}

	hf := hostnameif.Parse(s.hostname)
	if _, dst, ok := hf.Tunnel("gif0"); !ok {
		t.Errorf("%s hostname.gif0: no tunnel line", s.where)
	} else if dst != tun.Remote {
		t.Errorf("%s hostname.gif0: tunnel destination %s, gifctl.conf's remote %s", s.where, dst, tun.Remote)
	}
	if addr, peer, ok := hf.Inet6("gif0"); !ok {
		t.Errorf("%s hostname.gif0: no inet6 ADDR 128 / dest PEER lines", s.where)
	} else if addr != tun.Inet6 || peer != tun.Peer {
		t.Errorf("%s hostname.gif0: inet6 %s dest %s, gifctl.conf's inet6 %s peer %s", s.where, addr, peer, tun.Inet6, tun.Peer)
	}
	if mtu := tun.MTU; mtu != 0 && !slices.ContainsFunc(hf.Commands("gif0"), func(c hostnameif.Command) bool {
		return slices.Equal(c.Ifconfig, []string{"mtu", strconv.Itoa(mtu)})
	}) {
		t.Errorf("%s hostname.gif0: no mtu %d line, which gifctl.conf has", s.where, mtu)
	}

	rules, err := pfRules(s.pfconf)
	if err != nil {
		t.Errorf("%s pf.conf: %v", s.where, err)
		return conf
	}
	if !slices.ContainsFunc(rules, func(r pfRule) bool { return r.passesIn("ipv6", tun.Remote.String(), "") }) &&
		!slices.ContainsFunc(rules, func(r pfRule) bool { return r.passesIn("41", tun.Remote.String(), "") }) {
		t.Errorf("%s pf.conf: no rule passes protocol 41 (proto ipv6) in from the remote %s", s.where, tun.Remote)
	}
	if !slices.ContainsFunc(rules, func(r pfRule) bool { return r.passesIn("icmp", hePing, "echoreq") }) {
		t.Errorf("%s pf.conf: no rule passes ICMP echo requests in from %s, Hurricane Electric's ping", s.where, hePing)
	}
	return conf
}

// TestSamples: etc/hostname.gif0 and etc/pf.conf agree with
// etc/gifctl.conf, and etc/ifstated.conf drives gifctl correctly.
func TestSamples(t *testing.T) {
	root := repoRoot(t)
	etc := func(name string) []byte { return readFile(t, filepath.Join(root, "etc", name)) }
	conf := sampleSet{
		where:    "etc/",
		conf:     etc("gifctl.conf"),
		hostname: etc("hostname.gif0"),
		pfconf:   etc("pf.conf"),
	}.check(t)
	if conf == nil {
		return
	}
	path := filepath.Join(root, "etc", "ifstated.conf")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("etc/ifstated.conf, the output of gifctl ifstated for etc/gifctl.conf, is needed: %v", err)
	}
	checkIfstated(t, loadCLI(t), conf, "etc/ifstated.conf", data)
}

// checkIfstated parses an ifstated.conf and checks every command it runs
// that is gifctl's: run by its installed path, a real command with real
// flags, naming tunnels of conf.
func checkIfstated(t *testing.T, m cliModel, conf *config.Config, name string, data []byte) {
	t.Helper()
	f, err := ifstatedsim.Parse(name, data)
	if err != nil {
		t.Errorf("%v", err)
		return
	}
	var cmds []string
	var expr func(e *ifstatedsim.Expr)
	expr = func(e *ifstatedsim.Expr) {
		if e == nil {
			return
		}
		if e.Op == ifstatedsim.External {
			cmds = append(cmds, e.Command)
		}
		expr(e.X)
		expr(e.Y)
	}
	var actions func(as []*ifstatedsim.Action)
	actions = func(as []*ifstatedsim.Action) {
		for _, a := range as {
			switch a.Kind {
			case ifstatedsim.Run:
				cmds = append(cmds, a.Command)
			case ifstatedsim.If:
				expr(a.Cond)
				actions(a.Then)
			}
		}
	}
	actions(f.Global)
	for _, s := range f.States {
		actions(s.Init)
		actions(s.Body)
	}
	found := false
	for _, c := range cmds {
		if !strings.Contains(c, "gifctl") {
			continue
		}
		found = true
		if err := checkArgv(m, conf, strings.Fields(c)); err != "" {
			t.Errorf("%s: %q: %s", name, c, err)
		}
	}
	if !found {
		t.Errorf("%s: runs no gifctl command", name)
	}
}

// checkArgv checks a gifctl command line as sh would split it; it returns
// what is wrong, or "".
func checkArgv(m cliModel, conf *config.Config, argv []string) string {
	if len(argv) == 0 || argv[0] != gifctlPath {
		return "not run as " + gifctlPath
	}
	words := argv[1:]
	var path string
	var rest []string
	for i := range words {
		p := strings.Join(words[:i+1], " ")
		if m.Commands[p] != nil {
			path, rest = p, words[i+1:]
		}
	}
	if path == "" {
		return "no gifctl command in it"
	}
	c := m.Commands[path]
	var args []string
	for i := 0; i < len(rest); i++ {
		w := rest[i]
		if !strings.HasPrefix(w, "-") {
			args = append(args, w)
			continue
		}
		form, value, hasValue := strings.Cut(w, "=")
		long, ok := m.flagName(form)
		if !ok || !m.isGlobal(long) && !slices.Contains(c.Flags, long) {
			return form + " is not a flag of gifctl " + path
		}
		if m.Valued[long] && !hasValue {
			i++
			if i == len(rest) {
				return form + " needs a value"
			}
			value = rest[i]
		}
		_ = value
	}
	for i, a := range args {
		if i >= len(c.Args) && (len(c.Args) == 0 || !strings.HasSuffix(c.Args[len(c.Args)-1], "...")) {
			return "too many arguments for gifctl " + path
		}
		if strings.HasPrefix(c.Args[min(i, len(c.Args)-1)], "IF") {
			if _, err := conf.Tunnel(a); err != nil {
				return err.Error()
			}
		}
	}
	return ""
}

// TestManPageExamples: the examples of gifctl.8 parse with the project's
// parsers and agree with each other, as the samples must, and every gifctl
// command typed in them is a real one.
func TestManPageExamples(t *testing.T) {
	page := readMdoc(t, filepath.Join(repoRoot(t), "man", "gifctl.8"))
	s := sampleSet{where: "gifctl.8 EXAMPLES"}
	var typed []string
	for _, d := range displays(sections(page)["EXAMPLES"]) {
		switch {
		case strings.Contains("\n"+d, "\ntunnel ") && strings.Contains(d, "{"):
			s.conf = []byte(d)
		case strings.HasPrefix(d, "tunnel "):
			s.hostname = []byte(d)
		case strings.HasPrefix(d, "pass "):
			s.pfconf = []byte(d)
		case strings.HasPrefix(d, "# "):
			typed = append(typed, strings.Split(d, "\n")...)
		case strings.HasPrefix(d, "* * * * * "): // a crontab(5) line: its command, as typed
			typed = append(typed, "# "+strings.TrimPrefix(d, "* * * * * "))
		default:
			t.Errorf("gifctl.8: an example of an unknown kind:\n%s", d)
		}
	}
	for what, b := range map[string][]byte{"gifctl.conf": s.conf, "hostname.gif0": s.hostname, "pf.conf": s.pfconf} {
		if b == nil {
			t.Errorf("gifctl.8: EXAMPLES lacks a %s", what)
		}
	}
	if t.Failed() {
		return
	}
	conf := s.check(t)
	if conf == nil {
		return
	}
	m := loadCLI(t)
	for _, l := range typed {
		cmd, ok := strings.CutPrefix(l, "# gifctl")
		if !ok {
			continue
		}
		cmd, _, _ = strings.Cut(cmd, ">")
		if err := checkArgv(m, conf, strings.Fields(gifctlPath+cmd)); err != "" && !(strings.TrimSpace(cmd) == "-n") {
			t.Errorf("gifctl.8 EXAMPLES: %q: %s", l, err)
		}
	}
}
