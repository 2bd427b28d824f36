package main

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gifctl/gifctl/internal/broker/brokertest"
	"github.com/gifctl/gifctl/internal/faults"
)

// forged is a log line a broker could wish to add to syslog.
const forged = `gif0: broker answered "good 6.6.6.6"`

// TestReliabilityLogLines has whoever answers the update put control
// characters where no broker body goes: a certificate's name (which Go's
// x509 error quotes raw) and the HTTP status line. Every record must be
// one line of printable text, on stderr and in syslog.
func TestReliabilityLogLines(t *testing.T) {
	t.Parallel()
	tally := faults.Track(t, "log lines", "a certificate whose DNS name holds a newline and a forged log line (Go's x509 error lists it); an HTTP status line with ESC and BEL",
		"every stderr line starts \"gifctl: \" and is printable; every syslog message is one printable line; the forged line is no record of its own")
	for _, tt := range []struct {
		name  string
		serve func(w *world)
	}{{
		name: "certificate-name",
		serve: func(w *world) {
			// The certificate is valid for localhost and the evil name;
			// the URL asks for another name, so verification fails and
			// the error lists the certificate's names.
			ln := tlsBroker(t, w, "evil\n"+forged+"\x1b[2J")
			go rawHTTP(ln, "HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\ngood 198.51.100.7")
			w.netnsEtc("hosts", "127.0.0.1 broker.gifctl.test\n")
			_, port, _ := net.SplitHostPort(ln.Addr().String())
			w.setURL(fmt.Sprintf("https://%s:%s@broker.gifctl.test:%s/nic/update?hostname=%s", user, key, port, tunnelID))
		},
	}, {
		name: "status-line",
		serve: func(w *world) {
			ln := tlsBroker(t, w)
			go rawHTTP(ln, "HTTP/1.1 502 Bad\x1b]0;owned\x07\x1b[2J\rGateway\r\nContent-Length: 6\r\n\r\n<html>")
			w.setURL(fmt.Sprintf("https://%s:%s@%s/nic/update?hostname=%s", user, key, ln.Addr(), tunnelID))
		},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, "198.51.100.7")
			tt.serve(w)
			sink := newSyslogSink(t)
			r, _ := w.startSyslog(sink, "update", "gif0").wait()
			tally.Add(1)
			if r.code != 1 {
				t.Errorf("exit %d, want 1\n%s", r.code, r.stderr)
			}
			for _, line := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
				if !strings.HasPrefix(line, "gifctl: ") || !printableLine(line) {
					t.Errorf("stderr line %q", line)
				}
				if strings.HasPrefix(line, "gifctl: "+forged) {
					t.Errorf("a forged record: %q", line)
				}
			}
			msgs := sink.messages()
			if len(msgs) == 0 {
				t.Error("nothing reached syslog")
			}
			for _, m := range msgs {
				if !syslogLine.MatchString(m) || !printableLine(strings.TrimSuffix(m, "\n")) {
					t.Errorf("syslog message %q", m)
				}
				if strings.Contains(m, "]: "+forged) {
					t.Errorf("a forged syslog record: %q", m)
				}
			}
		})
	}
}

// listen opens a TCP listener on loopback inside the world's namespace.
func (w *world) listen() net.Listener {
	w.t.Helper()
	var ln net.Listener
	if err := w.ns.Do(func() (err error) { ln, err = net.Listen("tcp", "127.0.0.1:0"); return err }); err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { ln.Close() })
	return ln
}

// netnsEtc gives gifctl its own copy of /etc/NAME: ip netns exec
// bind-mounts /etc/netns/NS/NAME over it, for the namespace's processes
// only.
func (w *world) netnsEtc(name, content string) {
	t := w.t
	sweepNetnsEtc()
	dir := filepath.Join("/etc/netns", w.ns.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.RemoveAll(dir)
		os.Remove("/etc/netns") // only if empty: others may use it
	})
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// rawHTTP answers every request on ln with response, byte for byte.
func rawHTTP(ln net.Listener, response string) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			br := bufio.NewReader(c)
			for {
				line, err := br.ReadString('\n')
				if err != nil || line == "\r\n" {
					break
				}
			}
			c.Write([]byte(response))
		}()
	}
}

// tlsBroker listens with TLS in w, its certificate issued for names (and
// localhost) by a new CA that w's gifctl trusts (DIR/ca.pem).
func tlsBroker(t *testing.T, w *world, names ...string) net.Listener {
	t.Helper()
	ca, err := brokertest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	if err := ca.WriteFile(filepath.Join(w.dir, "ca.pem")); err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue(names...)
	if err != nil {
		t.Fatal(err)
	}
	return tls.NewListener(w.listen(), &tls.Config{Certificates: []tls.Certificate{cert}})
}
