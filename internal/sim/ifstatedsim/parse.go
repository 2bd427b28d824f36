package ifstatedsim

import (
	"errors"
	"math"
	"strings"
)

// Parse reads an ifstated.conf(5) by the grammar of OpenBSD's
// usr.sbin/ifstated/parse.y (v1.56) and checks what ifstated checks after
// parsing: every set-state names a state, init-state names a state.
//
// One difference: ifstated refuses a link test (em0.link.up) whose interface
// does not exist when the file is read; Parse accepts any name, so that a file
// can be checked on another machine.
//
// Errors read FILE:LINE: message, with parse.y's messages. Parsing stops at
// the first syntax error; the checks after parsing report every problem.
func Parse(name string, data []byte) (f *File, err error) {
	p := &parser{lex: newLexer(name, data), file: &File{Name: name}}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bail)
			if !ok {
				panic(r)
			}
			f, err = nil, b.err
		}
	}()
	p.grammar()
	if err := p.link(); err != nil {
		return nil, err
	}
	return p.file, nil
}

// bail carries the first error out of the recursive descent.
type bail struct{ err error }

type parser struct {
	lex     *lexer
	tok     token
	peeked  bool
	file    *File
	state   *State // the state being parsed; nil outside
	targets []*Action
	seq     int
}

func (p *parser) peek() token {
	if !p.peeked {
		p.tok = p.lex.lex()
		p.peeked = true
	}
	return p.tok
}

func (p *parser) next() token {
	t := p.peek()
	p.peeked = false
	return t
}

// fail stops at the error the lexer recorded, else at a syntax error at the
// token in hand, which is the line yacc reports.
func (p *parser) fail() {
	if p.lex.err != nil {
		panic(bail{p.lex.err})
	}
	panic(bail{&Error{File: p.file.Name, Line: p.peek().line, Msg: "syntax error"}})
}

func (p *parser) failAt(line int, msg string) {
	if p.lex.err != nil {
		panic(bail{p.lex.err})
	}
	panic(bail{&Error{File: p.file.Name, Line: line, Msg: msg}})
}

func (p *parser) isChar(c byte) bool {
	t := p.peek()
	return t.kind == tChar && t.c == c
}

func (p *parser) expectChar(c byte) {
	if !p.isChar(c) {
		p.fail()
	}
	p.next()
}

func (p *parser) expect(k tokKind) token {
	if p.peek().kind != k {
		p.fail()
	}
	return p.next()
}

func (p *parser) optnl() {
	for p.isChar('\n') {
		p.next()
	}
}

func (p *parser) nl() {
	p.expectChar('\n')
	p.optnl()
}

// grammar is the top level: blank lines, init-state, macros, actions and
// states, each ended by a newline (at the end of the file too).
func (p *parser) grammar() {
	for {
		t := p.peek()
		switch t.kind {
		case tEOF:
			if p.lex.err != nil {
				p.fail()
			}
			return
		case tChar:
			if t.c != '\n' {
				p.fail()
			}
			p.next()
			continue
		case tInitState:
			p.next()
			s := p.expect(tString)
			p.file.InitState, p.file.InitLine = s.s, s.line
		case tString:
			p.varset()
		case tRun, tSetState, tIf:
			p.file.Global = append(p.file.Global, p.action())
		case tState:
			p.stateBlock()
		default:
			p.fail()
		}
		p.expectChar('\n')
	}
}

// strings is parse.y's "string": one or more STRINGs joined by a space.
func (p *parser) strings() string {
	s := p.expect(tString).s
	for p.peek().kind == tString {
		s += " " + p.next().s
	}
	return s
}

// varset is NAME = VALUE. The macro exists from the next token on.
func (p *parser) varset() {
	name := p.next().s
	p.expectChar('=')
	val := p.strings()
	// yacc reduces, and parse.y checks the name, only before a newline.
	if !p.isChar('\n') {
		p.fail()
	}
	// parse.y looks for white space from the name's second byte on.
	if len(name) > 1 && strings.ContainsFunc(name[1:], func(r rune) bool { return r < 0x80 && isSpace(int(r)) }) {
		p.failAt(p.peek().line, "macro name cannot contain whitespace")
	}
	p.lex.macros[name] = val
}

