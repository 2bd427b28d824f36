package bsd

import (
	"fmt"
	"io"
	"log/syslog"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// prog is the name in front of every stderr line and the syslog tag.
const prog = "gifctl"

// syslogger is the part of *syslog.Writer the Logger uses.
type syslogger interface {
	Err(m string) error
	Warning(m string) error
	Info(m string) error
	Debug(m string) error
}

// Logger writes err(3)-style lines, "gifctl: em0: no IPv4 address", to
// Stderr and, after OpenSyslog, to syslog (daemon, tag gifctl), where an
// admin sees why a restart failed: ifstated(8) drops its commands' output.
// Lines are redacted, clipped and made printable; it is concurrency-safe.
type Logger struct {
	Stderr  io.Writer // every level; nil discards
	Syslog  syslogger // nil: stderr only
	Verbose bool      // Debugf writes only when set

	mu       sync.Mutex
	redactor Redactor
}

// OpenSyslog connects to syslogd (/dev/log), before Plan.Apply; after it
// only plans with needSyslog reconnect. On error the Logger keeps stderr only.
func (l *Logger) OpenSyslog() error { return l.openSyslog("", "") }

// openSyslog dials as syslog.Dial does; tests give a socket of their own.
func (l *Logger) openSyslog(network, raddr string) error {
	_, _ = time.Now().Zone() // load /etc/localtime now, before unveil hides it
	w, err := syslog.Dial(network, raddr, syslog.LOG_DAEMON|syslog.LOG_INFO, prog)
	if err != nil {
		return fmt.Errorf("syslog: %w", err)
	}
	l.mu.Lock()
	l.Syslog = w
	l.mu.Unlock()
	return nil
}

// Close closes the syslog connection, if it is an io.Closer.
func (l *Logger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.Syslog.(io.Closer)
	l.Syslog = nil
	if ok {
		return c.Close()
	}
	return nil
}

// AddSecrets adds strings never to write (passwords): each becomes "*****".
func (l *Logger) AddSecrets(secrets ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.redactor.Add(secrets...)
}

// Errorf logs a failure (syslog severity err).
func (l *Logger) Errorf(format string, args ...any) { l.log(syslogger.Err, format, args...) }

// Warnf logs what works but deserves attention, such as CGNAT (warning).
func (l *Logger) Warnf(format string, args ...any) { l.log(syslogger.Warning, format, args...) }

// Infof logs what was done, such as the broker's answer (info).
func (l *Logger) Infof(format string, args ...any) { l.log(syslogger.Info, format, args...) }

// Debugf logs details, only when Verbose (debug).
func (l *Logger) Debugf(format string, args ...any) {
	if l.Verbose {
		l.log(syslogger.Debug, format, args...)
	}
}

// log writes one line to stderr and, with severity send, to syslog.
func (l *Logger) log(send func(syslogger, string) error, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	msg := strings.TrimRight(fmt.Sprintf(format, args...), "\n")
	msg = printable(clipLongWords(l.redactor.Redact(msg))) // redact first: a clipped secret would not match
	if l.Stderr != nil {
		_, _ = io.WriteString(l.Stderr, prog+": "+msg+"\n") // failing, must not stop syslog
	}
	// log/syslog redials /dev/log after a failed write (syslogd restarted),
	// which kills the process without the promise unix; plans without it
	// are interactive, stderr is enough. Errors have nowhere to go.
	if l.Syslog != nil && checkPledged("syslog", "unix") == nil {
		_ = send(l.Syslog, msg)
	}
}

// printable makes s one printable line with strconv.Quote's escapes (\n, \x1b,
// \xff), " and \ left as they are: in others' text (a broker's answer, a file)
// a newline would forge a record, an ESC rewrite the admin's terminal.
func printable(s string) string {
	q := strconv.Quote(s)
	return unquote.Replace(q[1 : len(q)-1])
}

var unquote = strings.NewReplacer(`\"`, `"`, `\\`, `\`)

// maxWord is the longest word a log line keeps whole: real paths and values
// are shorter (PATH_MAX and gifctl.conf's limit are 1024); a longer one is
// input echoed back, whose screenful would hide the message.
const maxWord = 256

var word = regexp.MustCompile(`[^ \t\n]+`)

// clipLongWords cuts each word over maxWord to "start...[N bytes]...end".
func clipLongWords(s string) string {
	return word.ReplaceAllStringFunc(s, func(w string) string {
		if len(w) <= maxWord {
			return w
		}
		head, tail := 48, len(w)-16
		for !utf8.RuneStart(w[head]) {
			head--
		}
		for !utf8.RuneStart(w[tail]) {
			tail--
		}
		return fmt.Sprintf("%s...[%d bytes]...%s", w[:head], len(w), w[tail:])
	})
}

// Redactor replaces secrets in text with "*****", a last line of defense:
// code is meant never to format a secret. The zero value redacts nothing.
type Redactor struct {
	secrets  []string
	replacer *strings.Replacer
}

// NewRedactor returns a Redactor for secrets.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// Add adds secrets, also as url.URL.String and url.Values.Encode write them.
func (r *Redactor) Add(secrets ...string) {
	for _, s := range secrets {
		if s != "" {
			r.secrets = append(r.secrets, s, url.QueryEscape(s), url.PathEscape(s),
				strings.TrimPrefix(url.UserPassword("", s).String(), ":"))
		}
	}
	// Longest first: strings.Replacer tries them in order, so one containing
	// another goes whole.
	slices.SortFunc(r.secrets, func(a, b string) int { return len(b) - len(a) })
	var pairs []string
	for _, s := range r.secrets {
		pairs = append(pairs, s, "*****")
	}
	r.replacer = strings.NewReplacer(pairs...)
}

// Redact returns s with every secret replaced by "*****".
func (r *Redactor) Redact(s string) string {
	if r == nil || r.replacer == nil {
		return s
	}
	return r.replacer.Replace(s)
}
