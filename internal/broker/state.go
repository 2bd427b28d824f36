package broker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"path/filepath"
	"time"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/config"
	"github.com/gifctl/gifctl/internal/tempfiles"
)

// State is what gifctl remembers of one tunnel's broker, in
// STATEDIR/IF.broker.json. It holds no secret: answers are sanitized, and
// errors have the URL redacted and scrubbed.
type State struct {
	Tunnel string `json:"tunnel"`
	// Address is the local address the broker last accepted;
	// BrokerAddress the one it said it has (behind NAT, the public one).
	Address       netip.Addr `json:"address,omitzero"`
	BrokerAddress netip.Addr `json:"broker_address,omitzero"`
	// Answer is the last answer, or the last error; Code its code.
	Answer string `json:"answer,omitzero"`
	Code   string `json:"code,omitzero"`
	// When is the last attempt, Accepted the last success.
	When     time.Time `json:"when,omitzero"`
	Accepted time.Time `json:"accepted,omitzero"`
	// Failures since the last success, and the "abuse" answers among them.
	Failures     int       `json:"failures,omitzero"`
	Abuses       int       `json:"abuses,omitzero"`
	BackoffUntil time.Time `json:"backoff_until,omitzero"`
	// URLHash is urlHash of the last attempt's update URL.
	URLHash string `json:"url_hash,omitzero"`

	path string // the file LoadState read, for messages
}

// statePath is the state file of tunnel name in dir.
func statePath(dir, name string) (string, error) {
	if !config.IsIfName(name) { // keeps the file inside the state directory
		return "", fmt.Errorf("%q: not an interface name", name)
	}
	return filepath.Join(dir, name+".broker.json"), nil
}

// LoadState reads the state of tunnel name from dir: a zero State when there
// is no file, an error naming it when it does not parse.
func LoadState(dir, name string) (State, error) {
	path, err := statePath(dir, name)
	if err != nil {
		return State{}, err
	}
	data, err := bsd.ReadFile(path, bsd.MaxSmallFile)
	if errors.Is(err, fs.ErrNotExist) {
		return State{Tunnel: name}, nil
	} else if err != nil {
		return State{}, err
	}
	s := State{path: path}
	if err := json.Unmarshal(data, &s); err != nil {
		return State{}, fmt.Errorf("%s: corrupt state, remove it to start afresh: %v", path, err)
	}
	if s.Tunnel != name {
		return State{}, fmt.Errorf("%s: state of tunnel %q, not %q", path, s.Tunnel, name)
	}
	return s, nil
}

// Save writes s to its file in dir atomically, mode 0600. The temporary
// file goes in dir itself, the only place unveiled for writing.
func (s State) Save(dir string) error {
	path, err := statePath(dir, s.Tunnel)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(s, "", "\t")
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return tempfiles.Write(path, append(data, '\n'), 0)
}
