package netnstest

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// Do runs f on an OS thread that has entered the namespace. Sockets f
// opens belong to the namespace for their whole life and may be used from
// any goroutine afterwards. f must not start goroutines that open sockets:
// those run on other threads, outside the namespace.
func (ns *NS) Do(f func() error) error {
	errc := make(chan error, 1)
	go func() {
		// The thread stays locked to this goroutine and dies with it, so
		// no other goroutine is ever scheduled on a thread in the
		// namespace and nothing needs to switch back.
		runtime.LockOSThread()
		fd, err := unix.Open(runDir+"/"+ns.Name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- fmt.Errorf("%s: open: %w", ns.Name, err)
			return
		}
		err = unix.Setns(fd, unix.CLONE_NEWNET)
		unix.Close(fd)
		if err != nil {
			errc <- fmt.Errorf("%s: setns: %w", ns.Name, err)
			return
		}
		errc <- f()
	}()
	return <-errc
}
