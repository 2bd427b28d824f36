package broker

import (
	"net/url"
	"strings"
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

// secretParam says whether a query parameter's value is a secret.
func secretParam(name string) bool {
	name = strings.ToLower(name)
	for _, word := range []string{"pass", "key", "token", "secret"} {
		if strings.Contains(name, word) {
			return true
		}
	}
	return false
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
		if hasValue && secretParam(name) {
			parts[i] = p[:strings.Index(p, "=")+1] + mask
		}
	}
	return strings.Join(parts, "&")
}

// secrets lists the secret strings of u, raw and decoded, so messages can be
// scrubbed of them whatever put them there.
func secrets(u *url.URL) []string {
	var out []string
	add := func(s string) {
		if len(s) >= 3 { // a shorter "secret" would mask innocent text
			out = append(out, s)
		}
	}
	if u == nil {
		return nil
	}
	if pw, ok := u.User.Password(); ok {
		add(pw)
		add(url.PathEscape(pw))
		add(url.QueryEscape(pw))
	}
	for _, p := range strings.Split(u.RawQuery, "&") {
		name, value, ok := strings.Cut(p, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if !ok || !secretParam(name) {
			continue
		}
		add(value)
		if v, err := url.QueryUnescape(value); err == nil {
			add(v)
		}
	}
	return out
}

// scrub replaces every secret of u in s by the mask.
func scrub(s string, u *url.URL) string {
	for _, secret := range secrets(u) {
		s = strings.ReplaceAll(s, secret, mask)
	}
	return s
}
