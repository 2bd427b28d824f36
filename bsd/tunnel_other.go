//go:build !openbsd

package bsd

// getTunnel is nil: there is no gif(4) and no SIOCGLIFPHYADDR here, so
// TunnelEndpoints runs ifconfig (the simulation's stand-in prints OpenBSD's
// format). Tests set it to reach the kernel's side of TunnelEndpoints.
var getTunnel func(*laddrreq) error
