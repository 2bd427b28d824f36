// Package relay runs, outside gifctl's sandbox, the stand-ins gifctl
// starts.
//
// On OpenBSD execve starts netstart, ifconfig and pfctl with no pledge and
// no unveil (kern_exec.c clears both when no execpromises are set). On
// Linux a Landlock domain and a seccomp filter stay on across execve, so a
// stand-in started by a gifctl whose plan is enforced could do only what
// gifctl may. In a world that enforces the plans, each program gifctl
// starts is therefore a two-line script (WriteClients): it runs the
// client, which hands its command line to a Server over a unix socket and
// gives back the output and exit status; the Server, outside the sandbox,
// runs the real stand-in.
//
// The client is what gifctl's children must be able to start under the
// sandbox: /bin/sh, the multi-call binary that holds the client, and the
// script itself. If gifctl's run is killed, the client dies with it and
// the Server kills the real stand-in's process group.
package relay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// CallerEnv names, in a stand-in's environment, the pid of the program
// that ran the client (gifctl): the stand-in's own parent is the Server.
const CallerEnv = "RELAY_CALLER"

// request is a client's command line and environment; reply is how it
// ended.
type request struct {
	Args []string
	Env  []string
}

type reply struct {
	Out    []byte // stdout and stderr, as they came
	Code   int
	Signal syscall.Signal // non-zero when the stand-in was killed by it
}

// Server runs the clients' commands through command, which makes the
// exec.Cmd for a command line (inside the router's namespace, say).
type Server struct {
	ln      net.Listener
	command func(args []string) *exec.Cmd
	wg      sync.WaitGroup

	mu      sync.Mutex
	observe Observer
}

// Observer is told of each command a Server starts, for a log of them: it
// returns a writer that gets the command's output too, as it comes (nil:
// none), and a function called with its exit status once it ended (-1:
// killed, by a signal or because its client went away; nil: none).
type Observer func(args []string) (out io.Writer, ended func(code int))

// Observe has s tell o of each command it starts from now on.
func (s *Server) Observe(o Observer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.observe = o
}

// Listen starts a Server on the unix socket sock.
func Listen(sock string, command func(args []string) *exec.Cmd) (*Server, error) {
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return nil, fmt.Errorf("relay: %w", err)
	}
	s := &Server{ln: ln, command: command}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.serve(conn)
			}()
		}
	}()
	return s, nil
}

// Close stops accepting and waits for the commands running.
func (s *Server) Close() error {
	err := s.ln.Close()
	s.wg.Wait()
	return err
}

func (s *Server) serve(conn net.Conn) {
	defer conn.Close()
	var req request
	if err := json.NewDecoder(conn).Decode(&req); err != nil || len(req.Args) == 0 {
		return
	}
	s.mu.Lock()
	observe := s.observe
	s.mu.Unlock()
	var live io.Writer
	ended := func(int) {}
	if observe != nil {
		var end func(int)
		if live, end = observe(req.Args); end != nil {
			ended = end
		}
	}
	var out bytes.Buffer
	all := io.Writer(&out)
	if live != nil {
		all = io.MultiWriter(&out, live)
	}
	cmd := s.command(req.Args)
	cmd.Env = req.Env
	cmd.Stdout, cmd.Stderr = all, all // one writer: one pipe, the order kept
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = time.Second // a daemon it started may keep the pipe
	rep := reply{}
	if err := cmd.Start(); err != nil {
		rep.Out, rep.Code = []byte(err.Error()+"\n"), 127
		ended(rep.Code)
		json.NewEncoder(conn).Encode(rep)
		return
	}
	// The client sends nothing more: the end of its side is its death.
	gone := make(chan struct{})
	go func() { io.Copy(io.Discard, conn); close(gone) }()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-gone:
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		ended(-1)
		return
	}
	rep.Out = out.Bytes()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		rep.Code = ee.ExitCode() // -1 when killed
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			rep.Signal = ws.Signal()
		}
	}
	ended(rep.Code)
	json.NewEncoder(conn).Encode(rep)
}

// ClientMain is the client: args are the Server's socket and the command
// line to run. It writes the command's output to stdout and returns its
// exit status, or dies by the signal that killed it.
func ClientMain(args []string, stdout, stderr io.Writer) int {
	if len(args) < 2 {
		fmt.Fprintln(stderr, "usage: relay SOCKET COMMAND [ARG ...]")
		return 2
	}
	conn, err := net.Dial("unix", args[0])
	if err != nil {
		fmt.Fprintf(stderr, "relay: %v\n", err)
		return 127
	}
	defer conn.Close()
	var rep reply
	env := append(os.Environ(), fmt.Sprintf("%s=%d", CallerEnv, os.Getppid()))
	if err := json.NewEncoder(conn).Encode(request{Args: args[1:], Env: env}); err != nil {
		fmt.Fprintf(stderr, "relay: %v\n", err)
		return 127
	}
	if err := json.NewDecoder(conn).Decode(&rep); err != nil {
		fmt.Fprintf(stderr, "relay: %v\n", err)
		return 127
	}
	stdout.Write(rep.Out)
	if rep.Signal != 0 {
		signal.Reset(rep.Signal)
		syscall.Kill(os.Getpid(), rep.Signal)
		time.Sleep(time.Second) // the signal is on its way
		return 128 + int(rep.Signal)
	}
	return rep.Code
}

