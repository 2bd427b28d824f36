// Package doccheck holds tests, and only tests, that keep what an OpenBSD
// admin reads in step with what the code does: the man pages (man/), the
// samples (etc/), the Makefile's install target and the port
// (pkg/openbsd/net/gifctl).
//
// The tests read the command line from cmd/gifctl's source (a main package
// cannot be imported), cross-checked against the built program's --help;
// the keywords from config.Keywords; the procedure that installs the
// generated ifstated.conf from ifstated.Install. A man page is read the way
// mandoc reads mdoc, as far as these checks need: macro lines, their
// callable macros, lists and literal displays. Every example in a page and
// every sample is parsed by the project's own parsers.
//
// The tests need mandoc(1), make(1) and bmake(1); without them they skip,
// unless the environment variable CI is set.
package doccheck
