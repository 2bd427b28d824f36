package config

import (
	"errors"
	"regexp"
	"testing"

	"github.com/gifctl/gifctl/internal/exhaust"
)

// IsIfName replaced the regexp below; it must agree with it on every
// short string made of the bytes that matter.
func TestIsIfNameAgreesWithRegexp(t *testing.T) {
	want := regexp.MustCompile(`^[a-z]+[0-9]+$`)
	exhaust.Strings(exhaust.Bytes("az09AZ/ .-\x00\xff"), 4, func(s string) {
		if got := IsIfName(s); got != want.MatchString(s) {
			t.Errorf("IsIfName(%q) = %v, want %v", s, got, !got)
		}
	})
}

// urlErrReason drops what net/url quotes from the URL, which may be a
// password, and keeps the reason.
func TestURLErrReason(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`parse "https://u:secret@x": invalid port ":x" after host`, `parse : invalid port after host`},
		{`no quotes here`, `no quotes here`},
		{`"all quoted"`, `malformed`},
		{`a "b" c "d`, `a c "d`},
		{`net/url: invalid control character in URL`, `invalid control character in URL`},
	} {
		if got := urlErrReason(errors.New(tc.in)); got != tc.want {
			t.Errorf("urlErrReason(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
