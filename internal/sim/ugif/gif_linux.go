package ugif

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// Config describes a gif to open.
type Config struct {
	Name      string    // interface name, e.g. gif0
	Endpoints Endpoints // may be unset
	MTU       int       // 0 means DefaultMTU
}

// MTU limits of gif(4) (sys/net/if_gif.c: GIF_MTU, GIF_MTU_MIN, GIF_MTU_MAX).
const (
	DefaultMTU = 1280
	MinMTU     = 1280
	MaxMTU     = 8192
)

// outerTTL is gif(4)'s default tunnel TTL (ip_defttl), "ttl 64".
const outerTTL = 64

// Gif is one running userspace gif interface.
type Gif struct {
	name string
	tun  *os.File
	c    counters

	mu    sync.Mutex
	ep    Endpoints
	conn  *net.IPConn // bound to ep.Local; nil while unset
	tos   int         // the TOS last set on conn, to skip redundant setsockopts
	done  chan struct{}
	close sync.Once
}

// Open creates the TUN device and sets the endpoints, like
// `ifconfig gif0 create` followed by `ifconfig gif0 tunnel SRC DST`.
// The interface stays down until SetUp, as a new gif does.
func Open(cfg Config) (*Gif, error) {
	if cfg.MTU == 0 {
		cfg.MTU = DefaultMTU
	}
	if cfg.MTU < MinMTU || cfg.MTU > MaxMTU {
		return nil, fmt.Errorf("%s: mtu %d: out of range %d-%d", cfg.Name, cfg.MTU, MinMTU, MaxMTU)
	}
	tun, err := openTUN(cfg.Name)
	if err != nil {
		return nil, err
	}
	g := &Gif{name: cfg.Name, tun: tun, done: make(chan struct{})}
	if err := SetMTU(cfg.Name, cfg.MTU); err != nil {
		tun.Close()
		return nil, err
	}
	if err := g.SetEndpoints(cfg.Endpoints); err != nil {
		tun.Close()
		return nil, err
	}
	return g, nil
}

// Name is the interface name.
func (g *Gif) Name() string { return g.name }

// Status reports the endpoints and counters.
func (g *Gif) Status() Status {
	g.mu.Lock()
	ep := g.ep
	g.mu.Unlock()
	return Status{Name: g.name, Endpoints: ep, Stats: g.c.snapshot()}
}

// SetEndpoints replaces the tunnel endpoints in place (unset endpoints
// delete them). The new socket is opened before the old one is closed, so a
// failure leaves the gif as it was.
func (g *Gif) SetEndpoints(e Endpoints) error {
	e = e.normalize()
	if err := e.Validate(); err != nil {
		return err
	}
	var conn *net.IPConn
	if e.IsSet() {
		var err error
		if conn, err = listen41(e); err != nil {
			return fmt.Errorf("%s: tunnel %s %s: %w", g.name, e.Local, e.Remote, err)
		}
	}
	g.mu.Lock()
	select {
	case <-g.done:
		g.mu.Unlock()
		if conn != nil {
			conn.Close()
		}
		return fmt.Errorf("%s: closed", g.name)
	default:
	}
	old := g.conn
	g.ep, g.conn, g.tos = e, conn, 0
	g.mu.Unlock()
	if old != nil {
		old.Close() // its reader goroutine ends on net.ErrClosed
	}
	if conn != nil {
		go g.receive(conn)
	}
	return nil
}

// listen41 opens the raw protocol-41 socket of a tunnel: bound to the
// source (IP_FREEBIND: the address need not be configured yet, as gif(4)
// does not check it either), DF clear and TTL 64 for what it sends.
func listen41(e Endpoints) (*net.IPConn, error) {
	lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			s := int(fd)
			if serr = unix.SetsockoptInt(s, unix.IPPROTO_IP, unix.IP_FREEBIND, 1); serr != nil {
				return
			}
			if serr = unix.SetsockoptInt(s, unix.IPPROTO_IP, unix.IP_MTU_DISCOVER, unix.IP_PMTUDISC_DONT); serr != nil {
				return
			}
			serr = unix.SetsockoptInt(s, unix.IPPROTO_IP, unix.IP_TTL, outerTTL)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	pc, err := lc.ListenPacket(context.Background(), "ip4:41", e.Local.String())
	if err != nil {
		return nil, err
	}
	return pc.(*net.IPConn), nil
}

// receive decapsulates what arrives on conn until conn is closed.
func (g *Gif) receive(conn *net.IPConn) {
	buf := make([]byte, 65535)
	for {
		// ReadFromIP strips the outer IPv4 header; the kernel only
		// delivers packets addressed to the bound source.
		n, from, err := conn.ReadFromIP(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		g.mu.Lock()
		remote, current := g.ep.Remote, g.conn == conn
		g.mu.Unlock()
		src, ok := netipFrom(from)
		if !current || !ok || src != remote {
			g.c.droppedForeign.Add(1)
			continue
		}
		pkt := buf[:n]
		if !isIPv6(pkt) {
			g.c.droppedBad.Add(1)
			continue
		}
		if _, err := g.tun.Write(pkt); err != nil {
			if errors.Is(err, os.ErrClosed) {
				return
			}
			g.c.droppedBad.Add(1)
			continue
		}
		g.c.received.Add(1)
	}
}

// Run sends what the TUN device gives until ctx ends or the gif is closed,
// then closes the gif.
func (g *Gif) Run(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() { g.Close() })
	defer stop()
	buf := make([]byte, 65535)
	for {
		n, err := g.tun.Read(buf)
		if err != nil {
			g.Close()
			if errors.Is(err, os.ErrClosed) {
				return nil
			}
			return fmt.Errorf("%s: read: %w", g.name, err)
		}
		g.send(buf[:n])
	}
}

// send encapsulates one packet read from the TUN device.
func (g *Gif) send(pkt []byte) {
	if !isIPv6(pkt) {
		g.c.droppedNotIPv6.Add(1)
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock() // one writer; the lock also orders the TOS change
	if g.conn == nil {
		g.c.droppedUnset.Add(1)
		return
	}
	if tos := ecnBits(pkt); tos != g.tos {
		if rc, err := g.conn.SyscallConn(); err == nil {
			rc.Control(func(fd uintptr) {
				if unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_TOS, tos) == nil {
					g.tos = tos
				}
			})
		}
	}
	dst := &net.IPAddr{IP: g.ep.Remote.AsSlice()}
	if _, err := g.conn.WriteToIP(pkt, dst); err != nil {
		g.c.sendErrors.Add(1)
		return
	}
	g.c.sent.Add(1)
}

// Close destroys the interface (the TUN device goes with its descriptor)
// and the tunnel socket.
func (g *Gif) Close() error {
	var err error
	g.close.Do(func() {
		g.mu.Lock()
		close(g.done)
		conn := g.conn
		g.conn = nil
		g.mu.Unlock()
		if conn != nil {
			conn.Close()
		}
		err = g.tun.Close()
	})
	return err
}
