package rules

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := embedded.ReadFile(SchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaFile, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(SchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSchema checks that the published schema accepts every file blockcheck accepts and rejects the files it
// rejects, so that what an editor says about a user's file is what blockcheck will say.
func TestSchema(t *testing.T) {
	s := compileSchema(t)
	files := map[string][]byte{}
	fs.WalkDir(embedded, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && p != SchemaFile {
			files[p], _ = embedded.ReadFile(p)
		}
		return nil
	})
	more, _ := filepath.Glob("../testdata/rules/*.json")
	for _, p := range more {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = data
	}
	if len(files) < 6 {
		t.Fatalf("found only %d rules files", len(files))
	}
	for name, data := range files {
		_, parseErr := Parse(data)
		var schemaErr error
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			schemaErr = err
		} else {
			schemaErr = s.Validate(doc)
		}
		if (parseErr == nil) != (schemaErr == nil) {
			t.Errorf("%s: Parse says %v, the schema says %v", name, parseErr, schemaErr)
		}
	}
}

// TestSchemaAnalyzers keeps the schema's list of analyzers in step with the code's.
func TestSchemaAnalyzers(t *testing.T) {
	data, _ := embedded.ReadFile(SchemaFile)
	var schema struct {
		Defs struct {
			Call struct {
				Properties struct {
					Analyzer struct {
						Enum []string `json:"enum"`
					} `json:"analyzer"`
				} `json:"properties"`
			} `json:"call"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	if got := schema.Defs.Call.Properties.Analyzer.Enum; !slices.Equal(got, Analyzers) {
		t.Errorf("schema analyzers %v, code %v", got, Analyzers)
	}
}

// TestDefaultIDs checks that no two default rules share an id: a later file would silently replace an earlier
// file's rule.
func TestDefaultIDs(t *testing.T) {
	seen := map[string]string{}
	entries, _ := embedded.ReadDir(".")
	for _, e := range entries {
		if e.Name() == SchemaFile {
			continue
		}
		data, _ := embedded.ReadFile(e.Name())
		c, err := Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if c.Version != Version {
			t.Errorf("%s: version %d", e.Name(), c.Version)
		}
		ids := map[string]bool{}
		for _, id := range allIDs(c) {
			ids[id] = true
		}
		for id := range ids {
			if other, ok := seen[id]; ok {
				t.Errorf("id %s is used in %s and %s", id, other, e.Name())
			}
			seen[id] = e.Name()
		}
	}
	if len(seen) < 400 {
		t.Errorf("only %d default rule ids", len(seen))
	}
}

func allIDs(c *Catalog) []string {
	var ids []string
	for _, sec := range c.ids() {
		ids = append(ids, sec.ids...)
	}
	return ids
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"no id", `{"blocking": [{"analyzer": "sleep", "func": "a.B"}]}`, "blocking[0]: id is empty"},
		{"bad id", `{"passes": [{"id": "has space", "func": "a.B", "handler": 0}]}`, `id "has space"`},
		{"same id", `{"blocking": [{"id": "x", "analyzer": "sleep", "func": "a.B"}], "groups": [{"id": "x", "func": "a.C"}]}`, "already used by blocking[0]"},
		{"version", `{"version": 2}`, "this blockcheck reads version 1"},
		{"groups differ", `{"handlers": [{"id": "h", "type": "x/{v1,v2}.H", "params": ["x/{v1,v2,v3}.C"]}]}`, "name 2 and 3 alternatives"},
		{"empty wait", `{"goroutines": {"waits": ["time.Tick", ""]}}`, "goroutines.waits[1] is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestAlternatives checks that a rule naming several versions of a package is written out once per version, with
// every brace group moving in step and the templates ({recv}, {args}) and prose left alone.
func TestAlternatives(t *testing.T) {
	c, err := Parse([]byte(`{
		"blocking": [{"id": "x/get", "analyzer": "nocancel", "func": "(*example.com/r/{v4,v5}.C).Get",
			"why": "waits { forever, maybe }", "fix": "f", "edit": "{recv}.GetContext({ctx}, {args})"}],
		"handlers": [{"id": "h", "type": "example.com/r/{v4,v5}.HandlerFunc", "params": ["*example.com/r/{v4,v5}.Ctx"]}]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	var funcs []string
	for _, r := range c.Blocking {
		funcs = append(funcs, r.Func)
		if r.ID != "x/get" || r.Edit != "{recv}.GetContext({ctx}, {args})" || r.Why != "waits { forever, maybe }" {
			t.Errorf("rule changed beyond its func: %+v", r)
		}
	}
	if want := []string{"(*example.com/r/v4.C).Get", "(*example.com/r/v5.C).Get"}; !slices.Equal(funcs, want) {
		t.Errorf("funcs %v, want %v", funcs, want)
	}
	if len(c.Handlers) != 2 || c.Handlers[1].Type != "example.com/r/v5.HandlerFunc" || c.Handlers[1].Params[0] != "*example.com/r/v5.Ctx" {
		t.Errorf("handlers not expanded in step: %+v", c.Handlers)
	}
}

// TestMerge checks that a user's rule replaces the default of the same id (both versions of an expanded rule) and
// that disable drops a default.
func TestMerge(t *testing.T) {
	base, err := Parse([]byte(`{"blocking": [
		{"id": "a", "analyzer": "sleep", "func": "example.com/r/{v1,v2}.Wait"},
		{"id": "b", "analyzer": "sleep", "func": "example.com/r.Nap"},
		{"id": "c", "analyzer": "sleep", "func": "example.com/r.Doze"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	user, err := Parse([]byte(`{"disable": ["c"], "blocking": [{"id": "a", "analyzer": "chanwait", "func": "example.com/r.Wait2"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range base.Merge(user).Blocking {
		got = append(got, r.ID+"="+r.Func)
	}
	if want := []string{"b=example.com/r.Nap", "a=example.com/r.Wait2"}; !slices.Equal(got, want) {
		t.Errorf("merged %v, want %v", got, want)
	}
}

// TestMergeGoroutines checks that a user's goroutines lists add to the defaults', which name the timers and waits
// gospawn used to know by heart.
func TestMergeGoroutines(t *testing.T) {
	user, err := Parse([]byte(`{"goroutines": {"waits": ["(*example.com/q.Queue).Wait"], "reapers": ["(*example.com/p.Proc).Wait"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	g := def.Merge(user).Goroutines
	for _, tc := range []struct {
		list []string
		want string
	}{
		{g.Waits, "time.NewTicker"}, {g.Waits, "(*sync.WaitGroup).Wait"}, {g.Waits, "(*example.com/q.Queue).Wait"},
		{g.Delays, "time.Sleep"}, {g.Delays, "time.After"},
		{g.Reapers, "(*os/exec.Cmd).Wait"}, {g.Reapers, "(*example.com/p.Proc).Wait"},
		{g.Signals, "os.Signal"},
	} {
		if !slices.Contains(tc.list, tc.want) {
			t.Errorf("merged goroutines %+v lack %q", g, tc.want)
		}
	}
}
