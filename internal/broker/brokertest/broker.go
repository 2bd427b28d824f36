package brokertest

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"time"
)

// PingError is HE's answer when the new endpoint does not answer its ping.
const PingError = "-ERROR: IP is not ICMP pingable. Please make sure ICMP is not blocked. " +
	"If you are blocking ICMP, please allow 66.220.2.74 through your firewall."

// Account is one tunnelbroker account.
type Account struct {
	User string
	Key  string // the update key
	// Tunnels maps each tunnel id (the hostname= of the update) to the
	// client endpoint the broker has for it; invalid when none yet.
	Tunnels map[string]netip.Addr
}

// Options configure a Broker. Every field may be left zero.
type Options struct {
	Accounts []Account
	// Now is the clock for the abuse limit; time.Now when nil.
	Now func() time.Time
	// Ping, when set, must succeed for an address before it is accepted,
	// as HE pings a new endpoint first.
	Ping func(ctx context.Context, addr netip.Addr) error
	// OnAccept is called after an update changed a tunnel's endpoint,
	// outside the broker's lock (it may call the broker).
	OnAccept func(tunnelID string, addr netip.Addr)
	// AbuseLimit updates of a tunnel within AbuseWindow are answered;
	// further ones get "abuse". 3 and 60 s when zero.
	AbuseLimit  int
	AbuseWindow time.Duration
	// TrickleEvery is the pace of Trickle mode; a second when zero.
	TrickleEvery time.Duration
}

// Mode is how the broker answers.
type Mode int

const (
	// Normal answers as HE would.
	Normal Mode = iota
	// Forced answers every request with the body given to Force.
	Forced
	// Hang accepts a request and never answers it.
	Hang
	// Trickle sends the status line, then one byte of body a second,
	// forever; when the client hangs up it aborts the response (panics
	// with http.ErrAbortHandler, which http.Server expects), so the body
	// never ends properly.
	Trickle
)

// Request is one request as the broker saw it, for assertions.
type Request struct {
	Method     string
	RequestURI string // the target of the request line, as sent
	Path       string
	Query      url.Values
	// Auth says whether an Authorization header came; Authorization is
	// its value (a test broker may keep what a real one must not log).
	Auth          bool
	Authorization string
	UserAgent     string
	Remote        netip.AddrPort
	// Answer is the body answered; "" while or when nothing was.
	Answer string
	Status int
}

// Broker is an HE-like update endpoint, an http.Handler. It is safe for
// concurrent use.
type Broker struct {
	opts Options

	mu       sync.Mutex
	accounts []Account
	mode     Mode
	status   int    // of Forced
	body     string // of Forced
	recent   map[string][]time.Time
	log      []Request
	servers  []*http.Server
	closed   bool
	done     chan struct{}
}

// New makes a broker with opts; the accounts are copied.
func New(opts Options) *Broker {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.AbuseLimit == 0 {
		opts.AbuseLimit = 3
	}
	if opts.AbuseWindow == 0 {
		opts.AbuseWindow = time.Minute
	}
	if opts.TrickleEvery == 0 {
		opts.TrickleEvery = time.Second
	}
	b := &Broker{opts: opts, recent: map[string][]time.Time{}, done: make(chan struct{})}
	for _, a := range opts.Accounts {
		tunnels := make(map[string]netip.Addr, len(a.Tunnels))
		for id, addr := range a.Tunnels {
			tunnels[id] = addr
		}
		b.accounts = append(b.accounts, Account{User: a.User, Key: a.Key, Tunnels: tunnels})
	}
	return b
}

// SetMode switches to Normal, Hang or Trickle; Force switches to Forced.
func (b *Broker) SetMode(m Mode) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.mode = m
}

// Force answers every request with status and body, whatever it asks.
func (b *Broker) Force(status int, body string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.mode, b.status, b.body = Forced, status, body
}

// Endpoint is the client endpoint the broker has for a tunnel; ok is false
// for an unknown tunnel id.
func (b *Broker) Endpoint(tunnelID string) (addr netip.Addr, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, a := range b.accounts {
		if addr, ok := a.Tunnels[tunnelID]; ok {
			return addr, true
		}
	}
	return netip.Addr{}, false
}

// Requests are the requests so far, oldest first.
func (b *Broker) Requests() []Request {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Request(nil), b.log...)
}

// Updates counts the update requests (path /nic/update) so far.
func (b *Broker) Updates() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, r := range b.log {
		if r.Path == "/nic/update" {
			n++
		}
	}
	return n
}
