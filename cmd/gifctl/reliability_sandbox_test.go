package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/alecthomas/kong"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/faults"
	"github.com/gifctl/gifctl/internal/probe"
)

// sandboxOf is every command of the CLI and the sandbox plans (bsd's table)
// its Run applies. A command missing here fails the test: give it a plan.
var sandboxOf = map[string][]string{
	"check tunnel": {"check-tunnel"},
	"check ipv4":   {"check-ipv4"},
	"check ipv6":   {"check-ipv6"},
	"restart":      {"restart", "restart-egress"},
	"update":       {"update"},
	"heartbeat":    {"heartbeat"},
	"status":       {"status"},
	"doctor":       {"doctor"},
	"ifstated":     {"ifstated"},
	"config-test":  {"configtest"},
	"watch":        {"watch"},
}

// effect is what a call made after the sandbox is applied needs from the
// plan (pledge(2), unveil(2)), or why it may not come after it at all.
type effect struct {
	all    string // promises it needs, all of them
	any    string // promises of which it needs one
	unveil func(bsd.Paths) []bsd.UnveilPath
	never  string // it must come before the sandbox, because...
}

const mod = "github.com/gifctl/gifctl/"

// effects are the calls that need something of the plan, by package
// path and name, or by ".Method" for methods of other packages.
var effects = map[string]effect{
	mod + "bsd.TunnelEndpoints":     {never: "an ioctl (SIOCGLIFPHYADDR) pledge forbids"},
	".ReadKernel":                   {never: "an ioctl (SIOCGLIFPHYADDR) pledge forbids"},
	mod + "internal/probe.Open":     {never: "a raw socket pledge forbids opening"},
	mod + "internal/heartbeat.Open": {never: "a socket opened before pledge, as ping(8) does"},
	mod + "bsd.Lock":                {never: "the lock is taken before the sandbox"},
	".OpenSyslog":                   {never: "syslog is connected before the sandbox"},
	"os.Getwd":                      {any: "rpath wpath"},
	"path/filepath.Abs":             {any: "rpath wpath"},
	"os.ReadFile":                   {all: "rpath"},
	// broker.Updater: the state file, and the CA bundle read at the
	// first update, then HTTPS.
	".Update": {all: "rpath wpath cpath inet dns", unveil: func(p bsd.Paths) []bsd.UnveilPath {
		return []bsd.UnveilPath{uv(p.CAFile, "r"), uv(p.StateDir, "rwc"), uv("/etc/resolv.conf", "r")}
	}},
	".Pending":                        {all: "rpath", unveil: stateR},
	mod + "internal/broker.LoadState": {all: "rpath", unveil: stateR},
	mod + "internal/checklog.Load":    {all: "rpath", unveil: stateR},
	mod + "internal/checklog.Record":  {all: "rpath wpath cpath", unveil: stateRWC},
	mod + "internal/heartbeat.Send":   {all: "inet"},
	".Any":                            {all: "inet"}, // probe.Prober.Any: sendto on the raw socket
	// restart.Job: hostname.IF rewritten in place, sh netstart, ifconfig
	// read back, pfctl, and the broker.
	".Restart":       {all: "rpath wpath cpath fattr chown proc exec inet dns", unveil: restartPaths},
	".RestartEgress": {all: "rpath wpath cpath fattr chown proc exec inet dns", unveil: restartPaths},
	// watch: the egress addresses (sysctl NET_RT_IFLIST), the endpoints
	// from ifconfig, the configuration again on SIGHUP, gifctl restart.
	mod + "bsd.IPv4Addrs":                 {any: "inet route dns"},
	mod + "bsd.IfconfigEndpoints":         {all: "proc exec", unveil: func(p bsd.Paths) []bsd.UnveilPath { return []bsd.UnveilPath{uv(p.Ifconfig, "x")} }},
	mod + "internal/config.Load":          {all: "rpath", unveil: func(p bsd.Paths) []bsd.UnveilPath { return []bsd.UnveilPath{uv(p.Config, "r")} }},
	mod + "internal/watch.RestartCommand": {all: "proc exec", unveil: func(p bsd.Paths) []bsd.UnveilPath { return []bsd.UnveilPath{uv(p.Gifctl, "x")} }},
}

func uv(path, perms string) bsd.UnveilPath { return bsd.UnveilPath{Path: path, Perms: perms} }

