package whole

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOwnBodiesParsedAgain checks that a standalone run, which cuts the bodies of the user's functions before the
// call graph and parses a file again when a finding needs its syntax, reports what a Session, which keeps them,
// does: the same extents and fixes, from the overlay's source where a file has one (an unsaved edit moving every
// position after it).
func TestOwnBodiesParsedAgain(t *testing.T) {
	fixesCfg := sessionConfig(t, "../../testdata/stdlib")
	fixesCfg.Patterns = []string{"./fixes"}

	dir, svcCfg := copyModule(t, "service")
	mail := filepath.Join(dir, "internal", "mail", "mail.go")
	orig, err := os.ReadFile(mail)
	if err != nil {
		t.Fatal(err)
	}
	sleep := strings.Replace(string(orig), "\tmsg := []byte(", "\ttime.Sleep(time.Second)\n\tmsg := []byte(", 1)
	sleep = strings.Replace(sleep, `import "net/smtp"`, "import (\n\t\"net/smtp\"\n\t\"time\"\n)", 1)
	svcCfg.Overlay = map[string][]byte{mail: []byte(sleep)}

	for _, c := range []struct {
		name string
		cfg  *Config
		has  string // in the rendered result
	}{
		{"fixes", fixesCfg, `"new": "r.Context()"`},
		{"overlay", svcCfg, `"end": "` + mail + `:14:25"`}, // the sleep the overlay adds
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			res, err := Run(ctx, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := render(t, res)
			kept, err := NewSession(c.cfg).Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := render(t, kept); got != want {
				t.Errorf("the standalone run differs from a Session's:\n%s", lineDiff(want, got))
			}
			if !strings.Contains(got, c.has) {
				t.Errorf("want %s in the result:\n%s", c.has, got)
			}
		})
	}
}

// TestDeclaresGeneric checks the syntactic test of a generic function or method of a generic type.
func TestDeclaresGeneric(t *testing.T) {
	for src, want := range map[string]bool{
		"func F() {}":             false,
		"func F[T any]() {}":      true,
		"func (t T) M() {}":       false,
		"func (t *T) M() {}":      false,
		"func (t G[P]) M() {}":    true,
		"func (t *G[P]) M() {}":   true,
		"func (t *(G[P])) M() {}": true,
		"func (t H[P, Q]) M() {}": true,
		"func (*H[_, _]) M() {}":  true,
	} {
		f, err := parser.ParseFile(token.NewFileSet(), "p.go", "package p\n"+src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		fd := f.Decls[0].(*ast.FuncDecl)
		if got := declaresGeneric(fd); got != want {
			t.Errorf("%s: declaresGeneric = %v, want %v", src, got, want)
		}
	}
}
