// Package faults collects what the reliability tests tried and what held,
// and renders it as the tables of TESTING.md.
//
// A test calls Track once per kind of fault or bad input and Add for each
// try; when the test ends, the tally is appended as one JSON line to the
// file named by the environment variable GIFCTL_TESTING_REPORT, with the
// test's verdict. Without that variable nothing is written, so the tests
// run the same under plain `go test`. `make testing-report` sets it, runs
// the tests and the fuzz targets, and hands everything to Render (through
// cmd/testingreport): every figure in TESTING.md comes from a run.
//
// The fuzz targets here check what the parsers' own fuzz targets leave
// out: that every error they return is one printable line.
package faults
