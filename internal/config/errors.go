package config

import "fmt"

// parseError is a mistake in a gifctl.conf, at a line. Its text is
// "NAME:LINE: message", the form OpenBSD's parsers use, so an editor can
// jump to it. Messages never carry a secret from the file: the parts of
// the text they quote are keywords, names, addresses and paths, always
// through %q so that no control character reaches a terminal or syslog.
type parseError struct {
	File string // the name given to Parse
	Line int    // 1-based
	Msg  string
}

func (e *parseError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// quoteShort quotes text from the file for a message, cut short so that a
// stray megabyte-long word does not become a megabyte-long error.
func quoteShort(s string) string {
	const max = 40
	if len(s) > max {
		return fmt.Sprintf("%q...", s[:max])
	}
	return fmt.Sprintf("%q", s)
}
