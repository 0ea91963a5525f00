package modular

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLocalFile checks that trimmed file names in related locations are mapped back to files on this machine: the
// main module's own files, a replace directive's directory, the vendor directory and the module cache (with its
// case escaping), and that a name found nowhere, or an absolute one, is kept.
func TestLocalFile(t *testing.T) {
	root := t.TempDir()
	cache := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return name
	}
	write(filepath.Join(root, "go.mod"), "module example.com/app\n\ngo 1.26\n\nrequire example.com/third v0.0.0\n\n"+
		"replace example.com/third => ./third\n")
	own := write(filepath.Join(root, "store", "store.go"), "package store\n")
	third := write(filepath.Join(root, "third", "t.go"), "package third\n")
	cached := write(filepath.Join(cache, "github.com", "!burnt!sushi", "toml@v1.2.0", "decode.go"), "package toml\n")

	l := &locals{module: "example.com/app", root: root, cache: cache, replace: map[string]string{}, memo: map[string]string{}}
	l.readGoMod()
	for name, want := range map[string]string{
		"example.com/app/store/store.go":              own,
		"example.com/third@v0.0.0/t.go":               third,
		"github.com/BurntSushi/toml@v1.2.0/decode.go": cached,
		"github.com/BurntSushi/toml@v1.3.0/decode.go": "github.com/BurntSushi/toml@v1.3.0/decode.go",
		"example.com/other/x.go":                      "example.com/other/x.go",
		own:                                           own,
	} {
		if got := l.find(name); got != want {
			t.Errorf("find(%q) = %q, want %q", name, got, want)
		}
	}

	// With a vendor directory, the vendored copy is the one go builds with.
	write(filepath.Join(root, "vendor", "modules.txt"), "# github.com/BurntSushi/toml v1.2.0\n")
	vendored := write(filepath.Join(root, "vendor", "github.com", "BurntSushi", "toml", "decode.go"), "package toml\n")
	l = &locals{module: "example.com/app", root: root, cache: cache, replace: map[string]string{}, memo: map[string]string{}}
	l.readGoMod()
	if got := l.find("github.com/BurntSushi/toml@v1.2.0/decode.go"); got != vendored {
		t.Errorf("vendored: find = %q, want %q", got, vendored)
	}
}