func stateR(p bsd.Paths) []bsd.UnveilPath   { return []bsd.UnveilPath{uv(p.StateDir, "r")} }
func stateRWC(p bsd.Paths) []bsd.UnveilPath { return []bsd.UnveilPath{uv(p.StateDir, "rwc")} }
func restartPaths(p bsd.Paths) []bsd.UnveilPath {
	return []bsd.UnveilPath{uv(p.HostnameDir, "rwc"), uv("/bin/sh", "x"), uv(p.Ifconfig, "x"), uv(p.Pfctl, "x"), uv(p.CAFile, "r"), uv(p.StateDir, "rwc")}
}

// TestReliabilitySandboxCoversCommands reads this package's source and
// checks, for every command of the CLI (from kong's model, so a new
// command cannot be forgotten), that its Run applies a sandbox plan bsd
// knows, the one the table above names, and that nothing its Run does
// after applying it needs what the plan does not grant, or may not come
// after it at all: sockets, ioctls and the lock come first, as in
// usr.sbin/ifstated/ifstated.c v1.68 and sbin/ping/ping.c, which open
// their sockets and then pledge.
func TestReliabilitySandboxCoversCommands(t *testing.T) {
	tally := faults.Track(t, "sandbox", "every command of the CLI, its Run read with go/ast: which plan it applies and what it calls after",
		"each applies a plan bsd.PlanFor knows; no socket, ioctl, lock or syslog connection after it; every call after it is "+
			"granted its promises and unveiled paths (getcwd, state files, HTTPS and its CA file, sh/ifconfig/pfctl x, hostname-dir rwc)")
	an := loadPackage(t)
	paths := configPaths(t)
	known := bsd.Commands

	parser, err := kong.New(&CLI{}, kong.Name("gifctl"), defaultPaths, kong.Exit(func(int) {}))
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, node := range leafCommands(parser.Model.Node) {
		name := commandPath(node)
		tally.Add(1)
		want, ok := sandboxOf[name]
		if !ok {
			t.Errorf("command %q is not in sandboxOf: which pledge/unveil plan does it apply?", name)
			continue
		}
		typ := node.Target.Type().Name()
		needsFd, work := an.method(typ, "needs"), an.method(typ, "work")
		if needsFd == nil || work == nil {
			t.Errorf("%s: (%s) lacks needs or work", name, typ)
			continue
		}
		patterns := planNames(needsFd)
		if len(patterns) == 0 {
			t.Errorf("%s: (%s).needs names no plan", name, typ)
			continue
		}
		// Everything work calls comes after the sandbox.
		sites := []site{{names: patterns, after: an.callsAfter(work, work.Body.Pos())}}
		for _, w := range want {
			used[w] = true
			if !slices.Contains(known, w) {
				t.Errorf("%s: plan %q unknown to bsd.PlanFor (it knows %v)", name, w, known)
			}
			if !slices.ContainsFunc(patterns, func(p string) bool { ok, _ := path.Match(p, w); return ok }) {
				t.Errorf("%s: applies %q, not %q", name, patterns, w)
			}
		}
		for _, p := range patterns {
			if !slices.ContainsFunc(want, func(w string) bool { ok, _ := path.Match(p, w); return ok }) {
				t.Errorf("%s: applies %q, which sandboxOf does not list", name, p)
			}
		}
		// What comes after the sandbox must be allowed by every plan the
		// command may apply.
		for _, s := range sites {
			for _, call := range s.after {
				e, ok := effects[call.key]
				if !ok {
					continue
				}
				for _, w := range want {
					if why := allows(w, paths, e); why != "" {
						t.Errorf("%s (plan %s): %s after the sandbox (%s): %s", name, w, call.key, call.pos, why)
					}
				}
			}
		}
	}
	// The name "check-" + family.String() in check_ping_cmd.go.
	for _, f := range []probe.Family{probe.IPv4, probe.IPv6} {
		if !slices.Contains(known, "check-"+f.String()) {
			t.Errorf("check-%s: no such plan", f)
		}
	}
	for _, k := range known {
		if !used[k] {
			t.Errorf("bsd plan %q belongs to no command", k)
		}
	}
}

