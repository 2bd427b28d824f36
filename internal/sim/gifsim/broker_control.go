package gifsim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/gifctl/gifctl/internal/broker/brokertest"
)

// The simulated broker's control socket speaks HTTP:
//
//	POST /force?status=200&body=badauth   answer every request with that
//	POST /normal                          answer as HE does again
//	GET  /requests                        the requests so far, JSON
//
// The request log leaves the Authorization header out.

// listenControl opens the control socket, mode 0600, replacing a stale one.
func listenControl(path string) (net.Listener, error) {
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

func controlHandler(b *brokertest.Broker) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /force", func(w http.ResponseWriter, r *http.Request) {
		status, err := strconv.Atoi(r.URL.Query().Get("status"))
		if err != nil || status < 100 || status > 599 {
			http.Error(w, "bad status", http.StatusBadRequest)
			return
		}
		b.Force(status, r.URL.Query().Get("body"))
	})
	mux.HandleFunc("POST /normal", func(w http.ResponseWriter, r *http.Request) {
		b.SetMode(brokertest.Normal)
	})
	mux.HandleFunc("GET /requests", func(w http.ResponseWriter, r *http.Request) {
		reqs := b.Requests()
		for i := range reqs {
			reqs[i].Authorization = ""
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(reqs)
	})
	return mux
}

// BrokerControl talks to a running `gifsim broker` through its control
// socket.
type BrokerControl struct {
	Socket string
	client *http.Client
}

// controlTimeout bounds each control request.
const brokerControlTimeout = 5 * time.Second

// NewBrokerControl returns a client of the control socket at path.
func NewBrokerControl(path string) *BrokerControl {
	return &BrokerControl{Socket: path, client: &http.Client{
		Timeout: brokerControlTimeout,
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		}},
	}}
}

func (c *BrokerControl) do(ctx context.Context, method, path string, q url.Values, out any) error {
	u := "http://broker" + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return fmt.Errorf("broker control: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("broker control: %s %s: %s: %s", method, path, resp.Status, msg)
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	return nil
}

// Force makes the broker answer every request with status and body.
func (c *BrokerControl) Force(ctx context.Context, status int, body string) error {
	return c.do(ctx, http.MethodPost, "/force", url.Values{"status": {strconv.Itoa(status)}, "body": {body}}, nil)
}

// Normal makes the broker answer as HE does again.
func (c *BrokerControl) Normal(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/normal", nil, nil)
}

// Requests are the requests the broker has had, oldest first, without
// their Authorization header.
func (c *BrokerControl) Requests(ctx context.Context) ([]brokertest.Request, error) {
	var reqs []brokertest.Request
	err := c.do(ctx, http.MethodGet, "/requests", nil, &reqs)
	return reqs, err
}

// Wait waits until the broker answers on its control socket: it is then
// serving, and its CA file is written.
func (c *BrokerControl) Wait(ctx context.Context) error {
	for {
		_, err := c.Requests(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
