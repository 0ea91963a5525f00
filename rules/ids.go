package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
)

// idPattern is what an id may look like: short, stable, and safe in a file name or a command-line flag.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]*$`)

// checkIDs reports rules without an id, ids of the wrong shape, and ids used twice in one file.
func (c *Catalog) checkIDs() error {
	var errs []error
	seen := map[string]string{}
	check := func(section string, i int, id string) {
		where := fmt.Sprintf("%s[%d]", section, i)
		switch {
		case id == "":
			errs = append(errs, fmt.Errorf("%s: id is empty", where))
		case !idPattern.MatchString(id):
			errs = append(errs, fmt.Errorf("%s: id %q: use letters, digits and . _ / -", where, id))
		case seen[id] != "":
			errs = append(errs, fmt.Errorf("%s: id %q is already used by %s", where, id, seen[id]))
		default:
			seen[id] = where
		}
	}
	for _, sec := range c.ids() {
		for i, id := range sec.ids {
			check(sec.name, i, id)
		}
	}
	return errors.Join(errs...)
}

// A section is the ids of one section of a catalog, in order.
type section struct {
	name string
	ids  []string
}

// ids lists the ids of every section of c that has them (streams are plain type names).
func (c *Catalog) ids() []section {
	return []section{
		{"blocking", idsOf(c.Blocking, func(r Call) string { return r.ID })},
		{"registrations", idsOf(c.Registrations, func(r Registration) string { return r.ID })},
		{"groups", idsOf(c.Groups, func(r Group) string { return r.ID })},
		{"passes", idsOf(c.Passes, func(r Pass) string { return r.ID })},
		{"handlers", idsOf(c.Handlers, func(r Handler) string { return r.ID })},
		{"contexts", idsOf(c.Contexts, func(r Context) string { return r.ID })},
		{"detached", idsOf(c.Detached, func(r Detached) string { return r.ID })},
		{"operations", idsOf(c.Operations, func(r Operation) string { return r.ID })},
		{"carriers", idsOf(c.Carriers, func(r Carrier) string { return r.ID })},
		{"callbacks", idsOf(c.Callbacks, func(r Callback) string { return r.ID })},
	}
}

func idsOf[R any](rules []R, id func(R) string) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = id(r)
	}
	return out
}

// alternatives matches a brace group of two or more comma-separated words, as in
// "(*github.com/labstack/echo/{v4,v5}.Echo).GET". Templates such as {recv} or {args} have no comma, and prose has
// spaces, so neither is taken for one.
var alternatives = regexp.MustCompile(`\{([A-Za-z0-9_.\-]+(?:,[A-Za-z0-9_.\-]+)+)\}`)

// expand writes out the rules that name several versions of a package at once: a rule whose strings hold brace
// groups becomes one rule per alternative, the k-th taking the k-th word of every group, so that the package of a
// handler type and of its parameters move together. The copies keep the rule's id.
func (c *Catalog) expand() error {
	var errs []error
	c.Blocking = expandAll(c.Blocking, "blocking", &errs)
	c.Registrations = expandAll(c.Registrations, "registrations", &errs)
	c.Groups = expandAll(c.Groups, "groups", &errs)
	c.Passes = expandAll(c.Passes, "passes", &errs)
	c.Handlers = expandAll(c.Handlers, "handlers", &errs)
	c.Contexts = expandAll(c.Contexts, "contexts", &errs)
	c.Detached = expandAll(c.Detached, "detached", &errs)
	c.Operations = expandAll(c.Operations, "operations", &errs)
	c.Carriers = expandAll(c.Carriers, "carriers", &errs)
	c.Callbacks = expandAll(c.Callbacks, "callbacks", &errs)
	return errors.Join(errs...)
}

func expandAll[R any](rules []R, section string, errs *[]error) []R {
	var out []R
	for i, r := range rules {
		more, err := expandOne(r)
		if err != nil {
			*errs = append(*errs, fmt.Errorf("%s[%d]: %w", section, i, err))
			continue
		}
		out = append(out, more...)
	}
	return out
}

// expandOne works on the rule's JSON form, so that every string field, nested ones included, is covered without a
// list of fields to keep in step with the types.
func expandOne[R any](r R) ([]R, error) {
	if !hasGroup(reflect.ValueOf(r)) {
		return []R{r}, nil
	}
	data, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	groups := alternatives.FindAllSubmatch(data, -1)
	if groups == nil {
		return []R{r}, nil
	}
	n := len(strings.Split(string(groups[0][1]), ","))
	for _, g := range groups[1:] {
		if m := len(strings.Split(string(g[1]), ",")); m != n {
			return nil, fmt.Errorf("brace groups %s and %s name %d and %d alternatives; every group of a rule must name as many", groups[0][0], g[0], n, m)
		}
	}
	out := make([]R, 0, n)
	for k := range n {
		one := alternatives.ReplaceAllFunc(data, func(g []byte) []byte {
			return []byte(strings.Split(string(g[1:len(g)-1]), ",")[k])
		})
		var rk R
		if err := json.Unmarshal(one, &rk); err != nil {
			return nil, err
		}
		out = append(out, rk)
	}
	return out, nil
}

// hasGroup reports whether a string in v, nested ones included, holds a brace group. Most rules have none, and
// sparing them expandOne's round trip through JSON halves the cost of loading the catalog, which every go vet unit
// pays.
func hasGroup(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		return strings.IndexByte(s, '{') >= 0 && alternatives.MatchString(s)
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && hasGroup(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			if hasGroup(v.Field(i)) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if hasGroup(v.Index(i)) {
				return true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if hasGroup(it.Key()) || hasGroup(it.Value()) {
				return true
			}
		}
	}
	return false
}
