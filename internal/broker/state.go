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
)

// State is what gifctl remembers of a tunnel's broker, secrets scrubbed.
type State struct {
	Tunnel        string     `json:"tunnel"`
	Address       netip.Addr `json:"address,omitzero"`        // ours, last accepted
	BrokerAddress netip.Addr `json:"broker_address,omitzero"` // the one it said it has (behind NAT)
	Answer        string     `json:"answer,omitzero"`         // the last answer, or error
	Code          string     `json:"code,omitzero"`
	When          time.Time  `json:"when,omitzero"`     // the last attempt
	Accepted      time.Time  `json:"accepted,omitzero"` // the last success
	Failures      int        `json:"failures,omitzero"` // since the last success
	Abuses        int        `json:"abuses,omitzero"`   // "abuse" answers among them
	BackoffUntil  time.Time  `json:"backoff_until,omitzero"`
	URLHash       string     `json:"url_hash,omitzero"` // urlHash of the last attempt's URL

	path string // the file LoadState read, for messages
}

func statePath(dir, name string) (string, error) {
	if !config.IsIfName(name) { // keeps the file inside the state directory
		return "", fmt.Errorf("%q: not an interface name", name)
	}
	return filepath.Join(dir, name+".broker.json"), nil
}

// LoadState reads tunnel name's state from dir, zero if there is no file.
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

// Save writes s atomically, 0600, via a temporary file in dir, the only place
// unveiled "w".
func (s State) Save(dir string) error {
	path, err := statePath(dir, s.Tunnel)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(s, "", "\t")
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return bsd.WriteFile(path, append(data, '\n'), 0)
}
