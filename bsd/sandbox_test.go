package bsd

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// stockPaths are gifctl.conf's defaults, pf-conf set.
var stockPaths = Paths{
	HostnameDir: "/etc",
	StateDir:    "/var/db/gifctl",
	Netstart:    "/etc/netstart",
	Pfctl:       "/sbin/pfctl",
	Ifconfig:    "/sbin/ifconfig",
	PfConf:      "/etc/pf.conf",
	CAFile:      "/etc/ssl/cert.pem",
	Config:      "/etc/gifctl.conf",
	Gifctl:      "/usr/local/sbin/gifctl",
}

// TestPlanForExact pins every plan: a change to the table shows up here
// and has to be justified.
func TestPlanForExact(t *testing.T) {
	stateRWC := UnveilPath{"/var/db/gifctl", "rwc"}
	devLogW := UnveilPath{"/dev/log", "w"}
	restartUnveil := []UnveilPath{
		{"/bin/sh", "x"},
		devLogW,
		{"/etc", "rwc"},
		{"/etc/hosts", "r"},
		{"/etc/resolv.conf", "r"},
		{"/etc/ssl/cert.pem", "r"},
		{"/sbin/ifconfig", "x"},
		{"/sbin/pfctl", "x"},
		{"/usr/libexec/ld.so", "r"},
		stateRWC,
	}
	want := map[string]Plan{
		"configtest": {Promises: "stdio"},
		"ifstated":   {Promises: "stdio"},
		"status":     {Promises: "stdio rpath", Unveil: []UnveilPath{{"/var/db/gifctl", "r"}}},
		"doctor": {Promises: "stdio rpath unix inet proc exec", Unveil: []UnveilPath{
			devLogW, {"/sbin/pfctl", "x"}, {"/usr/libexec/ld.so", "r"}, {"/var/db/gifctl", "r"}}},
		"check-tunnel":   {Promises: "stdio rpath wpath cpath unix", Unveil: []UnveilPath{devLogW, stateRWC}},
		"check-ipv4":     {Promises: "stdio rpath wpath cpath unix inet", Unveil: []UnveilPath{devLogW, stateRWC}},
		"check-ipv6":     {Promises: "stdio rpath wpath cpath unix inet", Unveil: []UnveilPath{devLogW, stateRWC}},
		"heartbeat":      {Promises: "stdio unix inet", Unveil: []UnveilPath{devLogW}},
		"update":         {Promises: "stdio rpath wpath cpath unix inet dns", Unveil: []UnveilPath{devLogW, {"/etc/hosts", "r"}, {"/etc/resolv.conf", "r"}, {"/etc/ssl/cert.pem", "r"}, stateRWC}},
		"restart":        {Promises: "stdio rpath wpath cpath fattr chown unix inet dns proc exec", Unveil: restartUnveil},
		"restart-egress": {Promises: "stdio rpath wpath cpath fattr chown unix inet dns proc exec", Unveil: restartUnveil},
		"watch": {Promises: "stdio rpath unix route proc exec", Unveil: []UnveilPath{
			devLogW,
			{"/etc/gifctl.conf", "r"},
			{"/sbin/ifconfig", "x"},
			{"/usr/libexec/ld.so", "r"},
			{"/usr/local/sbin/gifctl", "x"},
		}},
	}
	if diff := cmp.Diff(Commands, sortedKeys(want)); diff != "" {
		t.Fatalf("commands (-table +test):\n%s", diff)
	}
	for cmd, w := range want {
		got, err := PlanFor(cmd, stockPaths)
		if err != nil {
			t.Errorf("%s: %v", cmd, err)
			continue
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("PlanFor(%s) (-want +got):\n%s", cmd, diff)
		}
	}
}

