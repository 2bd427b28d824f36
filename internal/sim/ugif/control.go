package ugif

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Status is what a running gif reports about itself.
type Status struct {
	Name      string    `json:"name"`
	Endpoints Endpoints `json:"endpoints"`
	Stats     Stats     `json:"stats"`
}

// Controller is the part of a gif the control socket drives. *Gif
// implements it; tests of the protocol use a fake.
type Controller interface {
	Status() Status
	SetEndpoints(Endpoints) error
}

// Operations of the control protocol.
const (
	opGet    = "get"
	opSet    = "set"    // ifconfig IF tunnel SRC DST
	opDelete = "delete" // ifconfig IF -tunnel
)

type request struct {
	Op        string    `json:"op"`
	Endpoints Endpoints `json:"endpoints"`
}

type response struct {
	Status Status `json:"status"`
	Error  string `json:"error,omitempty"`
}

// requestTimeout bounds one control exchange on either side, so a stuck
// peer never hangs a stand-in ifconfig (and gifctl above it).
const requestTimeout = 5 * time.Second

// SocketPath is the control socket of gif name in run directory dir.
func SocketPath(dir, name string) string {
	return filepath.Join(dir, name+".sock")
}

// Listen opens the control socket of gif name in dir, mode 0600. A socket
// file left by a dead gif is replaced; one that still answers is an error,
// so two daemons never fight over one name.
func Listen(dir, name string) (net.Listener, error) {
	path := SocketPath(dir, name)
	if _, err := os.Lstat(path); err == nil {
		c, err := net.DialTimeout("unix", path, time.Second)
		if err == nil {
			c.Close()
			return nil, fmt.Errorf("%s: already running (%s answers)", name, path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("%s: remove stale control socket: %w", name, err)
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("%s: control socket: %w", name, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("%s: control socket: %w", name, err)
	}
	return ln, nil
}

// Serve answers control requests on ln until ctx ends or ln fails. It
// closes ln (which removes the socket file) before it returns.
func Serve(ctx context.Context, ln net.Listener, c Controller) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	defer ln.Close()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		go serveOne(conn, c)
	}
}

func serveOne(conn net.Conn, c Controller) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(requestTimeout))
	var req request
	var resp response
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err == nil {
		err = json.Unmarshal(line, &req)
	}
	if err != nil {
		resp.Error = fmt.Sprintf("bad request: %v", err)
	} else {
		resp.Error = apply(c, req)
	}
	resp.Status = c.Status()
	json.NewEncoder(conn).Encode(resp)
}

// apply carries out one request and returns its error text ("" if none).
func apply(c Controller, req request) string {
	var err error
	switch req.Op {
	case opGet:
	case opSet:
		e := req.Endpoints.normalize()
		if !e.IsSet() {
			err = errors.New("tunnel needs both a source and a destination address")
		} else {
			err = c.SetEndpoints(e)
		}
	case opDelete:
		err = c.SetEndpoints(Endpoints{})
	default:
		err = fmt.Errorf("unknown operation %q", req.Op)
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// ErrNotRunning is wrapped by the client functions when no gif answers on
// the control socket: the stand-in ifconfig turns it into "no such
// interface".
var ErrNotRunning = errors.New("not running")

// Get asks gif name in dir for its status.
func Get(ctx context.Context, dir, name string) (Status, error) {
	return call(ctx, dir, name, request{Op: opGet})
}

// SetTunnel changes gif name's endpoints in place: `ifconfig IF tunnel SRC DST`.
func SetTunnel(ctx context.Context, dir, name string, e Endpoints) (Status, error) {
	e = e.normalize()
	if err := e.Validate(); err != nil {
		return Status{}, fmt.Errorf("%s: %w", name, err)
	}
	if !e.IsSet() {
		return Status{}, fmt.Errorf("%s: tunnel needs both a source and a destination address", name)
	}
	return call(ctx, dir, name, request{Op: opSet, Endpoints: e})
}

// DeleteTunnel removes gif name's endpoints: `ifconfig IF -tunnel`.
func DeleteTunnel(ctx context.Context, dir, name string) (Status, error) {
	return call(ctx, dir, name, request{Op: opDelete})
}

// Wait polls gif name until it answers or ctx ends: a daemon that answers
// has its TUN device, so the interface exists.
func Wait(ctx context.Context, dir, name string) (Status, error) {
	for {
		st, err := Get(ctx, dir, name)
		if err == nil || !errors.Is(err, ErrNotRunning) {
			return st, err
		}
		select {
		case <-ctx.Done():
			return Status{}, fmt.Errorf("%s: waiting for the control socket: %w", name, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func call(ctx context.Context, dir, name string, req request) (Status, error) {
	path := SocketPath(dir, name)
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
			return Status{}, fmt.Errorf("%s: %w (no gif answers on %s)", name, ErrNotRunning, path)
		}
		return Status{}, fmt.Errorf("%s: control socket: %w", name, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		return Status{}, fmt.Errorf("%s: control socket: %w", name, err)
	}
	var resp response
	if err := json.NewDecoder(conn).Decode(&resp); err != nil {
		return Status{}, fmt.Errorf("%s: control socket: %w", name, err)
	}
	if resp.Error != "" {
		return resp.Status, fmt.Errorf("%s: %s", name, resp.Error)
	}
	return resp.Status, nil
}