// allows says what plan name lacks for e, or "".
func allows(name string, p bsd.Paths, e effect) string {
	if e.never != "" {
		return "must come before the sandbox: " + e.never
	}
	plan, err := bsd.PlanFor(name, p)
	if err != nil {
		return err.Error()
	}
	have := strings.Fields(plan.Promises)
	for _, pr := range strings.Fields(e.all) {
		if !slices.Contains(have, pr) {
			return fmt.Sprintf("needs promise %s, plan has %q", pr, plan.Promises)
		}
	}
	if e.any != "" && !slices.ContainsFunc(strings.Fields(e.any), func(pr string) bool { return slices.Contains(have, pr) }) {
		return fmt.Sprintf("needs one of %q, plan has %q", e.any, plan.Promises)
	}
	if e.unveil == nil {
		return ""
	}
	for _, u := range e.unveil(p) {
		if u.Path == p.Pfctl && p.PfConf == "" {
			continue
		}
		got := ""
		for _, v := range plan.Unveil {
			if v.Path == filepath.Clean(u.Path) {
				got = v.Perms
			}
		}
		if strings.Trim(u.Perms, got) != "" {
			return fmt.Sprintf("needs %s unveiled %q, plan has %q", u.Path, u.Perms, got)
		}
	}
	return ""
}

// configPaths are the paths app.sandbox gives PlanFor, from a
// configuration that moves every one of them and sets pf-conf.
func configPaths(t *testing.T) bsd.Paths {
	c, err := config.Parse("t.conf", []byte(`set hostname-dir "/srv/etc"
set state-dir "/srv/state"
set netstart "/srv/netstart"
set pfctl "/srv/bin/pfctl"
set ifconfig "/srv/bin/ifconfig"
set pf-conf "/srv/etc/pf.conf"
set ca-file "/srv/ca.pem"
tunnel gif0 { egress em0 }
`))
	if err != nil {
		t.Fatal(err)
	}
	return bsd.Paths{HostnameDir: c.HostnameDir, StateDir: c.StateDir, Netstart: c.Netstart,
		Pfctl: c.Pfctl, Ifconfig: c.Ifconfig, PfConf: c.PfConf, CAFile: c.CAFile,
		Config: "/srv/gifctl.conf", Gifctl: "/srv/bin/gifctl"}
}

func leafCommands(n *kong.Node) []*kong.Node {
	var out []*kong.Node
	for _, c := range n.Children {
		if c.Type != kong.CommandNode {
			continue
		}
		if sub := leafCommands(c); len(sub) > 0 {
			out = append(out, sub...)
		} else {
			out = append(out, c)
		}
	}
	return out
}

func commandPath(n *kong.Node) string {
	var names []string
	for ; n != nil && n.Type == kong.CommandNode; n = n.Parent {
		names = append([]string{n.Name}, names...)
	}
	return strings.Join(names, " ")
}

// pkgSource is this package's non-test source, parsed.
type pkgSource struct {
	fset    *token.FileSet
	byName  map[string][]*ast.FuncDecl
	file    map[*ast.FuncDecl]*ast.File
	imports map[*ast.File]map[string]string // local name -> path
	embeds  map[string][]string             // struct type -> the types it embeds
}

func loadPackage(t *testing.T) *pkgSource {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	an := &pkgSource{fset: token.NewFileSet(), byName: map[string][]*ast.FuncDecl{},
		file: map[*ast.FuncDecl]*ast.File{}, imports: map[*ast.File]map[string]string{}, embeds: map[string][]string{}}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(an.fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		imp := map[string]string{}
		for _, is := range f.Imports {
			p, _ := strconv.Unquote(is.Path.Value)
			local := path.Base(p)
			if is.Name != nil {
				local = is.Name.Name
			}
			imp[local] = p
		}
		an.imports[f] = imp
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			if st, ok := ts.Type.(*ast.StructType); ok {
				for _, fl := range st.Fields.List {
					if id, ok := fl.Type.(*ast.Ident); ok && len(fl.Names) == 0 {
						an.embeds[ts.Name.Name] = append(an.embeds[ts.Name.Name], id.Name)
					}
				}
			}
			return false
		})
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				an.byName[fd.Name.Name] = append(an.byName[fd.Name.Name], fd)
				an.file[fd] = f
			}
		}
	}
	return an
}

// method finds the method name of type typ, or of a type typ embeds.
func (an *pkgSource) method(typ, name string) *ast.FuncDecl {
	if fd := an.ownMethod(typ, name); fd != nil {
		return fd
	}
	for _, emb := range an.embeds[typ] {
		if fd := an.method(emb, name); fd != nil {
			return fd
		}
	}
	return nil
}

