package faults

import (
	"bufio"
	"encoding/json"
	"io"
	"regexp"
	"sort"
	"strings"
)

// Unit is a group of unit tests whose cases TESTING.md counts: the
// package-level proofs the reliability tests of the built binary rest on.
type Unit struct {
	Package string // as go test takes it: ./bsd
	Run     string // go test -run pattern of top-level tests
	What    string
}

// Units are the unit tests counted in TESTING.md.
var Units = []Unit{
	{"./internal/config", "^(TestInjectionEverywhere|TestInjectionBare|TestPathCharacters)$",
		"every value position of gifctl.conf refuses shell metacharacters, control characters, invisible Unicode and invalid UTF-8, by name and line"},
	{"./internal/config", "^(TestLoad|TestSecrets)",
		"a configuration file others can read or write is refused, naming the fix; Secrets lists every secret"},
	{"./hostnameif", "^(TestSetTunnel|TestSetTunnelErrors|TestRender|TestRenderErrors|TestParseBytesRoundTrip)$",
		"only the tunnel line changes; a missing file is rendered from typed values only"},
	{"./hostnameif", "^(TestLayouts|TestSetTunnelRefuses|TestDivergences)$",
		"hostname.IF is read as netstart runs it; a line netstart reads otherwise is never edited, and the refusal names it"},
	{"./bsd", "^(TestRunDeadlineKillsGroup|TestRunEscapedGrandchildHoldingPipe|TestRunEnvironmentIsFixed|TestRunOutputBounded|TestRunKilledBySignal)$",
		"children: the whole process group is killed at the deadline, the environment is fixed, output is bounded"},
	{"./bsd", "^TestLock",
		"flock: exclusion, bounded wait, the holder named"},
	{"./bsd", "^(TestLoggerRedacts|TestRedactor|TestLoggerSyslogWire|TestLoggerSkipsSyslogWithoutUnixPromise)$",
		"secrets redacted in every log line, on stderr and on a real syslog socket"},
	{"./bsd", "^(TestPlanForExact|TestPlanProperties|TestPlanForChecks|TestPlanForErrors|TestPlanValidate)$",
		"the pledge promises and unveiled paths of every command"},
	{"./bsd", "^(TestEnforce|TestPledgeSyscallsExist)$",
		"a plan enforced on Linux: a call outside its promises kills the process by SIGSYS, on every thread; a path outside its unveil list is refused"},
	{"./internal/broker", "^(TestUpdateEndsAtDeadline|TestUpdateErrorsHideSecrets|TestRedact|TestScrub|TestParseAnswer|TestRecordBackoff)$",
		"broker: bounded requests, no secret in any error, answers parsed and sanitized, back-off"},
	{"./internal/restart", "^(TestStaleTempFilesAreRemoved|TestDryRunChangesNothing|TestNoIPv4ChangesNothing|TestOtherBitsAreDropped)$",
		"restart: stale temp files removed, -n and a lost lease change nothing, no other bits"},
}

// FuzzChecks says what each fuzz target asserts besides "no panic", for
// TESTING.md; a target missing here shows "-".
var FuzzChecks = map[string]string{
	"./bsd FuzzParseIfconfigTunnel":         "an error comes without addresses; what parses prints and parses back the same",
	"./hostnameif FuzzRoundTrip":            "any input round-trips byte for byte; SetTunnel changes one logical line (or inserts one) and is idempotent",
	"./internal/sim/ifstatedsim FuzzParse":  "errors name the file and line; what parses prints and builds a state machine",
	"./internal/broker FuzzParseAnswer":     "success exactly for good/nochg; answer text and errors are one printable, bounded line",
	"./internal/config FuzzParse":           "errors are \"FILE:LINE: message\", printable, the line inside the file; what parses holds only valid typed values and prints back to itself",
	"./internal/faults FuzzIfconfigErrors":  "every error of bsd.ParseIfconfigTunnel is one clear err(3)-style line",
	"./internal/faults FuzzSetTunnelErrors": "every error and warning of hostnameif's SetTunnel is one clear line; a refusal leaves the file as it was",
}

// UnitResult is what one Unit's run gave.
type UnitResult struct {
	Unit
	Passed, Failed, Skipped int
}

// testEvent is the part of a `go test -json` event that is counted.
type testEvent struct {
	Action  string
	Package string
	Test    string
}

// CountUnits counts the leaf test cases (tests without subtests, and
// subtests without subtests) of each unit in the `go test -json` stream r.
func CountUnits(r io.Reader, units []Unit) ([]UnitResult, error) {
	final := map[string]string{} // package + "\x00" + test -> last action
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var ev testEvent
		if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Test == "" {
			continue // build output, or not an event
		}
		switch ev.Action {
		case "pass", "fail", "skip":
			final[ev.Package+"\x00"+ev.Test] = ev.Action
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	var out []UnitResult
	for _, u := range units {
		re, err := regexp.Compile(u.Run)
		if err != nil {
			return nil, err
		}
		res := UnitResult{Unit: u}
		suffix := strings.TrimPrefix(u.Package, ".")
		var names []string
		for k := range final {
			pkg, test, _ := strings.Cut(k, "\x00")
			top, _, _ := strings.Cut(test, "/")
			if strings.HasSuffix(pkg, suffix) && re.MatchString(top) {
				names = append(names, k)
			}
		}
		sort.Strings(names)
		for i, k := range names {
			if i+1 < len(names) && strings.HasPrefix(names[i+1], k+"/") {
				continue // has subtests: they are counted instead
			}
			switch final[k] {
			case "pass":
				res.Passed++
			case "fail":
				res.Failed++
			case "skip":
				res.Skipped++
			}
		}
		out = append(out, res)
	}
	return out, nil
}
