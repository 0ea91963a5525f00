package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/blockcheck/blockcheck/rules"
)

// TestUpToDate checks that every analyzer's doc.go is what go generate makes of its page in docs/analyzers.
func TestUpToDate(t *testing.T) {
	for _, name := range rules.Analyzers {
		page, err := os.ReadFile(filepath.Join("..", "..", "docs", "analyzers", name+".md"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := Generate(name, page)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := os.ReadFile(filepath.Join("..", "..", "analyzers", name, "doc.go"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("analyzers/%s/doc.go is not generated from docs/analyzers/%s.md: run go generate ./analyzers/...", name, name)
		}
	}
}
