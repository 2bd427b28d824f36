package main

import (
	"fmt"
	"os"

	"github.com/gifctl/gifctl/internal/sim"
	"github.com/gifctl/gifctl/internal/sim/gifsim"
	"github.com/gifctl/gifctl/internal/sim/scenario"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "demo" {
		exe, err := os.Executable()
		if err != nil {
			fmt.Fprintf(os.Stderr, "gifsim: %v\n", err)
			os.Exit(1)
		}
		// The demo runs this binary for the stand-ins, the gifs and the
		// broker: gifsim.Main below.
		os.Exit(scenario.Demo(args[1:], sim.Program{Path: exe}, os.Stdout, os.Stderr))
	}
	os.Exit(gifsim.Main(args, os.Stdout, os.Stderr))
}
