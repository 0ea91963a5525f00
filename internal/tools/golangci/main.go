// Command golangci-lint-blockcheck is golangci-lint v2 with the blockcheck module plugin built in: the same
// binary that golangci-lint custom builds from .golangci-plugin.yml, built from the Go module proxy alone
// (golangci-lint custom clones golangci-lint from GitHub). Build it with make golangci.
package main

import (
	"cmp"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/golangci/golangci-lint/v2/pkg/commands"
	"github.com/golangci/golangci-lint/v2/pkg/exitcodes"

	_ "github.com/blockcheck/blockcheck/analyzers/golangci"
)

func main() {
	info := commands.BuildInfo{Version: "(devel)", Commit: "?", Date: "?"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range bi.Deps {
			if dep.Path == "github.com/golangci/golangci-lint/v2" {
				info.Version = dep.Version + "-custom-blockcheck"
			}
		}
		info.GoVersion = bi.GoVersion
	}
	info.Version = cmp.Or(info.Version, "(devel)")
	if err := commands.Execute(info); err != nil {
		fmt.Fprintf(os.Stderr, "Failed executing command with error: %v\n", err)
		os.Exit(exitcodes.Failure)
	}
}