// TestPlanProperties checks the rules every plan keeps, with and without
// pf-conf, and with paths moved away from the defaults.
func TestPlanProperties(t *testing.T) {
	moved := Paths{
		HostnameDir: "/tmp/sim/etc/",
		StateDir:    "/tmp/sim/state",
		Netstart:    "/tmp/sim/netstart",
		Pfctl:       "/tmp/sim/bin/pfctl",
		Ifconfig:    "/tmp/sim/bin/ifconfig",
		CAFile:      "/tmp/sim/ca.pem",
		Config:      "/tmp/sim/gifctl.conf",
		Gifctl:      "/tmp/sim/bin/gifctl",
	}
	noPf := stockPaths
	noPf.PfConf = ""
	httpsCommands := []string{"restart", "restart-egress", "update"}
	restartCommands := []string{"restart", "restart-egress"}
	execCommands := []string{"restart", "restart-egress", "doctor", "watch"}

	for _, paths := range []Paths{stockPaths, noPf, moved} {
		for _, cmd := range Commands {
			plan, err := PlanFor(cmd, paths)
			if err != nil {
				t.Fatalf("%s: %v", cmd, err)
			}
			promises := strings.Fields(plan.Promises)
			has := func(p string) bool { return slices.Contains(promises, p) }
			unveiled := map[string]string{}
			for _, u := range plan.Unveil {
				if !filepath.IsAbs(u.Path) || filepath.Clean(u.Path) != u.Path {
					t.Errorf("%s: unveil path %q not absolute and clean", cmd, u.Path)
				}
				if u.Perms == "" || strings.Trim(u.Perms, "rwxc") != "" {
					t.Errorf("%s: unveil %s perms %q", cmd, u.Path, u.Perms)
				}
				if _, dup := unveiled[u.Path]; dup {
					t.Errorf("%s: %s unveiled twice", cmd, u.Path)
				}
				unveiled[u.Path] = u.Perms
			}

			if plan.Promises == "" || !has("stdio") {
				t.Errorf("%s: promises %q lack stdio", cmd, plan.Promises)
			}
			if len(promises) != len(slices.Compact(slices.Clone(promises))) {
				t.Errorf("%s: duplicate promises %q", cmd, plan.Promises)
			}
			// Path promises without any unveil would leave the whole
			// file system visible.
			if (has("rpath") || has("wpath") || has("cpath") || has("exec") || has("unix")) && len(plan.Unveil) == 0 {
				t.Errorf("%s: %q with nothing unveiled", cmd, plan.Promises)
			}
			// exec iff something is executable, and then proc too.
			anyX := false
			for _, pm := range unveiled {
				anyX = anyX || strings.Contains(pm, "x")
			}
			if has("exec") != anyX || has("exec") != has("proc") {
				t.Errorf("%s: exec %v, proc %v, x unveiled %v", cmd, has("exec"), has("proc"), anyX)
			}
			if has("exec") != slices.Contains(execCommands, cmd) {
				t.Errorf("%s: exec promised: %v", cmd, has("exec"))
			}
			// The CA bundle only where HTTPS is spoken.
			_, ca := unveiled[filepath.Clean(paths.CAFile)]
			if ca != slices.Contains(httpsCommands, cmd) || has("dns") != ca {
				t.Errorf("%s: CA file unveiled %v, dns %v", cmd, ca, has("dns"))
			}
			// pfctl only when pf-conf is set, or to ask whether pf is
			// enabled (doctor), and only executable.
			pm, pfctl := unveiled[paths.Pfctl]
			if pfctl != ((paths.PfConf != "" && slices.Contains(restartCommands, cmd) || cmd == "doctor") && has("exec")) || (pfctl && pm != "x") {
				t.Errorf("%s: pfctl unveiled %q with pf-conf %q", cmd, pm, paths.PfConf)
			}
			// Files the children read are never unveiled: they start
			// unrestricted.
			for _, p := range []string{paths.Netstart, paths.PfConf} {
				if _, ok := unveiled[p]; ok && p != "" {
					t.Errorf("%s: %s unveiled", cmd, p)
				}
			}
			// Writes to the hostname.if directory only for restarts.
			if pm, ok := unveiled[filepath.Clean(paths.HostnameDir)]; ok != has("fattr") || (ok && pm != "rwc") {
				t.Errorf("%s: hostname dir %q, fattr %v", cmd, pm, has("fattr"))
			}
			// syslog wherever unix is promised, and nowhere else.
			if _, ok := unveiled[devLog]; ok != has("unix") {
				t.Errorf("%s: /dev/log unveiled %v, unix %v", cmd, ok, has("unix"))
			}
		}
	}
}

