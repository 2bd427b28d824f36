package ugif

import (
	"fmt"
	"net/netip"
)

// Endpoints are a gif's tunnel addresses: Local is the outer source
// (`tunnel SRC DST`'s SRC), Remote the outer destination. Both zero means
// unset, as after `ifconfig gif0 -tunnel`.
type Endpoints struct {
	Local  netip.Addr `json:"local"`
	Remote netip.Addr `json:"remote"`
}

// IsSet reports whether the tunnel has endpoints.
func (e Endpoints) IsSet() bool { return e.Local.IsValid() && e.Remote.IsValid() }

// Validate accepts unset endpoints or two IPv4 addresses, like
// SIOCSLIFPHYADDR on a gif used for 6in4 (IPv4-mapped forms are unmapped).
func (e Endpoints) Validate() error {
	if !e.Local.IsValid() && !e.Remote.IsValid() {
		return nil
	}
	if !e.Local.IsValid() || !e.Remote.IsValid() {
		return fmt.Errorf("tunnel needs both a source and a destination address")
	}
	if !e.Local.Unmap().Is4() || !e.Remote.Unmap().Is4() {
		return fmt.Errorf("tunnel %s %s: only IPv4 endpoints are supported", e.Local, e.Remote)
	}
	if e.Remote.Unmap().IsUnspecified() {
		return fmt.Errorf("tunnel destination %s: unspecified address", e.Remote)
	}
	return nil
}

// normalize unmaps IPv4-mapped IPv6 forms so comparisons with packet
// addresses are exact.
func (e Endpoints) normalize() Endpoints {
	return Endpoints{Local: e.Local.Unmap(), Remote: e.Remote.Unmap()}
}

// ParseEndpoints parses `tunnel SRC DST`'s two arguments.
func ParseEndpoints(src, dst string) (Endpoints, error) {
	l, err := netip.ParseAddr(src)
	if err != nil {
		return Endpoints{}, fmt.Errorf("tunnel source %q: not an IP address", src)
	}
	r, err := netip.ParseAddr(dst)
	if err != nil {
		return Endpoints{}, fmt.Errorf("tunnel destination %q: not an IP address", dst)
	}
	e := Endpoints{Local: l, Remote: r}.normalize()
	return e, e.Validate()
}

// String is ifconfig's rendering of the endpoints without the options:
// "inet SRC --> DST", or "(unset)".
func (e Endpoints) String() string {
	if !e.IsSet() {
		return "(unset)"
	}
	return fmt.Sprintf("inet %s --> %s", e.Local, e.Remote)
}
