package doctor

import (
	"fmt"
	"io"
	"strings"
)

// Write prints findings as doctor shows them: grouped under their tunnel
// (or "configuration"), one line each, the fix on the next.
func Write(w io.Writer, findings []Finding) {
	group := "\x00"
	for _, f := range findings {
		if f.Tunnel != group {
			group = f.Tunnel
			name := group
			if name == "" {
				name = "configuration"
			}
			fmt.Fprintln(w, name)
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
