package whole

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"testing"
)

// TestWithoutTables checks which package-level initializers count as tables of plain data, and that the
// type information given is left as it was.
func TestWithoutTables(t *testing.T) {
	list := func(elem string, n int) string {
		return strings.TrimSuffix(strings.Repeat(elem+", ", n), ", ")
	}
	src := fmt.Sprintf(`package p

import "net/http"

type word struct{ len, idx uint16 }
type node struct{ next *node }

var bytesTable = []byte{%s}
var wordTable = [...]word{%s}
var nested = [][2]int{%s}
var strs = []string{%s}
var small = []byte{1, 2, 3}
var withCall = []int{%s, len("x")}
var withFunc = []func(){%s}
var pointers = []*node{%s}
var handlers = []http.HandlerFunc{%s}
var lookup = map[int]int{%s}
var scalar = 5
`, list("1", 100), list("{1, 2}", 40), list("{1, 2}", 40), list(`"a"`, 70), list("1", 100), list("nil", 100),
		list("nil", 100), list("nil", 100), list("1: 1", 1)+", "+list("2: 2", 1))
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}}
	if _, err := (&types.Config{Importer: importer.Default()}).Check("p", fset, []*ast.File{f}, info); err != nil {
		t.Fatal(err)
	}
	names := func(inits []*types.Initializer) []string {
		var out []string
		for _, i := range inits {
			out = append(out, i.Lhs[0].Name())
		}
		slices.Sort(out)
		return out
	}
	before := names(info.InitOrder)
	got := names(withoutTables(info).InitOrder)
	want := []string{"handlers", "lookup", "pointers", "scalar", "small", "withCall", "withFunc"}
	if !slices.Equal(got, want) {
		t.Errorf("initializers kept: %v, want %v", got, want)
	}
	if after := names(info.InitOrder); !slices.Equal(after, before) {
		t.Errorf("the type information was modified: %v, was %v", after, before)
	}
	if len(before) != 11 {
		t.Errorf("%d initializers in all, want 11", len(before))
	}
}
