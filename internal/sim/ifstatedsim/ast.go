package ifstatedsim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// File is a parsed ifstated.conf(5), macros expanded.
type File struct {
	Name      string
	InitState string // init-state; "" means the first state
	InitLine  int
	// Global holds the run and if actions outside any state. ifstated
	// evaluates them at start-up and whenever one of their tests changes,
	// whatever the current state; their tests run in every state.
	Global []*Action
	States []*State
}

// State is a state NAME { } block.
type State struct {
	Name string
	Line int
	Init []*Action // the init blocks, run each time the state is entered
	Body []*Action // evaluated on entry (after Init) and on each event
}

// ActionKind tells a run from a set-state from an if.
type ActionKind int

// The action kinds.
const (
	Run ActionKind = iota + 1
	SetState
	If
)

// Action is one statement: run "cmd", set-state NAME, or if EXPR { ... }.
type Action struct {
	Kind    ActionKind
	Line    int
	Command string    // Run
	State   string    // SetState
	Cond    *Expr     // If
	Then    []*Action // If
}

// Op is the kind of an expression node.
type Op int

// The expression kinds. AND and OR have the same precedence in parse.y and
// group to the left: a || b && c is (a || b) && c. ! binds tighter.
const (
	Not Op = iota + 1
	And
	Or
	External // "cmd" every N
	Link     // ifname.link.up|down|unknown
)

// LinkCond is the state a link test asks about.
type LinkCond int

// The link conditions of IF.link.up, .down and .unknown.
const (
	LinkUp LinkCond = iota + 1
	LinkDown
	LinkUnknown
)

func (c LinkCond) String() string {
	switch c {
	case LinkUp:
		return "up"
	case LinkDown:
		return "down"
	case LinkUnknown:
		return "unknown"
	}
	return "?"
}

// Expr is a condition.
type Expr struct {
	Op   Op
	X, Y *Expr // Not: X; And, Or: X and Y

	Command string // External: run as sh -c Command
	Every   int64  // External: seconds between runs, 1..2^32-1

	Interface string   // Link
	Link      LinkCond // Link

	Line int

	seq int // parse order: ifstated keeps a state's tests in this order
}

// String prints e in ifstated.conf syntax, fully parenthesised.
func (e *Expr) String() string {
	switch e.Op {
	case Not:
		return "! " + e.X.String()
	case And:
		return "(" + e.X.String() + " && " + e.Y.String() + ")"
	case Or:
		return "(" + e.X.String() + " || " + e.Y.String() + ")"
	case External:
		return strconv.Quote(e.Command) + " every " + strconv.FormatInt(e.Every, 10)
	case Link:
		return e.Interface + ".link." + e.Link.String()
	}
	return "?"
}

// Lookup returns the state called name, or nil.
func (f *File) Lookup(name string) *State {
	for _, s := range f.States {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Start is the state ifstated starts in: init-state, else the first; nil
// when the file has no state.
func (f *File) Start() *State {
	if f.InitState != "" {
		return f.Lookup(f.InitState)
	}
	if len(f.States) == 0 {
		return nil
	}
	return f.States[0]
}

// StartExternals are the tests ifstated runs while in the start state:
// those outside any state and the start state's (Externals).
func (f *File) StartExternals() []*Expr {
	acts := f.Global
	if s := f.Start(); s != nil {
		acts = slices.Concat(acts, s.Init, s.Body)
	}
	return Externals(acts)
}

// Error is a parse error, printed as parse.y prints its own: FILE:LINE: msg.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// dump prints actions one a line, for tests and debugging.
func dump(b *strings.Builder, acts []*Action, indent string) {
	for _, a := range acts {
		switch a.Kind {
		case Run:
			fmt.Fprintf(b, "%srun %q\n", indent, a.Command)
		case SetState:
			fmt.Fprintf(b, "%sset-state %s\n", indent, a.State)
		case If:
			fmt.Fprintf(b, "%sif %s\n", indent, a.Cond)
			dump(b, a.Then, indent+"\t")
		}
	}
}

// String prints f in a canonical form: one statement a line, macros expanded.
func (f *File) String() string {
	var b strings.Builder
	if f.InitState != "" {
		fmt.Fprintf(&b, "init-state %s\n", f.InitState)
	}
	dump(&b, f.Global, "")
	for _, s := range f.States {
		fmt.Fprintf(&b, "state %s\n", s.Name)
		if len(s.Init) > 0 {
			b.WriteString("\tinit\n")
			dump(&b, s.Init, "\t\t")
		}
		dump(&b, s.Body, "\t")
	}
	return b.String()
}

// Externals returns the external tests in acts and in the actions nested
// in them, each command and interval once, in the order they appear (as
// ifstated keeps one test for each, parse.y new_external).
func Externals(acts ...[]*Action) []*Expr {
	var out []*Expr
	var expr func(e *Expr)
	expr = func(e *Expr) {
		if e == nil {
			return
		}
		if e.Op == External && !slices.ContainsFunc(out, func(o *Expr) bool {
			return o.Command == e.Command && o.Every == e.Every
		}) {
			out = append(out, e)
		}
		expr(e.X)
		expr(e.Y)
	}
	for _, as := range acts {
		for _, a := range flatten(as) {
			expr(a.Cond)
		}
	}
	return out
}

// flatten lists as and the actions nested in them, depth first.
func flatten(as []*Action) []*Action {
	var out []*Action
	for _, a := range as {
		out = append(out, a)
		out = append(out, flatten(a.Then)...)
	}
	return out
}
