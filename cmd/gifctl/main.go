package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/alecthomas/kong"

	"github.com/gifctl/gifctl/internal/broker"
)

// version is set by the Makefile with -ldflags "-X main.version=...".
var version = "dev"

// Exit statuses: the API ifstated reads.
const (
	exitOK     = 0 // done, consistent, a reply
	exitFailed = 1 // a step failed, or the check is false
	exitUsage  = 2 // bad usage or configuration
)

// exitError carries an exit status up to main, with a message or without
// one (a false check prints nothing unless -v).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// usageError makes err, unless nil, exit 2.
func usageError(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: exitUsage, err: err}
}

// checkFalse is a check whose answer is "no": exit 1, message already logged.
var checkFalse = &exitError{code: exitFailed}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// kongExit stands in for os.Exit while kong runs, so that --help ends run
// with a status instead of ending the process.
type kongExit int

// run is main without the process: parse args, run the command, map its
// error to an exit status.
func run(args []string, stdout, stderr io.Writer) (code int) {
	broker.Version = version // the User-Agent names it
	var cli CLI
	parser := kong.Must(&cli,
		kong.Name("gifctl"),
		kong.Description(description),
		kong.Writers(stdout, stderr),
		kong.Exit(func(c int) { panic(kongExit(c)) }),
		kong.Vars{"version": version},
		kong.ConfigureHelp(kong.HelpOptions{Compact: true, Summary: true}),
	)
	defer func() {
		switch r := recover().(type) {
		case nil:
		case kongExit:
			code = int(r)
		default:
			panic(r)
		}
	}()
	kctx, err := parser.Parse(args)
	a := newApp(&cli, stdout, stderr)
	defer a.close()
	if err != nil {
		// ifstated discards the output of what it runs: a mistyped
		// command in ifstated.conf must show in the log too.
		a.log.Errorf("%s", err)
		fmt.Fprintln(stderr, usageLine(err))
		return exitUsage
	}
	cmd := kctx.Selected().Target.Addr().Interface().(command)
	if _, ok := cmd.(*ConfigTestCmd); ok && !cli.NoAction {
		return a.exitStatus(usageError(errors.New("no command given; see gifctl --help")))
	}
	return a.exitStatus(a.runCommand(cmd))
}

// exitStatus logs err, if it says anything, and returns the status for it.
func (a *app) exitStatus(err error) int {
	if err == nil {
		return exitOK
	}
	code := exitFailed
	if ee := (*exitError)(nil); errors.As(err, &ee) {
		if ee.err == nil {
			return ee.code
		}
		code = ee.code
	}
	// One record per error errors.Join joined, never per line: a newline
	// inside one error is someone else's text (a certificate's name),
	// and the logger escapes it.
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok && errors.Join(j.Unwrap()...).Error() == err.Error() {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		a.log.Errorf("%s", e)
	}
	return code
}

// globalUsage is the synopsis of gifctl(8).
const globalUsage = "usage: gifctl [-nv] [-f file] check | restart | update | heartbeat | status | doctor | ifstated"

// usageLine is the one line a bad invocation gets, as OpenBSD tools print:
// the synopsis of the command that was being parsed, or of gifctl.
func usageLine(err error) string {
	var perr *kong.ParseError
	if errors.As(err, &perr) && perr.Context != nil {
		if node := perr.Context.Selected(); node != nil && !node.Hidden {
			return "usage: gifctl " + node.Summary()
		}
	}
	return globalUsage
}
