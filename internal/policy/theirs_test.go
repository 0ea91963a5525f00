package policy_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"

	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"

	"github.com/blockcheck/blockcheck/internal/policy"
)

// lib stands for a dependency and its user: each call in use is judged as the user's last call into it.
const lib = `package lib

import "context"

type DB struct{}

func (d *DB) WithContext(ctx context.Context) *DB { return d }
func (d *DB) Model(v any) *DB                     { return d }
func (d *DB) Association(name string) *Assoc      { return &Assoc{} }

type Assoc struct{}

func (a *Assoc) Append(v any) error { return nil }

type Session struct{}

func (s *Session) Set(k string) error { return nil }

type Rows struct{}

func (s *Session) Query(q string) error                            { return nil }
func (s *Session) QueryContext(ctx context.Context, q string) error { return nil }

func Get(d *DB, q string) error                             { return nil }
func GetContext(ctx context.Context, d *DB, q string) error { return nil }
func Fetch(q string) error                                  { return nil }
func Acquire(ctx context.Context) *Session                  { return &Session{} }

func use(ctx context.Context, d *DB, s *Session) {
	_ = Get(d, "q")                                  // user's: GetContext
	_ = Fetch("q")                                   // theirs: no form with a context
	_ = s.Set("k")                                   // theirs
	_ = s.Query("q")                                 // user's: QueryContext
	_ = d.Model(1).Association("a").Append(2)        // user's: the chain starts at a *DB, which has WithContext
	_ = Acquire(ctx)                                     // theirs: given a context it drops
	_ = Acquire(context.Background())                    // theirs too: ctxdetach reports the root context
	_ = Acquire(context.WithValue(context.TODO(), 1, 2)) // theirs
}
`

func TestTheirs(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "lib.go", lib, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	pkg, _, err := ssautil.BuildPackage(&types.Config{Importer: importer.ForCompiler(fset, "source", nil)}, fset,
		types.NewPackage("example.com/lib", ""), []*ast.File{f}, ssa.SanityCheckFunctions)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"Get": false, "Fetch": true, "Set": true, "Query": false, "Append": false,
	}
	acquire := []bool{true, true, true}
	var got []bool
	fn := pkg.Func("use")
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			call, ok := instr.(*ssa.Call)
			if !ok {
				continue
			}
			callee := call.Common().StaticCallee()
			if callee == nil || callee.Pkg != pkg {
				continue
			}
			obj := callee.Object().(*types.Func)
			theirs := policy.TheirsCall(call.Common(), obj)
			if obj.Name() == "Acquire" {
				got = append(got, theirs)
				continue
			}
			w, ok := want[obj.Name()]
			if !ok {
				continue
			}
			delete(want, obj.Name())
			if theirs != w {
				t.Errorf("%s: TheirsCall = %v, want %v", obj.Name(), theirs, w)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("calls not met: %v", want)
	}
	if len(got) != len(acquire) {
		t.Fatalf("Acquire calls: %v, want %v", got, acquire)
	}
	for i := range got {
		if got[i] != acquire[i] {
			t.Errorf("Acquire call %d: TheirsCall = %v, want %v", i, got[i], acquire[i])
		}
	}
	if policy.Theirs("nocancel", nil, nil) || !policy.KindOf("syncdb").ByContext || policy.KindOf("nocancel").ByContext {
		t.Error("only syncdb is judged by the context the user's call can give")
	}
}