func (p *parser) action() *Action {
	t := p.next()
	switch t.kind {
	case tRun:
		s := p.expect(tString)
		return &Action{Kind: Run, Line: t.line, Command: s.s}
	case tSetState:
		s := p.expect(tString)
		if p.state == nil {
			p.failAt(s.line, "set-state must be used inside 'if'")
		}
		a := &Action{Kind: SetState, Line: t.line, State: s.s}
		p.targets = append(p.targets, a)
		return a
	case tIf:
		cond := p.expr()
		return &Action{Kind: If, Line: t.line, Cond: cond, Then: p.actionBlock()}
	}
	p.peeked, p.tok = true, t // report the token itself
	p.fail()
	return nil
}

// actionBlock is { action NL ... } or a single action, after optional
// newlines. In braces each action needs its newline: { set-state a } on one
// line is a syntax error.
func (p *parser) actionBlock() []*Action {
	p.optnl()
	if !p.isChar('{') {
		return []*Action{p.action()}
	}
	p.next()
	p.optnl()
	var acts []*Action
	for {
		acts = append(acts, p.action())
		p.nl()
		if p.isChar('}') {
			p.next()
			return acts
		}
	}
}

func (p *parser) expr() *Expr {
	x := p.unary()
	for {
		t := p.peek()
		var op Op
		switch t.kind {
		case tAnd:
			op = And
		case tOr:
			op = Or
		default:
			return x
		}
		p.next()
		x = &Expr{Op: op, X: x, Y: p.unary(), Line: t.line}
	}
}

func (p *parser) unary() *Expr {
	if p.isChar('!') {
		t := p.next()
		return &Expr{Op: Not, X: p.unary(), Line: t.line}
	}
	return p.term()
}

func (p *parser) term() *Expr {
	if p.isChar('(') {
		p.next()
		e := p.expr()
		p.expectChar(')')
		return e
	}
	s := p.expect(tString)
	if p.peek().kind == tEvery {
		p.next()
		n := p.expect(tNumber)
		if n.n <= 0 || n.n > math.MaxUint32 {
			p.failAt(n.line, "invalid interval: "+n.String())
		}
		p.seq++
		return &Expr{Op: External, Command: s.s, Every: n.n, Line: s.line, seq: p.seq}
	}
	p.expectChar('.')
	p.expect(tLink)
	p.expectChar('.')
	var c LinkCond
	switch p.peek().kind {
	case tUp:
		c = LinkUp
	case tDown:
		c = LinkDown
	case tUnknown:
		c = LinkUnknown
	default:
		p.fail()
	}
	p.next()
	p.seq++
	return &Expr{Op: Link, Interface: s.s, Link: c, Line: s.line, seq: p.seq}
}

// stateBlock is state NAME { init ... and actions, each ended by newlines }.
func (p *parser) stateBlock() {
	t := p.next()
	name := p.strings()
	// The check runs when yacc reduces the name, before a newline or {.
	if !p.isChar('\n') && !p.isChar('{') {
		p.fail()
	}
	if p.file.Lookup(name) != nil {
		p.failAt(p.peek().line, "state "+name+" already exists")
	}
	s := &State{Name: name, Line: t.line}
	p.state = s
	p.optnl()
	p.expectChar('{')
	p.optnl()
	for {
		if p.peek().kind == tInit {
			p.next()
			s.Init = append(s.Init, p.actionBlock()...)
		} else {
			s.Body = append(s.Body, p.action())
		}
		p.nl()
		if p.isChar('}') {
			p.next()
			break
		}
	}
	p.file.States = append(p.file.States, s)
	p.state = nil
}

// link does what parse_config does after yyparse: every set-state must name
// a state (link_states), and so must init-state.
func (p *parser) link() error {
	var errs []error
	for _, a := range p.targets {
		if p.file.Lookup(a.State) == nil {
			errs = append(errs, &Error{File: p.file.Name, Line: a.Line, Msg: "state '" + a.State + "' not declared"})
		}
	}
	if p.file.InitState != "" && p.file.Lookup(p.file.InitState) == nil {
		errs = append(errs, &Error{File: p.file.Name, Line: p.file.InitLine, Msg: "invalid start state " + p.file.InitState})
	}
	return errors.Join(errs...)
}
