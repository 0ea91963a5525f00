// Command blockcheck finds operations that block HTTP handlers without bound: sleeps, calls that ignore the
// request's context, clients and servers without deadlines, goroutines spawned per request, and channel waits
// that never look at ctx.Done(). Run it standalone (blockcheck ./...) or under go vet
// (go vet -vettool=$(command -v blockcheck) ./...).
package main

import (
	"os"

	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/blockcheck/blockcheck/analyzers"
	"github.com/blockcheck/blockcheck/internal/cli"
)

func main() {
	if cli.IsVetInvocation(os.Args[1:]) {
		unitchecker.Main(analyzers.Modular...)
	}
	os.Exit(cli.Run(os.Args[1:], analyzers.All, os.Stdout, os.Stderr))
}
