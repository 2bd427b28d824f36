//go:build !linux

package netns

import (
	"fmt"
	"net/netip"
	"runtime"
)

func errOS() error {
	return fmt.Errorf("netns: network namespaces are Linux-only; not available on %s", runtime.GOOS)
}

// Check fails: the simulation needs Linux network namespaces.
func Check() error { return errOS() }

// Do fails on this OS.
func (n *Namespace) Do(f func() error) error { return errOS() }

// Sysctl fails on this OS.
func (n *Namespace) Sysctl(key, value string) error { return errOS() }

func self() (owner, error)           { return owner{}, errOS() }
func (o owner) alive() bool          { return false }
func nsInode(string) (uint64, error) { return 0, errOS() }
func pidsInNetns(uint64) []int       { return nil }

// Masquerade fails on this OS.
func (n *Namespace) Masquerade(outIf string, from netip.Prefix) error { return errOS() }
