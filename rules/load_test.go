package rules

import (
	"reflect"
	"testing"
)

// BenchmarkDefault measures loading the embedded catalog, which every go vet unit of a non-standard package does.
func BenchmarkDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDefaultChecked checks that Default, which skips the checks of ids and fields on the embedded files, gives
// the catalog that parsing each file with every check gives, and that expanding only the rules with brace groups
// changes nothing.
func TestDefaultChecked(t *testing.T) {
	got, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	want := &Catalog{}
	names := []string{"default.json"}
	entries, _ := embedded.ReadDir(".")
	for _, e := range entries {
		if e.Name() != "default.json" && e.Name() != SchemaFile {
			names = append(names, e.Name())
		}
	}
	for _, name := range names {
		data, _ := embedded.ReadFile(name)
		c, err := Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want = want.Merge(c)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("Default differs from the merge of the checked files")
	}
}

func TestHasGroup(t *testing.T) {
	for _, tc := range []struct {
		r    any
		want bool
	}{
		{Call{Func: "(*github.com/labstack/echo/{v4,v5}.Echo).GET"}, true},
		{Call{Func: "time.Sleep", Edit: "{recv}.Foo({args})"}, false},
		{Call{Func: "a.B", Origin: &Origin{Bad: []Maker{{Func: "x/{v1,v2}.New"}}}}, true},
		{Call{Func: "a.B", More: []Fix{{Edit: "{pkg}.X({args})"}}}, false},
		{Registration{Func: "chi.Router.Get", MethodArg: new(int)}, false},
	} {
		if got := hasGroup(reflect.ValueOf(tc.r)); got != tc.want {
			t.Errorf("hasGroup(%+v) = %v, want %v", tc.r, got, tc.want)
		}
	}
}
