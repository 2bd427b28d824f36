package config

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTunnel(t *testing.T) {
	one, err := Parse("one.conf", []byte("tunnel gif0 { egress em0 }"))
	if err != nil {
		t.Fatal(err)
	}
	two, err := Parse("two.conf", []byte("tunnel gif0 { egress em0 }\ntunnel gif1 { egress em1 }"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		c             *Config
		name, want, e string
	}{
		{one, "", "gif0", ""},
		{one, "gif0", "gif0", ""},
		{one, "gif9", "", "gif9: no such tunnel in one.conf"},
		{one, "GIF0\n", "", `"GIF0\n": no such tunnel in one.conf`},
		{two, "", "", "several tunnels; name one of gif0, gif1"},
		{two, "gif1", "gif1", ""},
		{&Config{File: "none.conf"}, "", "", "no tunnel in none.conf"},
	}
	for _, tt := range tests {
		got, err := tt.c.Tunnel(tt.name)
		var gotName string
		if got != nil {
			gotName = got.Name
		}
		wantErr := tt.e
		if wantErr == "" {
			wantErr = "<nil>"
		}
		if gotName != tt.want || errString(err) != wantErr {
			t.Errorf("%s: Tunnel(%q) = %q, %v; want %q, %q", tt.c.File, tt.name, gotName, err, tt.want, tt.e)
		}
	}
}

func TestHostnameFile(t *testing.T) {
	c, err := Parse("t.conf", []byte("set hostname-dir /tmp/x/\ntunnel gif3 { egress em0 }"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Tunnels[0].HostnameFile(c); got != "/tmp/x/hostname.gif3" {
		t.Errorf("HostnameFile = %q, want /tmp/x/hostname.gif3", got)
	}
}

// b64 is the Basic credentials of user:key, as they go on the wire.
func b64(userKey string) string { return base64.StdEncoding.EncodeToString([]byte(userKey)) }

func TestSecrets(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"none", "tunnel gif0 { egress em0 }", nil},
		{"small example", string(readTestdata(t, "small.conf")), []string{"0123abcd", b64("alice:0123abcd")}},
		{"full example", string(readTestdata(t, "full.conf")), []string{"KEY", "PASSWORD", b64("USER:KEY")}},
		{"user without password", `tunnel gif0 { egress em0; update-url "https://alice@h/" }`, nil},
		{"escaped password", `tunnel gif0 { egress em0; update-url "https://alice:a%2Fb@h/" }`, []string{b64("alice:a/b"), "a%2Fb", "a/b"}},
		{"query password", `tunnel gif0 { egress em0; update-url "https://h/u?username=alice&password=p%40ss&hostname=1" }`, []string{"p%40ss", "p@ss"}},
		{"query password both", `tunnel gif0 { egress em0; update-url "https://bob:k1@h/u?Password=k2" }`, []string{b64("bob:k1"), "k1", "k2"}},
		{"several tunnels", "tunnel gif0 { egress em0; heartbeat hb0 }\ntunnel gif1 { egress em1; heartbeat hb1; update-url https://u:hb0@h/ }",
			[]string{b64("u:hb0"), "hb0", "hb1"}},
		{"secret query names", `tunnel gif0 { egress em0; update-url "https://h/ipv4_end.php?pass=p1x&apikey=k3y&tid=9" }`, []string{"k3y", "p1x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("t.conf", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, c.Secrets()); diff != "" {
				t.Errorf("Secrets (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKeywords(t *testing.T) {
	want := []string{
		"ca-file", "check", "egress", "heartbeat", "hostname-dir", "ifconfig",
		"inet6", "ipv4", "ipv6", "mtu", "netstart", "peer", "pf-conf", "pfctl",
		"remote", "set", "state-dir", "target", "timeout", "tunnel", "update-url",
	}
	if diff := cmp.Diff(want, Keywords()); diff != "" {
		t.Errorf("Keywords (-want +got):\n%s", diff)
	}
	// The full example (testdata/full.conf) shows every keyword.
	p := &parser{cfg: &Config{File: "full.conf"}}
	p.lex(readTestdata(t, "full.conf"))
	words := make(map[string]bool)
	for _, tok := range p.toks {
		if tok.kind == tokWord {
			words[tok.text] = true
		}
	}
	for _, k := range Keywords() {
		if !words[k] {
			t.Errorf("keyword %q is not in the full example", k)
		}
	}
	// Keywords returns a copy: a caller's sort or edit changes nothing here.
	Keywords()[0] = "x"
	if Keywords()[0] != "ca-file" {
		t.Error("Keywords shares its slice")
	}
}

// TestSuggest checks that suggestions fit typing mistakes only.
func TestSuggest(t *testing.T) {
	for in, want := range map[string]string{
		"egres": "egress", "Egress": "egress", "egresss": "egress", "remot": "remote",
		"mt": "mtu", "mtuu": "mtu", "inet": "inet6", "hearbeat": "heartbeat",
		"update_url": "update-url", "url": "", "x": "", "gif0": "", "": "",
		strings.Repeat("egress", 20): "",
	} {
		if want != "" {
			want = fmt.Sprintf("; did you mean %q?", want)
		}
		if got := suggest(in, tunnelKeywords); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}
