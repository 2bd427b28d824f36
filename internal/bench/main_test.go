package bench

import (
	"os"
	"testing"
)

// TestMain lets the test binary be the RSS helper, as benchgifctl is.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == RSSHelperArg {
		os.Exit(RSSHelper(os.Args[2:]))
	}
	os.Exit(m.Run())
}
