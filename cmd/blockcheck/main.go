// Command blockcheck finds operations that block HTTP handlers without bound: sleeps, calls that ignore the
// request's context, clients and servers without deadlines, goroutines spawned per request, and channel waits
// that never look at ctx.Done(). Run it standalone (blockcheck ./...) or under go vet
// (go vet -vettool=$(command -v blockcheck) ./...), or as a language server beside gopls (blockcheck lsp).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/blockcheck/blockcheck/analyzers"
	"github.com/blockcheck/blockcheck/internal/cli"
	"github.com/blockcheck/blockcheck/internal/lsp"
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
		startHeap(64 << 20)
		unitchecker.Main(analyzers.Vet...)
	}
	if len(os.Args) == 2 && os.Args[1] == "lsp" {
		os.Exit(lsp.Serve(context.Background(), stdio{}, analyzers.All, lsp.Options{Version: cli.Version, Log: os.Stderr}))
	}
	capHeadroom(640 << 20)
	os.Exit(cli.Run(os.Args[1:], analyzers.All, os.Stdout, os.Stderr))
}

// stdio is the language server's connection: requests on stdin, responses on stdout.
type stdio struct{}

func (stdio) Read(p []byte) (int, error)  { return os.Stdin.Read(p) }
func (stdio) Write(p []byte) (int, error) { return os.Stdout.Write(p) }
func (stdio) Close() error {
	return errors.Join(os.Stdin.Close(), os.Stdout.Close())
}
