package netns

import (
	"errors"
	"os"
	"sort"
	"strings"
)

// List returns the names of this package's namespaces that exist now,
// live owners' and dead ones'.
func List() ([]string, error) {
	ents, err := os.ReadDir(runDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), Prefix) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// Sweep removes the namespaces, and the processes inside them, whose owner
// process is gone, and returns their names. Namespaces of live owners,
// this process's included, are left alone.
func Sweep() ([]string, error) {
	names, err := List()
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, name := range names {
		o, ok := parseName(name)
		if !ok || o.alive() {
			continue
		}
		if err := remove(&Namespace{Name: name}); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, name)
	}
	return removed, errors.Join(errs...)
}
