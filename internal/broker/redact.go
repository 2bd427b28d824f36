package broker

import (
	"net/url"
	"strings"

	"github.com/gifctl/gifctl/bsd"
	"github.com/gifctl/gifctl/internal/config"
)

// mask stands for a secret in a printed URL.
const mask = "*****"

// Redact prints u with its secrets masked: the password of user:key@
// (https://alice:*****@host/...) and the values of query parameters that
// name a secret (password=, pass=, key=, and any name containing "pass",
// "key", "token" or "secret", such as apikey= of HE's legacy endpoint).
// The user name and the rest stay, so the admin can tell which URL it is.
func Redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	c.RawQuery = redactQuery(u.RawQuery)
	c.ForceQuery = false
	s := c.String()
	if u.User == nil {
		return s
	}
	// Insert the userinfo by hand: url.UserPassword would print the mask
	// percent-encoded.
	user := url.User(u.User.Username()).String()
	if _, ok := u.User.Password(); ok {
		user += ":" + mask
	}
	prefix := c.Scheme + "://"
	if rest, ok := strings.CutPrefix(s, prefix); ok {
		return prefix + user + "@" + rest
	}
	return s
}

// redactQuery masks the secret values of a raw query, keeping the order
// and the encoding of everything else.
func redactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		name, _, hasValue := strings.Cut(p, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if hasValue && config.SecretParam(name) {
			parts[i] = p[:strings.Index(p, "=")+1] + mask
		}
	}
	return strings.Join(parts, "&")
}

// scrub masks every secret of u in s.
func scrub(s string, u *url.URL) string {
	return bsd.NewRedactor(config.URLSecrets(u)...).Redact(s)
}
