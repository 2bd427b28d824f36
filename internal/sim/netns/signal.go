package netns

import (
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// live holds the Labs not yet closed, so SIGINT and SIGTERM can tear them
// all down before the process dies. The handler is installed while at
// least one Lab lives and removed after the last closes, restoring the
// default behaviour.
var live struct {
	sync.Mutex
	labs   map[*Lab]bool
	sig    chan os.Signal
	before []func()
	hooks  []func()
}

// BeforeTeardown registers f to run when SIGINT or SIGTERM arrives, before
// the Labs are torn down: for what keeps starting processes in them (an
// ifstated machine running its tests), which must stop first or a process
// it starts after the teardown's sweep outlives the network. Hooks run in
// the order of registration.
func BeforeTeardown(f func()) {
	live.Lock()
	defer live.Unlock()
	live.before = append(live.before, f)
}

// AtSignal registers f to run when SIGINT or SIGTERM tears the Labs down,
// after the teardown and before the process exits: for what a program made
// besides the Labs (a temporary directory, say). Hooks run in the reverse
// order of registration.
func AtSignal(f func()) {
	live.Lock()
	defer live.Unlock()
	live.hooks = append(live.hooks, f)
}

func register(l *Lab) {
	live.Lock()
	defer live.Unlock()
	if live.labs == nil {
		live.labs = make(map[*Lab]bool)
	}
	if len(live.labs) == 0 {
		live.sig = make(chan os.Signal, 1)
		signal.Notify(live.sig, syscall.SIGINT, syscall.SIGTERM)
		go onSignal(live.sig)
	}
	live.labs[l] = true
}

func unregister(l *Lab) {
	live.Lock()
	defer live.Unlock()
	if !live.labs[l] {
		return
	}
	delete(live.labs, l)
	if len(live.labs) == 0 {
		signal.Stop(live.sig)
		close(live.sig)
	}
}

func onSignal(c chan os.Signal) {
	s, ok := <-c
	if !ok {
		return
	}
	live.Lock()
	labs := make([]*Lab, 0, len(live.labs))
	for l := range live.labs {
		labs = append(labs, l)
	}
	before, hooks := live.before, live.hooks
	live.Unlock()
	for _, f := range before {
		f()
	}
	code := 0
	for _, l := range labs {
		if err := l.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "netns: teardown after %v: %v\n", s, err)
			code = 1
		}
	}
	for i := len(hooks) - 1; i >= 0; i-- {
		hooks[i]()
	}
	fmt.Fprintf(os.Stderr, "netns: %v: test network torn down\n", s)
	if code == 0 {
		code = 128 + int(s.(syscall.Signal))
	}
	os.Exit(code)
}
