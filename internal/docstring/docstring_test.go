package docstring_test

import (
	"strings"
	"testing"

	"github.com/blockcheck/blockcheck/internal/docstring"
)

func TestExtract(t *testing.T) {
	src := `// Package sleep defines an Analyzer.
//
// # Analyzer sleep
//
// sleep: report sleeps on a request path
//
// More text.
//
// # Other
//
// Not this.
package sleep
`
	got := docstring.Extract(src, "sleep")
	if want := "report sleeps on a request path\n\nMore text."; got != want {
		t.Errorf("Extract = %q, want %q", got, want)
	}
	if strings.Contains(got, "Not this") {
		t.Error("Extract ran into the next section")
	}
}
