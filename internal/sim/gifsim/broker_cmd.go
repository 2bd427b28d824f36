package gifsim

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	stdlog "log"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gifctl/gifctl/internal/broker/brokertest"
	"github.com/gifctl/gifctl/internal/sim/netns"
	"github.com/gifctl/gifctl/internal/sim/ugif"
)

// pingTries and pingWait are HE's check of a new endpoint as simulated:
// a few echo requests, a second each, and the first reply will do.
const (
	pingTries = 3
	pingWait  = time.Second
)

// brokerMain is the simulated tunnel broker: HE's update endpoint over
// HTTPS (package brokertest) inside the PoP's namespace, which pings a new
// endpoint from there before it accepts it and then moves its own end of
// the tunnel, the PoP's gif, to it.
func brokerMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gifsim broker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "", "`address:port` to serve HTTPS on; the certificate names the address")
	caFile := fs.String("ca", "", "`file` to write the CA certificate to, for the client's ca-file")
	accounts := fs.String("accounts", "", "`file` of accounts, one a line: USER KEY TUNNELID [ENDPOINT]")
	ctl := fs.String("ctl", ctlDir(), "control `directory` of the PoP's gifs")
	gif := fs.String("gif", "gif0", "the PoP's gif `interface` whose remote follows accepted updates")
	control := fs.String("control", "", "unix `socket` for the simulation's control requests")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *listen == "" || *caFile == "" || *accounts == "" || *control == "" {
		fmt.Fprintln(stderr, "usage: gifsim broker -listen ADDR:PORT -ca FILE -accounts FILE -control SOCKET [-ctl DIR] [-gif IF]")
		return 2
	}
	data, err := os.ReadFile(*accounts)
	if err != nil {
		fmt.Fprintf(stderr, "gifsim: broker: %v\n", err)
		return 1
	}
	accts, err := parseAccounts(*accounts, data)
	if err != nil {
		fmt.Fprintf(stderr, "gifsim: broker: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	log := &lineLog{w: stderr}
	cfg := brokerConfig{
		Listen: *listen, CAFile: *caFile, Control: *control, Accounts: accts,
		Ping: func(ctx context.Context, addr netip.Addr) error {
			var err error
			for range pingTries {
				pctx, cancel := context.WithTimeout(ctx, pingWait)
				err = netns.PingHere(pctx, addr)
				cancel()
				if err == nil {
					return nil
				}
			}
			return err
		},
		Move: func(ctx context.Context, remote netip.Addr) (ugif.Endpoints, error) {
			st, err := ugif.Get(ctx, *ctl, *gif)
			if err != nil {
				return ugif.Endpoints{}, err
			}
			ep := ugif.Endpoints{Local: st.Endpoints.Local, Remote: remote}
			st, err = ugif.SetTunnel(ctx, *ctl, *gif, ep)
			return st.Endpoints, err
		},
		GifName: *gif,
	}
	if err := runBroker(ctx, cfg, log); err != nil {
		fmt.Fprintf(stderr, "gifsim: broker: %v\n", err)
		return 1
	}
	return 0
}

// brokerConfig is what runBroker needs; Ping and Move are the seams to the
// network (tests use fakes).
type brokerConfig struct {
	Listen, CAFile, Control string
	Accounts                []brokertest.Account
	// Ping must succeed for an address before it is accepted.
	Ping func(ctx context.Context, addr netip.Addr) error
	// Move points the PoP's end of the tunnel at remote and returns its
	// endpoints.
	Move    func(ctx context.Context, remote netip.Addr) (ugif.Endpoints, error)
	GifName string
}

// moveTimeout bounds the talk with the PoP's gif after an accepted update.
const moveTimeout = 5 * time.Second

// runBroker serves until ctx ends. It writes the CA file before it
// listens, and opens the control socket last: once that answers, the
// broker is ready.
func runBroker(ctx context.Context, cfg brokerConfig, log *lineLog) error {
	host, _, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return fmt.Errorf("-listen %s: %w", cfg.Listen, err)
	}
	ca, err := brokertest.NewCA()
	if err != nil {
		return err
	}
	if err := ca.WriteFile(cfg.CAFile); err != nil {
		return err
	}
	cert, err := ca.Issue(host)
	if err != nil {
		return err
	}
	var b *brokertest.Broker
	b = brokertest.New(brokertest.Options{
		Accounts: cfg.Accounts,
		Ping: func(ctx context.Context, addr netip.Addr) error {
			err := cfg.Ping(ctx, addr)
			if err != nil {
				log.Printf("broker: ping %s: no reply", addr)
			} else {
				log.Printf("broker: ping %s: reply", addr)
			}
			return err
		},
		OnAccept: func(id string, addr netip.Addr) {
			mctx, cancel := context.WithTimeout(context.Background(), moveTimeout)
			defer cancel()
			ep, err := cfg.Move(mctx, addr)
			if err != nil {
				log.Printf("broker: tunnel %s: PoP %s: %v", id, cfg.GifName, err)
				return
			}
			log.Printf("broker: tunnel %s: PoP %s now tunnel %s", id, cfg.GifName, ep)
		},
	})
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           logAnswers(b, log),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.std(),
	}
	ctlLn, err := listenControl(cfg.Control)
	if err != nil {
		ln.Close()
		return err
	}
	ctlSrv := &http.Server{Handler: controlHandler(b), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 2)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	go func() { errc <- ctlSrv.Serve(ctlLn) }()
	log.Printf("broker: https://%s/nic/update, CA in %s", cfg.Listen, cfg.CAFile)
	select {
	case <-ctx.Done():
		err = nil
	case err = <-errc:
	}
	b.Close()
	srv.Close()
	ctlSrv.Close()
	os.Remove(cfg.Control)
	return err
}

