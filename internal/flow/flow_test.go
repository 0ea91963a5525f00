package flow

import (
	"go/types"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestFullName checks that fullName is types.Func.FullName for every function and method of a few packages of
// the standard library with generic types, aliases, embedded interfaces and local types among them.
func TestFullName(t *testing.T) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedTypes | packages.NeedImports | packages.NeedDeps},
		"net/http", "database/sql", "sync/atomic", "iter", "slices", "os")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	check := func(f *types.Func) {
		n++
		if got, want := fullName(f), f.FullName(); got != want {
			t.Errorf("fullName = %q, FullName = %q", got, want)
		}
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		scope := p.Types.Scope()
		for _, name := range scope.Names() {
			switch obj := scope.Lookup(name).(type) {
			case *types.Func:
				check(obj)
			case *types.TypeName:
				if named, ok := obj.Type().(*types.Named); ok {
					for m := range named.Methods() {
						check(m)
					}
					if iface, ok := named.Underlying().(*types.Interface); ok {
						for m := range iface.Methods() {
							check(m)
						}
					}
				}
			}
		}
	})
	if n < 1000 {
		t.Fatalf("only %d functions checked", n)
	}
}
