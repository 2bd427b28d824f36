package doctor

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Level is how a finding stands.
type Level string

// The levels, from good to bad; Skip is "not checked", with the reason.
const (
	OK   Level = "ok"
	Skip Level = "skip"
	Warn Level = "warn"
	Fail Level = "fail"
)

// Finding is one checked fact; the JSON names are an API.
type Finding struct {
	ID      string `json:"id"`               // e.g. "gif.mtu"
	Tunnel  string `json:"tunnel,omitempty"` // "" for the configuration as a whole
	Level   Level  `json:"status"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"` // what to do; empty when ok
}

// Failed says whether any finding needs fixing.
func Failed(fs []Finding) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Level == Fail })
}

// Write prints findings grouped under their tunnel (or "configuration"),
// one line each, the fix on the next.
func Write(w io.Writer, findings []Finding) {
	group := "\x00"
	for _, f := range findings {
		if f.Tunnel != group {
			group = f.Tunnel
			fmt.Fprintln(w, cmp.Or(group, "configuration"))
		}
		level := string(f.Level)
		if f.Level == Warn || f.Level == Fail {
			level = strings.ToUpper(level)
		}
		fmt.Fprintf(w, "  %-4s  %-18s %s\n", level, f.ID, f.Message)
		if f.Fix != "" && f.Level != OK {
			fmt.Fprintf(w, "  %-4s  %-18s fix: %s\n", "", "", f.Fix)
		}
	}
}
