package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Parse reads a gifctl.conf(5). name is the file's name for messages; an
// error is a *parseError reading "NAME:LINE: message", the first mistake
// in the file.
func Parse(name string, data []byte) (*Config, error) {
	toks, err := lex(name, data)
	if err != nil {
		return nil, err
	}
	p := &parser{
		name: name,
		toks: toks,
		cfg: &Config{
			File:        name,
			HostnameDir: defaultHostnameDir,
			StateDir:    defaultStateDir,
			Netstart:    defaultNetstart,
			Pfctl:       defaultPfctl,
			Ifconfig:    defaultIfconfig,
			CAFile:      defaultCAFile,
		},
		setLines: make(map[string]int),
	}
	if err := p.file(); err != nil {
		return nil, err
	}
	return p.cfg, nil
}

type parser struct {
	name     string
	toks     []token
	pos      int
	cfg      *Config
	setLines map[string]int // set option -> line it was set on
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF { // EOF stays put, so reading past it is harmless
		p.pos++
	}
	return t
}

func (p *parser) errorf(line int, format string, args ...any) error {
	return &parseError{p.name, line, fmt.Sprintf(format, args...)}
}

// at puts a value checker's error at a line.
func (p *parser) at(line int, err error) error {
	var pe *parseError
	if err == nil || errors.As(err, &pe) {
		return err
	}
	return &parseError{p.name, line, err.Error()}
}

// file is the top level: set statements and check and tunnel blocks.
func (p *parser) file() error {
	for {
		t := p.next()
		switch t.kind {
		case tokEOF:
			if len(p.cfg.Tunnels) == 0 {
				return p.errorf(t.line, "no tunnel block; see gifctl.conf(5)")
			}
			return nil
		case tokEOS:
			continue
		case tokWord:
			if err := p.statement(t); err != nil {
				return err
			}
		case tokClose:
			return p.errorf(t.line, `unexpected "}" outside a block`)
		default:
			return p.errorf(t.line, "expected a keyword, found %s", describe(t))
		}
	}
}

func (p *parser) statement(kw token) error {
	switch kw.text {
	case "set":
		return p.set(kw)
	case "check":
		return p.check(kw)
	case "tunnel":
		return p.tunnel(kw)
	}
	return p.unknown(kw, "")
}

// values takes the words and strings that follow a keyword.
func (p *parser) values() []token {
	start := p.pos
	for k := p.peek().kind; k == tokWord || k == tokString; k = p.peek().kind {
		p.pos++
	}
	return p.toks[start:p.pos]
}

// endStatement takes the end of a top-level statement: a newline, ';' or
// the end of the file.
func (p *parser) endStatement(what string) error {
	switch t := p.peek(); t.kind {
	case tokEOS:
		p.next()
		return nil
	case tokEOF:
		return nil
	default:
		return p.errorf(t.line, "%s: unexpected %s", what, describe(t))
	}
}

func (p *parser) set(kw token) error {
	vs := p.values()
	if err := p.endStatement("set"); err != nil {
		return err
	}
	if len(vs) == 0 {
		return p.errorf(kw.line, "set: missing option")
	}
	opt := vs[0]
	if opt.kind != tokWord {
		return p.errorf(opt.line, "set: expected an option, found %s", describe(opt))
	}
	field := p.setField(opt.text)
	if field == nil {
		msg := "set: unknown option " + quoteShort(opt.text)
		if s := suggest(opt.text, setOptions); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		return p.errorf(opt.line, "%s", msg)
	}
	switch {
	case len(vs) == 1:
		return p.errorf(kw.line, "%s: missing value", opt.text)
	case len(vs) > 2:
		return p.errorf(kw.line, "%s: one value only", opt.text)
	}
	if first, ok := p.setLines[opt.text]; ok {
		return p.errorf(kw.line, "%s: already set on line %d", opt.text, first)
	}
	p.setLines[opt.text] = kw.line
	path, err := parsePath(opt.text, vs[1].text)
	if err != nil {
		return p.at(kw.line, err)
	}
	*field = path
	return nil
}

