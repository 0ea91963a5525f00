// Command blockcheck finds operations that block HTTP handlers without bound: sleeps, calls that ignore the
// request's context, clients and servers without deadlines, goroutines spawned per request, and channel waits
// that never look at ctx.Done(). Run it standalone (blockcheck ./...) or under go vet
// (go vet -vettool=$(command -v blockcheck) ./...).
package main

import (
	"fmt"
	"os"

	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/blockcheck/blockcheck/analyzers"
	"github.com/blockcheck/blockcheck/internal/cli"
)

func main() {
	if ok, err := printToolID(os.Args[1:]); ok {
		if err != nil {
			fmt.Fprintf(os.Stderr, "blockcheck: %v\n", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if cli.IsVetInvocation(os.Args[1:]) {
		unitchecker.Main(analyzers.Vet...)
	}
	os.Exit(cli.Run(os.Args[1:], analyzers.All, os.Stdout, os.Stderr))
}
