package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Config is a parsed gifctl.conf(5); paths are absolute and shell-safe.
type Config struct {
	File        string    // the path it was read from, for messages
	HostnameDir string    // set hostname-dir
	StateDir    string    // set state-dir
	Netstart    string    // set netstart
	Pfctl       string    // set pfctl
	Ifconfig    string    // set ifconfig
	PfConf      string    // set pf-conf; "" leaves pf alone
	CAFile      string    // set ca-file
	IPv4        *Check    // check ipv4 { }; nil when absent
	IPv6        *Check    // check ipv6 { }; nil when absent
	Tunnels     []*Tunnel // in file order; at least one
}

// DefaultFile is where gifctl reads its configuration without -f.
const DefaultFile = "/etc/gifctl.conf"

// defaultConfig holds the set options' defaults, a stock OpenBSD's paths.
var defaultConfig = Config{
	HostnameDir: "/etc", StateDir: "/var/db/gifctl", Netstart: "/etc/netstart",
	Pfctl: "/sbin/pfctl", Ifconfig: "/sbin/ifconfig", CAFile: "/etc/ssl/cert.pem",
}

// DefaultCheckTimeout is a check block's timeout when it sets none.
const DefaultCheckTimeout = time.Second

// Check is a check ipv4|ipv6 block.
type Check struct {
	Targets []netip.Addr
	Timeout time.Duration
}

// Tunnel is a tunnel IF { } block.
type Tunnel struct {
	Name      string     // gif interface, e.g. "gif0"
	Egress    string     // interface whose IPv4 address is the tunnel source
	Remote    netip.Addr // broker's IPv4 end; invalid when not set
	Inet6     netip.Addr // inner address; invalid when not set
	Peer      netip.Addr // inner peer; invalid when not set
	MTU       int        // 0 when not set
	Inet6Len  int        // the broker page's /LEN after inet6 or peer, or 0; hostname.IF gets 128
	UpdateURL *url.URL   // with its credentials; a secret, printed only by broker.Redact
	Heartbeat string     // the SixXS heartbeat password, or ""; a secret
}

// Tunnel returns the block of gif interface name, or for "" the only one.
func (c *Config) Tunnel(name string) (*Tunnel, error) {
	var names []string
	for _, t := range c.Tunnels {
		if t.Name == name || name == "" && len(c.Tunnels) == 1 {
			return t, nil
		}
		names = append(names, t.Name)
	}
	switch {
	case name != "":
		return nil, fmt.Errorf("%s: no such tunnel in %s", quoteIfOdd(name), c.File)
	case names == nil:
		return nil, fmt.Errorf("no tunnel in %s", c.File)
	}
	return nil, fmt.Errorf("several tunnels; name one of %s", strings.Join(names, ", "))
}

// HostnameFile is the hostname.if(5) file of the tunnel's gif interface.
func (t *Tunnel) HostnameFile(c *Config) string {
	return filepath.Join(c.HostnameDir, "hostname."+t.Name)
}

// Secrets returns all URLSecrets and heartbeat passwords, for the logger.
func (c *Config) Secrets() []string {
	var out []string
	for _, t := range c.Tunnels {
		out = append(out, URLSecrets(t.UpdateURL)...)
		if t.Heartbeat != "" {
			out = append(out, t.Heartbeat)
		}
	}
	out = slices.DeleteFunc(out, func(s string) bool { return s == "" })
	slices.Sort(out)
	return slices.Compact(out)
}

// URLSecrets returns, unsorted, the key of USER:KEY@ and SecretParam values,
// as written and decoded, and base64(USER:KEY) for the Authorization header.
func URLSecrets(u *url.URL) []string {
	if u == nil {
		return nil
	}
	var out []string
	if key, ok := u.User.Password(); ok {
		_, raw, _ := strings.Cut(u.User.String(), ":") // as the URL spells it
		out = append(out, raw, key, base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+key)))
	}
	for kv := range strings.SplitSeq(u.RawQuery, "&") {
		k, raw, _ := strings.Cut(kv, "=")
		dk, _ := url.QueryUnescape(k)
		if v, _ := url.QueryUnescape(raw); SecretParam(k) || SecretParam(dk) {
			out = append(out, raw, v)
		}
	}
	return out
}

// SecretParam says whether query parameter name holds a secret: its name
// contains "pass", "key", "token" or "secret" (apikey= of HE's legacy API).
func SecretParam(name string) bool {
	name = strings.ToLower(name)
	return slices.ContainsFunc([]string{"pass", "key", "token", "secret"}, func(w string) bool {
		return strings.Contains(name, w)
	})
}

const maxFileSize = 1 << 20 // what Load reads; a gifctl.conf is a few hundred bytes

// Load reads and parses the file at path. It holds credentials and names what
// root runs, so Load refuses, as parse.y's check_file_secrecy does, a file not
// regular, not root's (or gifctl's user's), group-writable or open to others.
func Load(path string) (*Config, error) {
	// O_NONBLOCK: a FIFO is refused below, not waited on for a writer.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fileErr(path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fileErr(path, err)
	}
	if err := checkSecrecy(path, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	switch {
	case err != nil:
		return nil, fileErr(path, err)
	case len(data) > maxFileSize:
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxFileSize)
	}
	return Parse(path, data)
}

// fileErr words a file system error "PATH: reason", keeping errors.Is.
func fileErr(path string, err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		err = pe.Err
	}
	return fmt.Errorf("%s: %w", path, err)
}

func checkSecrecy(path string, fi fs.FileInfo) error {
	perm := fi.Mode().Perm()
	switch {
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s: not a regular file", path)
	case perm&0o004 != 0:
		return fmt.Errorf("%s: readable by others; run chmod 600 %s", path, path)
	case perm&0o007 != 0:
		return fmt.Errorf("%s: mode %04o gives others access; run chmod 600 %s", path, perm, path)
	case perm&0o020 != 0:
		// Whoever may write it chooses what root runs (set netstart).
		return fmt.Errorf("%s: writable by its group; run chmod 600 %s", path, path)
	}
	return checkOwner(path, fi)
}

// checkOwner refuses what is owned by another than root or gifctl's user.
func checkOwner(path string, fi fs.FileInfo) error {
	if uid := int(fi.Sys().(*syscall.Stat_t).Uid); uid != 0 && uid != os.Getuid() {
		return fmt.Errorf("%s: owned by uid %d, not root; run chown root %s", path, uid, path)
	}
	return nil
}

// CheckStateDir refuses a state-dir where another user could plant a link
// at the lock, for root to truncate, or a false update record.
func CheckStateDir(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // gifctl makes it 0700
	case err != nil:
		return fileErr(path, err)
	case !fi.IsDir():
		return fmt.Errorf("%s: not a directory", path)
	case fi.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("%s: writable by others than its owner; run chmod 700 %s", path, path)
	}
	return checkOwner(path, fi)
}
