// Command testingreport renders TESTING.md for scripts/testing-report.sh.
//
//	testingreport -units
//
// prints the unit tests to count, one "PACKAGE<TAB>RUN-PATTERN" a line;
//
//	testingreport -entries FILE -tests FILE -fuzz FILE -command CMD
//
// reads the tallies the reliability tests appended (JSON lines), the
// `go test -json` output of the unit tests and the fuzz runs (tab-separated)
// and prints the markdown.
package main
