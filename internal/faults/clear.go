package faults

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unclear says what keeps msg from being a clear err(3)-style message,
// or "" when nothing does: a message must say something, in one line of
// printable valid UTF-8 (a syslog line or a terminal shows it as it is),
// start lowercase and end without a period.
func Unclear(msg string) string {
	switch {
	case strings.TrimSpace(msg) == "":
		return "empty message"
	case !utf8.ValidString(msg):
		return "invalid UTF-8"
	case strings.HasSuffix(msg, "."):
		return "ends with a period"
	}
	for _, r := range msg {
		if !unicode.IsPrint(r) {
			return fmt.Sprintf("holds the unprintable %U", r)
		}
	}
	if r, _ := utf8.DecodeRuneInString(msg); unicode.IsUpper(r) {
		return "starts with a capital letter"
	}
	return ""
}
