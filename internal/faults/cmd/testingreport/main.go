package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/gifctl/gifctl/internal/faults"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "testingreport:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("testingreport", flag.ContinueOnError)
	units := fs.Bool("units", false, "print the unit tests to run and exit")
	entriesFile := fs.String("entries", "", "tallies of the reliability tests (JSON lines)")
	testsFile := fs.String("tests", "", "go test -json output of the unit tests")
	fuzzFile := fs.String("fuzz", "", "fuzz runs (tab-separated)")
	command := fs.String("command", "make testing-report", "the command that produced the figures")
	commit := fs.String("commit", "", "the tested tree's commit (git describe --always --dirty)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *units {
		for _, u := range faults.Units {
			fmt.Fprintf(stdout, "%s\t%s\n", u.Package, u.Run)
		}
		return nil
	}
	var entries []faults.Entry
	if err := readFile(*entriesFile, func(r io.Reader) (err error) { entries, err = faults.ReadEntries(r); return err }); err != nil {
		return err
	}
	var results []faults.UnitResult
	if err := readFile(*testsFile, func(r io.Reader) (err error) { results, err = faults.CountUnits(r, faults.Units); return err }); err != nil {
		return err
	}
	var fuzz []faults.FuzzRun
	if err := readFile(*fuzzFile, func(r io.Reader) (err error) { fuzz, err = faults.ReadFuzzRuns(r); return err }); err != nil {
		return err
	}
	m := faults.Meta{
		Command: *command,
		Commit:  *commit,
		Date:    time.Now().UTC().Format("2006-01-02"),
		Go:      fmt.Sprintf("%s %s/%s, %d CPUs", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU()),
	}
	return faults.Render(stdout, m, entries, results, fuzz)
}

// readFile calls read on the named file; "" is no file.
func readFile(name string, read func(io.Reader) error) error {
	if name == "" {
		return nil
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := read(f); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
