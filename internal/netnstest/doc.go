// Package netnstest builds throw-away Linux network namespaces for tests:
// namespaces, veth pairs between them, addresses, sysctls, and a way to run
// Go code inside one (a socket opened there stays there, whichever thread
// later reads or writes it).
//
// Everything a test creates is named after the test process
// ("gt-PID-N"), so parallel tests and parallel packages never collide, and
// is deleted in t.Cleanup, also when the test fails. Namespaces left behind
// by a test binary that was killed are swept the next time one is made.
//
// The helpers need root and iproute2's ip(8). Require skips a test when
// the process is not root and the environment variable CI is empty; under
// CI a missing privilege or tool is a failure, never a skip.
package netnstest
