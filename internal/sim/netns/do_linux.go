package netns

import (
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// Do runs f on an OS thread that has entered the namespace. Sockets f opens
// belong to the namespace for good, whichever thread later uses them; other
// goroutines are unaffected. If the thread cannot return to its own
// namespace it is left locked, so Go retires it instead of reusing it.
func (n *Namespace) Do(f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("%s: %w", n.Name, err)
			return
		}
		defer orig.Close()
		target, err := os.Open(n.path())
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("%s: %w", n.Name, err)
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("%s: setns: %w", n.Name, err)
			return
		}
		ferr := f()
		if unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		errc <- ferr
	}()
	return <-errc
}

// Sysctl writes value to /proc/sys/KEY (dots become slashes) inside the
// namespace: the net.* tree there is per namespace.
func (n *Namespace) Sysctl(key, value string) error {
	path := "/proc/sys/" + dotsToSlashes(key)
	return n.Do(func() error {
		if err := os.WriteFile(path, []byte(value+"\n"), 0o644); err != nil {
			return fmt.Errorf("%s: sysctl %s=%s: %w", n.Name, key, value, err)
		}
		return nil
	})
}
