package brokertest

import (
	"context"
	"io"
	"net/http"
	"net/netip"
	"time"
)

// ServeHTTP answers one update.
func (b *Broker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	remote, _ := netip.ParseAddrPort(r.RemoteAddr)
	req := Request{
		Method:        r.Method,
		RequestURI:    r.RequestURI,
		Path:          r.URL.Path,
		Query:         r.URL.Query(),
		Auth:          r.Header.Get("Authorization") != "",
		Authorization: r.Header.Get("Authorization"),
		UserAgent:     r.UserAgent(),
		Remote:        netip.AddrPortFrom(remote.Addr().Unmap(), remote.Port()),
	}
	b.mu.Lock()
	n := len(b.log)
	b.log = append(b.log, req)
	mode, status, body := b.mode, b.status, b.body
	b.mu.Unlock()

	switch mode {
	case Hang:
		b.hang(r.Context())
		return
	case Trickle:
		b.trickle(r.Context(), w)
		return
	case Forced:
	default:
		status, body = http.StatusNotFound, "not found"
		if r.URL.Path == "/nic/update" {
			status, body = http.StatusOK, b.update(r, req)
		}
	}
	b.mu.Lock()
	b.log[n].Answer, b.log[n].Status = body, status
	b.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// update applies a well-formed update and says the answer, in HE's order:
// credentials, tunnel id, rate, address, ping.
func (b *Broker) update(r *http.Request, req Request) string {
	user, key, ok := r.BasicAuth()
	if !ok {
		user, key = req.Query.Get("username"), req.Query.Get("password")
	}
	id := req.Query.Get("hostname")

	b.mu.Lock()
	acct := b.account(user, key)
	if acct == nil {
		b.mu.Unlock()
		return "badauth"
	}
	current, ok := acct.Tunnels[id]
	if !ok {
		b.mu.Unlock()
		return "nohost"
	}
	if b.abused(id) {
		b.mu.Unlock()
		return "abuse"
	}
	b.mu.Unlock()

	addr := req.Remote.Addr()
	if s, ok := req.Query["myip"]; ok {
		a, err := netip.ParseAddr(s[0])
		if err != nil {
			return "badip"
		}
		addr = a.Unmap()
	}
	if !addr.Is4() {
		return "badip"
	}
	if addr == current {
		return "nochg " + addr.String()
	}
	if b.opts.Ping != nil {
		if err := b.opts.Ping(r.Context(), addr); err != nil {
			return PingError
		}
	}
	b.mu.Lock()
	acct.Tunnels[id] = addr
	b.mu.Unlock()
	if b.opts.OnAccept != nil {
		b.opts.OnAccept(id, addr)
	}
	return "good " + addr.String()
}

// account finds the account of user and key; b.mu is held.
func (b *Broker) account(user, key string) *Account {
	if user == "" {
		return nil
	}
	for i := range b.accounts {
		if b.accounts[i].User == user && b.accounts[i].Key == key {
			return &b.accounts[i]
		}
	}
	return nil
}

// abused counts an update of tunnel id and says whether it is one too many
// within the window. Every update counts, refused ones too: a client that
// keeps hammering stays blocked. b.mu is held.
func (b *Broker) abused(id string) bool {
	now := b.opts.Now()
	var kept []time.Time
	for _, t := range b.recent[id] {
		if now.Sub(t) < b.opts.AbuseWindow {
			kept = append(kept, t)
		}
	}
	b.recent[id] = append(kept, now)
	return len(kept) >= b.opts.AbuseLimit
}

// hang holds the request until the client gives up or the broker closes.
func (b *Broker) hang(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-b.done:
	}
}

// trickle answers a byte at a time, never finishing.
func (b *Broker) trickle(ctx context.Context, w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	rc.Flush()
	const text = "good 192.0.2.1 "
	tick := time.NewTicker(b.opts.TrickleEvery)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			// Abort rather than return: returning would end the
			// body properly, and the client would take it whole.
			panic(http.ErrAbortHandler)
		case <-b.done:
			panic(http.ErrAbortHandler)
		case <-tick.C:
		}
		if _, err := io.WriteString(w, text[i%len(text):i%len(text)+1]); err != nil {
			panic(http.ErrAbortHandler)
		}
		if rc.Flush() != nil {
			panic(http.ErrAbortHandler)
		}
	}
}