// setField is where a set option goes in the Config, nil if unknown.
func (p *parser) setField(opt string) *string {
	c := p.cfg
	return map[string]*string{
		"hostname-dir": &c.HostnameDir, "state-dir": &c.StateDir, "netstart": &c.Netstart,
		"pfctl": &c.Pfctl, "ifconfig": &c.Ifconfig, "pf-conf": &c.PfConf, "ca-file": &c.CAFile,
	}[opt]
}

// header takes the value of a block's header ("tunnel gif0", "check
// ipv4") and the "{" after it, which may stand on the next line.
func (p *parser) header(kw token, what string) (token, error) {
	vs := p.values()
	if len(vs) == 0 {
		return token{}, p.errorf(kw.line, "%s: missing %s", kw.text, what)
	}
	if len(vs) > 1 {
		return token{}, p.errorf(vs[1].line, "%s %s: expected \"{\", found %s", kw.text, quoteIfOdd(vs[0].text), describe(vs[1]))
	}
	for p.peek().kind == tokEOS {
		p.next()
	}
	if p.peek().kind != tokOpen {
		return token{}, p.errorf(kw.line, "%s %s: missing \"{\"", kw.text, quoteIfOdd(vs[0].text))
	}
	p.next()
	return vs[0], nil
}

// quoteIfOdd leaves a plain name as it is and quotes anything else.
func quoteIfOdd(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == "" {
		return s
	}
	return quoteShort(s)
}

// block reads statements up to the "}" of a block opened on line open,
// handing each keyword and its values to stmt.
func (p *parser) block(what string, open int, stmt func(kw token, vs []token) error) error {
	for {
		t := p.next()
		switch t.kind {
		case tokEOS:
			continue
		case tokClose:
			// What follows "}" on its line must end the statement too.
			switch n := p.peek(); n.kind {
			case tokEOS, tokEOF, tokClose:
				return nil
			default:
				return p.errorf(n.line, "unexpected %s after \"}\"", describe(n))
			}
		case tokEOF:
			return p.errorf(t.line, "%s: missing \"}\" at end of file (block opened on line %d)", what, open)
		case tokWord:
			if slices.Contains(topKeywords, t.text) {
				return p.errorf(t.line, "%s: missing \"}\" before %q (block opened on line %d)", what, t.text, open)
			}
			vs := p.values()
			switch n := p.peek(); n.kind {
			case tokEOS:
				p.next()
			case tokOpen:
				return p.errorf(n.line, "%s: unexpected \"{\"", quoteIfOdd(t.text))
			}
			if err := stmt(t, vs); err != nil {
				return err
			}
		default:
			return p.errorf(t.line, "expected a keyword, found %s", describe(t))
		}
	}
}

// once refuses a keyword given twice in a block.
func (p *parser) once(seen map[string]int, kw token) error {
	if first, ok := seen[kw.text]; ok {
		return p.errorf(kw.line, "%s: already given on line %d", kw.text, first)
	}
	seen[kw.text] = kw.line
	return nil
}

// one checks that a keyword has exactly one value and returns it.
func (p *parser) one(kw token, vs []token, what string) (string, error) {
	switch {
	case len(vs) == 0:
		return "", p.errorf(kw.line, "%s: missing %s", kw.text, what)
	case len(vs) > 1:
		return "", p.errorf(kw.line, "%s: one %s only", kw.text, what)
	}
	return vs[0].text, nil
}

// describe names a token for a message without quoting a string, which
// may be a secret.
func describe(t token) string {
	switch t.kind {
	case tokEOF:
		return "end of file"
	case tokEOS:
		if t.text == ";" {
			return `";"`
		}
		return "end of line"
	case tokString:
		return "a quoted string"
	case tokOpen:
		return `"{"`
	case tokClose:
		return `"}"`
	}
	return quoteShort(t.text)
}
