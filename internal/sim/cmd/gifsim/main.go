package main

import (
	"os"

	"github.com/gifctl/gifctl/internal/sim/gifsim"
)

func main() {
	os.Exit(gifsim.Main(os.Args[1:], os.Stdout, os.Stderr))
}
