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
// STATEDIR/IF.broker.json. It never holds a secret: answers are stored
// sanitized, and errors only with the URL redacted and scrubbed.
type State struct {
	Tunnel string `json:"tunnel"`
	// Address is the local address the broker last accepted an update
	// for; decide compares the egress address with it.
	Address netip.Addr `json:"address,omitzero"`
	// BrokerAddress is the address the broker said it has. Behind NAT
	// (myip left out) it is the public address, not Address.
	BrokerAddress netip.Addr `json:"broker_address,omitzero"`
	// Answer is the last answer, code and text, or the last error.
	Answer string `json:"answer,omitzero"`
	// Code is the last answer's code ("" for an error without an answer).
	Code string `json:"code,omitzero"`
	// When is the last attempt, Accepted the last success.
	When     time.Time `json:"when,omitzero"`
	Accepted time.Time `json:"accepted,omitzero"`
	// Failures counts failed attempts since the last success, Abuses the
	// "abuse" answers among them; both set the back-off.
	Failures int `json:"failures,omitzero"`
	Abuses   int `json:"abuses,omitzero"`
	// BackoffUntil is when the next update may go out after failures.
	BackoffUntil time.Time `json:"backoff_until,omitzero"`
	// URLHash is urlHash of the update URL of the last attempt: a back-off
	// after wrong settings ends when the URL changes.
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

// LoadState reads the state of tunnel name from dir. A missing file is a
// tunnel never updated: a zero State. A file that does not parse is an
// error naming it; remove it to start afresh.
func LoadState(dir, name string) (State, error) {
	path, err := statePath(dir, name)
	if err != nil {
		return State{}, err
	}
	data, err := bsd.ReadFile(path, bsd.MaxSmallFile)
	if errors.Is(err, fs.ErrNotExist) {
		return State{Tunnel: name}, nil
	}
	if err != nil {
		return State{}, err
	}
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return State{}, fmt.Errorf("%s: corrupt state, remove it to start afresh: %v", path, err)
	}
	if s.Tunnel != name {
		return State{}, fmt.Errorf("%s: state of tunnel %q, not %q", path, s.Tunnel, name)
	}
	s.path = path
	return s, nil
}

// Save writes s to its file in dir atomically (a reader sees the old file
// or the new one, whole), mode 0600.
func (s State) Save(dir string) error {
	path, err := statePath(dir, s.Tunnel)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(s, "", "\t")
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	data = append(data, '\n')
	// The temporary file goes in dir itself, where only the state
	// directory is unveiled for writing on OpenBSD; a stale one a killed
	// gifctl left is removed.
	return tempfiles.Write(path, data, 0)
}