// logAnswers logs each request with the broker's answer, without the
// Authorization header: even a simulated broker keeps keys out of logs.
func logAnswers(h http.Handler, log *lineLog) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		from, _ := netip.ParseAddrPort(r.RemoteAddr)
		log.Printf("broker: %s %s from %s: %d %q", r.Method, r.URL.RequestURI(), from.Addr().Unmap(), rec.status, rec.body.String())
	})
}

// recorder keeps what a handler answered.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body.Write(p)
	return r.ResponseWriter.Write(p)
}

// parseAccounts reads lines of USER KEY TUNNELID [ENDPOINT]; # starts a
// comment. The file keeps the keys out of the process's arguments.
func parseAccounts(name string, data []byte) ([]brokertest.Account, error) {
	byUser := map[string]int{}
	var accts []brokertest.Account
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 3 || len(f) > 4 {
			return nil, fmt.Errorf("%s:%d: want USER KEY TUNNELID [ENDPOINT]", name, n)
		}
		var ep netip.Addr
		if len(f) == 4 {
			var err error
			if ep, err = netip.ParseAddr(f[3]); err != nil || !ep.Is4() {
				return nil, fmt.Errorf("%s:%d: %q: not an IPv4 address", name, n, f[3])
			}
		}
		i, ok := byUser[f[0]]
		if !ok {
			i = len(accts)
			byUser[f[0]] = i
			accts = append(accts, brokertest.Account{User: f[0], Key: f[1], Tunnels: map[string]netip.Addr{}})
		}
		if accts[i].Key != f[1] {
			return nil, fmt.Errorf("%s:%d: %s: a second key", name, n, f[0])
		}
		accts[i].Tunnels[f[2]] = ep
	}
	if len(accts) == 0 {
		return nil, fmt.Errorf("%s: no account", name)
	}
	return accts, nil
}

// lineLog writes whole lines from several goroutines.
type lineLog struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineLog) Printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format+"\n", args...)
}

// Write takes http.Server's error log: TLS handshake failures (a client
// without the CA) are worth seeing in a simulation.
func (l *lineLog) Write(p []byte) (int, error) {
	l.Printf("broker: %s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func (l *lineLog) std() *stdlog.Logger { return stdlog.New(l, "", 0) }
