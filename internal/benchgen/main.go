// Command benchgen writes a synthetic net/http service for benchmarks: -handlers handlers spread over packages of
// -per handlers each, sharing a store behind an interface (two implementations, one created), middleware, helpers
// that block and helpers that do not. About one handler in four reaches a blocking operation.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	out := flag.String("out", "", "directory to write the module into (created)")
	n := flag.Int("handlers", 1000, "number of handlers")
	per := flag.Int("per", 50, "handlers per package")
	depth := flag.Int("depth", 0, "if > 0, every handler first calls one shared chain of this many functions (a deep middleware path), whose last function sleeps")
	flag.Parse()
	if *out == "" {
		log.Fatal("benchgen: -out is required")
	}
	if err := generate(*out, *n, *per, *depth); err != nil {
		log.Fatalf("benchgen: %v", err)
	}
}

func write(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

func generate(dir string, n, per, depth int) error {
	if err := write(filepath.Join(dir, "go.mod"), "module example.com/bench\n\ngo 1.26\n"); err != nil {
		return err
	}
	if err := write(filepath.Join(dir, "store", "store.go"), storeSrc); err != nil {
		return err
	}
	if depth > 0 {
		var b strings.Builder
		b.WriteString("// Package chain is one deep path every handler shares.\npackage chain\n\nimport (\n\t\"net/http\"\n\t\"time\"\n)\n\n")
		for d := range depth {
			fmt.Fprintf(&b, "func Step%d(r *http.Request) {\n\tif r.Header.Get(\"X-Step\") == \"%d\" {\n\t\treturn\n\t}\n", d, d)
			if d+1 < depth {
				fmt.Fprintf(&b, "\tStep%d(r)\n}\n\n", d+1)
			} else {
				b.WriteString("\ttime.Sleep(time.Millisecond)\n}\n")
			}
		}
		if err := write(filepath.Join(dir, "chain", "chain.go"), b.String()); err != nil {
			return err
		}
	}
	pkgs := (n + per - 1) / per
	var imports, calls strings.Builder
	for p := range pkgs {
		name := fmt.Sprintf("api%03d", p)
		var b strings.Builder
		header := apiHeader
		if depth > 0 {
			header = strings.Replace(header, "\t\"time\"\n", "\t\"time\"\n\n\t\"example.com/bench/chain\"\n", 1)
			header = strings.Replace(header, "func New(", "var _ = strings.ToUpper\n\nfunc New(", 1)
		}
		fmt.Fprintf(&b, header, name)
		for h := range min(per, n-p*per) {
			i := p*per + h
			if depth > 0 {
				fmt.Fprintf(&b, "func (a *API) h%d(w http.ResponseWriter, r *http.Request) {\n\tchain.Step0(r)\n\tw.WriteHeader(%d)\n}\n\n", i, 200+i%8)
				continue
			}
			switch i % 8 {
			case 0:
				fmt.Fprintf(&b, "func (a *API) h%d(w http.ResponseWriter, r *http.Request) {\n\ta.slowPath(r)\n}\n\n", i)
			case 1:
				fmt.Fprintf(&b, "func (a *API) h%d(w http.ResponseWriter, r *http.Request) {\n\t_, _ = a.st.User(r.Context(), r.PathValue(\"id\"))\n}\n\n", i)
			case 2:
				fmt.Fprintf(&b, "func (a *API) h%d(w http.ResponseWriter, r *http.Request) {\n\tgo a.audit(%q)\n}\n\n", i, name)
			default:
				fmt.Fprintf(&b, "func (a *API) h%d(w http.ResponseWriter, r *http.Request) {\n\tw.Header().Set(\"X-Handler\", %q)\n\t_ = strings.ToUpper(r.URL.Path)\n}\n\n", i, name)
			}
		}
		b.WriteString("// Routes registers the package's handlers.\nfunc (a *API) Routes(mux *http.ServeMux) {\n")
		for h := range min(per, n-p*per) {
			i := p*per + h
			fmt.Fprintf(&b, "\tmux.HandleFunc(\"GET /%s/r%d/{id}\", a.h%d)\n", name, i, i)
		}
		b.WriteString("}\n")
		if err := write(filepath.Join(dir, name, name+".go"), b.String()); err != nil {
			return err
		}
		fmt.Fprintf(&imports, "\t%q\n", "example.com/bench/"+name)
		fmt.Fprintf(&calls, "\t%s.New(st).Routes(mux)\n", name)
	}
	return write(filepath.Join(dir, "main.go"), fmt.Sprintf(mainSrc, imports.String(), calls.String()))
}

const storeSrc = `// Package store is the service's storage, behind an interface with two implementations.
package store

import (
	"context"
	"database/sql"
	"time"
)

type Store interface {
	User(ctx context.Context, id string) (string, error)
}

type SQL struct{ DB *sql.DB }

func (s *SQL) User(ctx context.Context, id string) (string, error) {
	var name string
	err := s.DB.QueryRow("select name from users where id = $1", id).Scan(&name)
	return name, err
}

// Fake is never created by the service.
type Fake struct{}

func (Fake) User(ctx context.Context, id string) (string, error) {
	time.Sleep(time.Millisecond)
	return id, nil
}
`

const apiHeader = `package %s

import (
	"net/http"
	"strings"
	"time"

	"example.com/bench/store"
)

type API struct{ st store.Store }

func New(st store.Store) *API { return &API{st: st} }

func (a *API) slowPath(r *http.Request) {
	time.Sleep(10 * time.Millisecond)
	_, _ = http.Get("http://upstream/" + r.URL.Path)
}

func (a *API) audit(what string) { time.Sleep(time.Millisecond) }

`

const mainSrc = `package main

import (
	"database/sql"
	"net/http"
	"time"

	"example.com/bench/store"
%s)

func logging(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		_ = time.Since(start)
	})
}

func main() {
	db, _ := sql.Open("postgres", "")
	st := &store.SQL{DB: db}
	mux := http.NewServeMux()
%s	srv := &http.Server{Addr: ":8080", Handler: logging(mux), ReadHeaderTimeout: 5 * time.Second}
	_ = srv.ListenAndServe()
}
`