func TestPlanForChecks(t *testing.T) {
	plan, err := PlanFor("check-ipv4", stockPaths)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"inet"} {
		if !strings.Contains(" "+plan.Promises+" ", " "+p+" ") {
			t.Errorf("check-ipv4 lacks %s: %q", p, plan.Promises)
		}
	}
	for _, p := range []string{"exec", "proc", "dns", "fattr", "chown", "flock"} {
		if strings.Contains(" "+plan.Promises+" ", " "+p+" ") {
			t.Errorf("check-ipv4 has %s: %q", p, plan.Promises)
		}
	}
}

func TestPlanForErrors(t *testing.T) {
	relState := stockPaths
	relState.StateDir = "var/db/gifctl"
	noCA := stockPaths
	noCA.CAFile = ""
	for _, tt := range []struct {
		cmd   string
		paths Paths
	}{
		{"restrat", stockPaths},
		{"", stockPaths},
		{"check-tunnel", relState},
		{"restart", noCA},
		{"update", noCA},
	} {
		if plan, err := PlanFor(tt.cmd, tt.paths); err == nil {
			t.Errorf("PlanFor(%q, %+v) = %+v, want an error", tt.cmd, tt.paths, plan)
		}
	}
	// A path a command does not use may be anything.
	if _, err := PlanFor("check-ipv4", noCA); err != nil {
		t.Errorf("check-ipv4 without a CA file: %v", err)
	}
}

// When two needs unveil the same path, the permissions are merged.
func TestPlanForMergesPaths(t *testing.T) {
	p := stockPaths
	p.HostnameDir = "/var/db/gifctl/"
	p.CAFile = "/var/db/gifctl"
	plan, err := PlanFor("restart", p)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range plan.Unveil {
		if u.Path == "/var/db/gifctl" {
			n++
			if u.Perms != "rwc" {
				t.Errorf("merged perms %q, want rwc", u.Perms)
			}
		}
	}
	if n != 1 {
		t.Errorf("/var/db/gifctl unveiled %d times", n)
	}
}

func TestMergePerms(t *testing.T) {
	for _, tt := range [][3]string{{"", "r", "r"}, {"r", "w", "rw"}, {"cx", "wr", "rwxc"}, {"rwc", "rwc", "rwc"}} {
		if got := mergePerms(tt[0], tt[1]); got != tt[2] {
			t.Errorf("mergePerms(%q, %q) = %q, want %q", tt[0], tt[1], got, tt[2])
		}
	}
}

func TestPlanValidate(t *testing.T) {
	for _, bad := range []Plan{
		{},
		{Promises: " "},
		{Promises: "stdio rpaht"},
		{Promises: "stdio rpath", Unveil: []UnveilPath{{"etc", "r"}}},
		{Promises: "stdio rpath", Unveil: []UnveilPath{{"/etc", ""}}},
		{Promises: "stdio rpath", Unveil: []UnveilPath{{"/etc", "rwa"}}},
	} {
		if err := bad.Apply(); err == nil {
			t.Errorf("Apply(%+v) succeeded", bad)
		}
	}
}

func sortedKeys(m map[string]Plan) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestCheckPledged(t *testing.T) {
	t.Cleanup(func() { pledged.Store(nil) })
	if err := checkPledged("anything", "exec"); err != nil {
		t.Errorf("no plan applied: %v", err)
	}
	setPledged("stdio rpath inet")
	if err := checkPledged("read em0's addresses", "route", "inet", "dns"); err != nil {
		t.Errorf("inet allowed: %v", err)
	}
	err := checkPledged("run /sbin/ifconfig", "exec")
	if got, want := errString(err), `run /sbin/ifconfig: not allowed after pledge "stdio rpath inet" (needs exec)`; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestIPv4AddrsRefusedWithoutPromise(t *testing.T) {
	setPledged("stdio rpath")
	t.Cleanup(func() { pledged.Store(nil) })
	_, err := IPv4Addrs("lo")
	if err == nil || !strings.Contains(err.Error(), "needs inet or route or dns") {
		t.Errorf("err = %v", err)
	}
}

// setPledged records promises as applied, as Apply does.
func setPledged(promises string) { pledged.Store(&promises) }