// Wrap makes the stand-ins dir/NAME of names run outside gifctl's
// sandbox: each moves to dir/NAME.real, and dir/NAME becomes a script
// that runs the client of prog (a multi-call binary, run with the extra
// environment env and the subcommand relay) with the Server's socket sock
// and dir/NAME.real as the command.
func Wrap(dir, prog string, env []string, sock string, names ...string) error {
	var assign string
	for _, e := range env {
		k, v, _ := strings.Cut(e, "=")
		assign += k + "=" + quote(v) + " "
	}
	for _, name := range names {
		p := filepath.Join(dir, name)
		if err := os.Rename(p, p+".real"); err != nil {
			return fmt.Errorf("relay: %w", err)
		}
		text := fmt.Sprintf("#!/bin/sh\n# %s, run outside gifctl's sandbox by the relay at %s.\n%sexec %s relay %s %s \"$@\"\n",
			name, sock, assign, quote(prog), quote(sock), quote(p+".real"))
		if err := os.WriteFile(p, []byte(text), 0o755); err != nil {
			return fmt.Errorf("relay: %w", err)
		}
	}
	return nil
}

// Enforce readies a world whose stand-ins are dir/netstart, dir/ifconfig
// and dir/pfctl for gifctl runs that enforce their plans: it wraps them
// for prog's client (see Wrap) and serves them on dir/relay.sock through
// command. It returns the Server, to Close with the world, and the
// environment to run gifctl with (SandboxEnv).
func Enforce(dir, prog string, env []string, command func(args []string) *exec.Cmd) (*Server, []string, error) {
	sock := socket(dir)
	if err := Wrap(dir, prog, env, sock, "netstart", "ifconfig", "pfctl"); err != nil {
		return nil, nil, err
	}
	s, err := Listen(sock, command)
	if err != nil {
		return nil, nil, err
	}
	return s, SandboxEnv(dir, prog), nil
}

// socket is the Server's socket in a world Enforce readied in dir.
func socket(dir string) string { return filepath.Join(dir, "relay.sock") }

// ForWatch makes dir/gifctl, in a world Enforce readied in dir, the client
// for the gifctl binary gifctl, and returns its path: what `gifctl watch
// --gifctl` is given to start its restarts with. On OpenBSD the restart
// leaves watch's pledge and unveil behind at execve; on Linux it would
// stay in watch's sandbox, so it runs through the Server instead, with
// the environment that makes it enforce a plan of its own (SandboxEnv),
// which bsd.Run leaves out of a child's environment.
func ForWatch(dir, gifctl, prog string, env []string) (string, error) {
	p := filepath.Join(dir, "gifctl")
	if err := os.Symlink(gifctl, p); err != nil {
		return "", fmt.Errorf("relay: %w", err)
	}
	env = append(slices.Clone(env), SandboxEnv(dir, prog)...)
	return p, Wrap(dir, prog, env, socket(dir), "gifctl")
}

// libraries are where a dynamic Linux program's loader and libraries are.
const libraries = "/lib:/lib64:/usr/lib:/usr/lib64:/etc/ld.so.cache"

// Shell is the wrapped stand-ins' interpreter. OpenBSD's ifconfig and
// pfctl are binaries: a plan that runs one of them but not /bin/sh (as
// doctor's runs pfctl) unveils no interpreter, and the world lets its
// scripts start all the same.
const Shell = "/bin/sh"

// SandboxEnv is the environment that makes gifctl enforce its plans (see
// package bsd) in a world whose stand-ins in dir are wrapped for prog. It
// names what a client needs to start under gifctl's sandbox: the loader
// and libraries of Shell and prog, Shell, prog, and dir/netstart, which
// gifctl runs as `/bin/sh NETSTART` and sh reads. The wrapped ifconfig
// and pfctl are executed by name, so their plan's x lets sh read them.
func SandboxEnv(dir, prog string) []string {
	return []string{"GIFCTL_SANDBOX=enforce",
		"GIFCTL_SANDBOX_EXEC=" + strings.Join([]string{libraries, Shell, prog, filepath.Join(dir, "netstart")}, ":")}
}

// quote quotes s for sh: single quotes, each ' written as '\”.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
