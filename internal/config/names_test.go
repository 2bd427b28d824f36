package config

import (
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

func TestWithoutQuotedAgreesWithRegexp(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`parse "https://u:secret@x": invalid port ":x" after host`, `parse : invalid port  after host`},
		{`no quotes here`, `no quotes here`},
		{`"all quoted"`, ``},
		{`a "b" c "d`, `a  c "d`},
	} {
		if got := withoutQuoted(tc.in); got != tc.want {
			t.Errorf("withoutQuoted(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	want := regexp.MustCompile(`"[^"]*"`)
	exhaust.Strings(exhaust.Bytes(`a"b `), 7, func(s string) {
		if got, exp := withoutQuoted(s), want.ReplaceAllString(s, ""); got != exp {
			t.Errorf("withoutQuoted(%q) = %q, the regexp gave %q", s, got, exp)
		}
	})
}
