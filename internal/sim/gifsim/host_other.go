//go:build !linux

package gifsim

import (
	"fmt"
	"net/netip"
	"runtime"

	"github.com/gifctl/gifctl/internal/sim/ugif"
)

// otherHost fails every call: the stand-ins drive Linux interfaces.
type otherHost struct{}

func newHost(ctl string) host { return otherHost{} }

func errOS() error {
	return fmt.Errorf("the gifsim stand-ins are not implemented on %s (Linux only)", runtime.GOOS)
}

func (otherHost) Interfaces() ([]ifInfo, error)                   { return nil, errOS() }
func (otherHost) Interface(string) (ifInfo, error)                { return ifInfo{}, errOS() }
func (otherHost) Create(string) error                             { return errOS() }
func (otherHost) SetUp(string, bool) error                        { return errOS() }
func (otherHost) SetMTU(string, int) error                        { return errOS() }
func (otherHost) SetTunnel(string, ugif.Endpoints) error          { return errOS() }
func (otherHost) SetDescription(string, string) error             { return errOS() }
func (otherHost) AddInet(string, netip.Prefix, netip.Addr) error  { return errOS() }
func (otherHost) AddInet6(string, netip.Prefix, netip.Addr) error { return errOS() }
func (otherHost) Route(string, netip.Addr, bool) error            { return errOS() }
func (otherHost) Autoconf(string) error                           { return errOS() }

func applyLease(string, lease) error { return errOS() }