func (an *pkgSource) ownMethod(typ, name string) *ast.FuncDecl {
	for _, fd := range an.byName[name] {
		if fd.Recv == nil || len(fd.Recv.List) == 0 {
			continue
		}
		r := fd.Recv.List[0].Type
		if s, ok := r.(*ast.StarExpr); ok {
			r = s.X
		}
		if id, ok := r.(*ast.Ident); ok && id.Name == typ {
			return fd
		}
	}
	return nil
}

// site is one command's sandbox: the plan names its needs may give
// (globs, "*" standing for what the source does not spell out) and the
// calls its work makes after the plan is applied.
type site struct {
	names []string
	after []callRef
}

type callRef struct {
	key string // effects key
	pos token.Position
}

// planNames are the values of the plan field in the needs literals fd
// returns.
func planNames(fd *ast.FuncDecl) []string {
	var names []string
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if kv, ok := n.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "plan" {
				names = append(names, stringValues(fd, kv.Value)...)
			}
		}
		return true
	})
	return names
}

// callees are this package's functions a call may reach (methods matched
// by name: no type information, so more rather than fewer).
func (an *pkgSource) callees(fd *ast.FuncDecl, call *ast.CallExpr) []*ast.FuncDecl {
	switch fun := call.Fun.(type) {
	case *ast.Ident:
		var out []*ast.FuncDecl
		for _, d := range an.byName[fun.Name] {
			if d.Recv == nil {
				out = append(out, d)
			}
		}
		return out
	case *ast.SelectorExpr:
		if id, ok := fun.X.(*ast.Ident); ok && an.imports[an.file[fd]][id.Name] != "" {
			return nil // another package's function
		}
		var out []*ast.FuncDecl
		for _, d := range an.byName[fun.Sel.Name] {
			if d.Recv != nil {
				out = append(out, d)
			}
		}
		return out
	}
	return nil
}

// callsAfter lists the calls fd makes after pos, following this package's
// functions and the function literals fd keeps in variables.
func (an *pkgSource) callsAfter(fd *ast.FuncDecl, pos token.Pos) []callRef {
	lits := map[string]*ast.FuncLit{}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok {
			for i, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok && i < len(as.Rhs) {
					if lit, ok := as.Rhs[i].(*ast.FuncLit); ok {
						lits[id.Name] = lit
					}
				}
			}
		}
		return true
	})
	var out []callRef
	seen := map[ast.Node]bool{}
	var walk func(body ast.Node, f *ast.FuncDecl, from token.Pos)
	walk = func(body ast.Node, f *ast.FuncDecl, from token.Pos) {
		if seen[body] {
			return
		}
		seen[body] = true
		ast.Inspect(body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || call.Pos() < from {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); ok && f == fd && lits[id.Name] != nil {
				walk(lits[id.Name].Body, f, token.NoPos)
			}
			for _, callee := range an.callees(f, call) {
				walk(callee.Body, callee, token.NoPos)
			}
			if key := an.callKey(f, call); key != "" {
				out = append(out, callRef{key, an.fset.Position(call.Pos())})
			}
			return true
		})
	}
	walk(fd.Body, fd, pos)
	return out
}

// callKey is the effects key of a call: PATH.Func for another package's
// function, .Method for a method not declared here.
func (an *pkgSource) callKey(fd *ast.FuncDecl, call *ast.CallExpr) string {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	if id, ok := sel.X.(*ast.Ident); ok {
		if p := an.imports[an.file[fd]][id.Name]; p != "" {
			return p + "." + sel.Sel.Name
		}
	}
	if len(an.byName[sel.Sel.Name]) > 0 {
		return ""
	}
	return "." + sel.Sel.Name
}

// stringValues are the strings e may hold: a literal, a local variable's
// literal assignments, a concatenation; "*" for anything else.
func stringValues(fd *ast.FuncDecl, e ast.Expr) []string {
	switch e := e.(type) {
	case *ast.BasicLit:
		if s, err := strconv.Unquote(e.Value); err == nil {
			return []string{s}
		}
	case *ast.Ident:
		var out []string
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok {
				return true
			}
			for i, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == e.Name && i < len(as.Rhs) {
					out = append(out, stringValues(fd, as.Rhs[i])...)
				}
			}
			return true
		})
		if len(out) > 0 {
			return out
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			var out []string
			for _, l := range stringValues(fd, e.X) {
				for _, r := range stringValues(fd, e.Y) {
					out = append(out, l+r)
				}
			}
			return out
		}
	}
	return []string{"*"}
}
