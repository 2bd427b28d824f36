//go:build !linux

package ugif

import (
	"context"
	"fmt"
	"runtime"
)

// Config describes a gif to open.
type Config struct {
	Name      string
	Endpoints Endpoints
	MTU       int
}

// MTU limits of gif(4).
const (
	DefaultMTU = 1280
	MinMTU     = 1280
	MaxMTU     = 8192
)

// Gif is a userspace gif; it exists only on Linux.
type Gif struct{}

func errOS(name string) error {
	return fmt.Errorf("%s: userspace gif not implemented on %s (needs Linux TUN)", name, runtime.GOOS)
}

// Open fails: the userspace gif needs Linux's TUN device.
func Open(cfg Config) (*Gif, error) { return nil, errOS(cfg.Name) }

// Name is never reached on this OS.
func (g *Gif) Name() string { return "" }

// Status is never reached on this OS.
func (g *Gif) Status() Status { return Status{} }

// SetEndpoints fails on this OS.
func (g *Gif) SetEndpoints(Endpoints) error { return errOS("gif") }

// Run fails on this OS.
func (g *Gif) Run(context.Context) error { return errOS("gif") }

// Close does nothing on this OS.
func (g *Gif) Close() error { return nil }

// SetMTU fails on this OS.
func SetMTU(name string, mtu int) error { return errOS(name) }

// SetUp fails on this OS.
func SetUp(name string, up bool) error { return errOS(name) }
