package checklog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/tempfiles"
)

// Result is one check's last answer and since when it has been so.
type Result struct {
	Check  string    `json:"check"`  // "ipv4", "ipv6", "tunnel gif0"
	OK     bool      `json:"ok"`     // the exit status was 0
	Detail string    `json:"detail"` // why, in a few words
	Since  time.Time `json:"since"`  // when it last changed
}

// validName keeps file names inside the state directory: a check's kind
// ("ipv4"), or its kind and an interface ("tunnel gif0").
func validName(check string) bool {
	kind, ifname, two := strings.Cut(check, " ")
	if kind == "" || strings.ContainsFunc(kind, func(r rune) bool { return !('a' <= r && r <= 'z' || '0' <= r && r <= '9') }) {
		return false
	}
	return !two || config.IsIfName(ifname)
}

func path(dir, check string) string {
	return filepath.Join(dir, "check."+strings.ReplaceAll(check, " ", "."))
}

// Record stores r unless the stored result already has the same answer
// and detail. It is best effort for the caller: a failing disk must not
// change a check's exit status, so callers log the error and go on.
func Record(dir string, r Result) error {
	if !validName(r.Check) {
		return fmt.Errorf("checklog: bad check name %q", r.Check)
	}
	p := path(dir, r.Check)
	if old, err := read(p); err == nil && old.OK == r.OK && old.Detail == r.Detail {
		return nil
	}
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	// Also removes what a check killed while recording (ifstated gave up
	// on it) left.
	return tempfiles.Write(p, append(data, '\n'), 0)
}

func read(p string) (Result, error) {
	var r Result
	data, err := bsd.ReadFile(p, bsd.MaxSmallFile)
	if err != nil {
		return r, err
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&r); err != nil {
		return r, fmt.Errorf("%s: %w", p, err)
	}
	return r, nil
}

// Load returns every stored result, sorted by check name. A missing
// directory is no results. A file that cannot be read or parsed is left
// out and named in the error, which joins one per such file: the others
// are still returned.
func Load(dir string) ([]Result, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "check.*"))
	if err != nil {
		return nil, err
	}
	var out []Result
	var errs []error
	for _, m := range matches {
		r, err := read(m)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			errs = append(errs, err)
		default:
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Check < out[j].Check })
	return out, errors.Join(errs...)
}
