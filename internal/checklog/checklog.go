package checklog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/config"
)

// Result is one check's last answer and since when it has been so.
type Result struct {
	Check  string    `json:"check"`  // "ipv4", "ipv6", "tunnel gif0"
	OK     bool      `json:"ok"`     // the exit status was 0
	Detail string    `json:"detail"` // why, in a few words
	Since  time.Time `json:"since"`  // when it last changed
}

// Record stores r unless the stored result has the same answer and detail.
// Callers log its error: a failing disk must not change a check's exit status.
func Record(dir string, r Result) error {
	kind, ifname, two := strings.Cut(r.Check, " ") // "ipv4", "tunnel gif0": kept inside dir
	if kind == "" || strings.Trim(kind, "abcdefghijklmnopqrstuvwxyz0123456789") != "" || two && !config.IsIfName(ifname) {
		return fmt.Errorf("checklog: bad check name %q", r.Check)
	}
	p := filepath.Join(dir, "check."+strings.ReplaceAll(r.Check, " ", "."))
	if old, err := read(p); err == nil && old.OK == r.OK && old.Detail == r.Detail {
		return nil
	}
	data, err := json.Marshal(r)
	if err == nil {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		return err
	}
	return bsd.WriteFile(p, append(data, '\n'), 0) // and removes a killed check's temp files
}

func read(p string) (r Result, err error) {
	data, err := bsd.ReadFile(p, bsd.MaxSmallFile)
	if err == nil {
		if err = json.Unmarshal(data, &r); err != nil {
			err = fmt.Errorf("%s: %w", p, err)
		}
	}
	return r, err
}

// Load returns every stored result, sorted by check name (as Glob sorts the
// files: ' ' and '.' alike, before letters and digits); a missing directory
// has none. Unreadable or unparsable files are left out, named in the error.
func Load(dir string) ([]Result, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "check.*"))
	var out []Result
	for _, m := range matches {
		if r, rerr := read(m); rerr == nil {
			out = append(out, r)
		} else if !errors.Is(rerr, fs.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
	}
	return out, err
}
