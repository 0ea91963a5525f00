//go:build race

package lsp_test

// Under the race detector, the server under test is built with it too.
func init() { buildFlags = append(buildFlags, "-race") }
