// Package rules holds blockcheck's rule catalog: which calls block a request, which calls register handlers, which
// types carry a request context, and the fix for each. The defaults are embedded from this directory; users extend
// them with a file of their own in the same format (see docs/rules.md).
package rules

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

//go:embed *.json
var embedded embed.FS

// SchemaFile is the JSON Schema of rules files, beside the default rules; editors validate users' files with it.
const SchemaFile = "schema.json"

// Analyzers lists the finding kinds in the order blockcheck reports them.
var Analyzers = []string{"sleep", "nocancel", "syncdb", "ctxdetach", "clienttimeout", "servertimeout", "gospawn", "chanwait", "lockio"}

// Version is the rules file format this package reads. A file says which format it is written in with "version";
// a file without one is read as this version.
const Version = 1

// Catalog is a set of rules. The zero Catalog has none.
type Catalog struct {
	// Schema is the file's JSON Schema reference ("$schema"), for editors; blockcheck ignores it.
	Schema string `json:"$schema,omitempty"`
	// Version is the format version of the file the catalog was read from.
	Version int `json:"version,omitempty"`
	// Disable lists the ids of rules, from catalogs merged before this one, to drop (a default rule that does not
	// fit a codebase).
	Disable []string `json:"disable,omitempty"`
	// Blocking lists calls that block a request.
	Blocking []Call `json:"blocking"`
	// Registrations lists calls that register a request handler.
	Registrations []Registration `json:"registrations"`
	// Groups lists calls that make a route group or sub-router, whose registrations share a path prefix.
	Groups []Group `json:"groups,omitempty"`
	// Passes lists calls that return a handler wrapping one of their arguments (http.StripPrefix): the argument is
	// served by whatever serves the result.
	Passes []Pass `json:"passes"`
	// Handlers lists the shapes a handler can have.
	Handlers []Handler `json:"handlers"`
	// Contexts lists the types through which a function can reach its request's context, and how.
	Contexts []Context `json:"contexts"`
	// Detached lists types that satisfy context.Context but whose Done channel never fires (a framework's
	// request object used as a context); work given one cannot be cancelled.
	Detached []Detached `json:"detached"`
	// Carriers lists context parameters that a long-lived object keeps for the values they carry only (oauth2's
	// Config.Client): no request work runs under them, so a context.Background() passed there is right.
	Carriers []Carrier `json:"carriers,omitempty"`
	// Callbacks lists functions of the standard library that call a method of an argument back on the caller's
	// goroutine (io.Copy calls its source's Read): the walk goes on into that method of the argument's types.
	Callbacks []Callback `json:"callbacks,omitempty"`
	// Streams lists the types of connections that carry a stream both ways (a websocket, a net.Conn): a goroutine
	// given one that its starter goes on using is the other half of a reader/writer pair, and ends with the
	// connection.
	Streams []string `json:"streams,omitempty"`
	// Browsers lists what opens a URL in the user's browser: functions ("github.com/pkg/browser.OpenURL") and the
	// commands a program runs to do it ("xdg-open"). A server whose serving function also opens a browser is a
	// local UI that lives as long as its command, and servertimeout does not report it.
	Browsers Browsers `json:"browsers,omitzero"`
	// Goroutines names what keeps a goroutine waiting although no analyzer reports it there, and what ends on its
	// own: gospawn judges a goroutine that reaches nothing unbounded by them.
	Goroutines Goroutines `json:"goroutines,omitzero"`
	// Operations words the operations of the language itself (go statements, channel operations, selects, timer
	// waits), which no call rule names. A later entry for the same op replaces an earlier one.
	Operations []Operation `json:"operations,omitempty"`
}

// Ops lists the language operations an Operation rule can word.
var Ops = []string{"go", "timer-receive", "receive", "send", "timer-select", "select", "detached-arg"}

// Browsers names what opens a URL in the user's browser.
type Browsers struct {
	// Funcs are functions that open a URL, as go/ssa prints them.
	Funcs []string `json:"funcs,omitempty"`
	// Commands are programs run through os/exec to open one ("xdg-open", "open").
	Commands []string `json:"commands,omitempty"`
}

// Goroutines names, for gospawn, the calls and types by which a goroutine that reaches nothing unbounded may still
// wait, or ends on its own.
type Goroutines struct {
	// Waits are calls that keep a goroutine waiting (a ticker, a WaitGroup's Wait), as go/ssa prints them.
	Waits []string `json:"waits,omitempty"`
	// Delays are calls whose first argument is how long they wait (time.Sleep, time.After): a constant delay of at
	// most a few seconds outside a loop ends on its own; any other keeps the goroutine waiting.
	Delays []string `json:"delays,omitempty"`
	// Reapers are calls that wait for a process started earlier (cmd.Wait): judged where the process starts.
	Reapers []string `json:"reapers,omitempty"`
	// Signals are the element types of the process's own signal channel ("os.Signal"): a send on one raises the
	// signal, which the program's signal loop handles.
	Signals []string `json:"signals,omitempty"`
}

// An Operation rule words a kind of operation of the language: go (a go statement nothing bounds), receive, send
// and select (channel waits that do not watch the request's context), timer-receive and timer-select (waits on
// a timer) and detached-arg (a value of a Detached type passed as a context; the Detached rule's fix wins). In
// Name, {timer} stands for the timer ("time.After", "a time.Timer") and {type} for the detached type.
type Operation struct {
	ID       string `json:"id"`
	Op       string `json:"op"`
	Analyzer string `json:"analyzer"`
	Name     string `json:"name,omitempty"`
	Why      string `json:"why"`
	Fix      string `json:"fix,omitempty"`
}

// Operation returns the rule wording op, the last one given, and whether there is one.
func (c *Catalog) Operation(op string) (Operation, bool) {
	for i := len(c.Operations) - 1; i >= 0; i-- {
		if c.Operations[i].Op == op {
			return c.Operations[i], true
		}
	}
	return Operation{}, false
}

// A Carrier names the context parameter Arg of Func (0 is the receiver of a method, or the first parameter of a
// function, as in Origin) that only carries values into what the call makes.
type Carrier struct {
	ID   string `json:"id"`
	Func string `json:"func"`
	Arg  int    `json:"arg"`
	// ClientKey, when set, names the package variable under which the context carries an *http.Client
	// (golang.org/x/oauth2.HTTPClient): the *http.Client the function returns has that client's Timeout, or
	// none when the context carries no client (the library then uses http.DefaultClient).
	ClientKey string `json:"clientKey,omitempty"`
}

// A Callback rule names a function that calls method Method of its argument Arg (counted as in origin: 0 is a
// method's receiver) before it returns.
type Callback struct {
	ID     string `json:"id"`
	Func   string `json:"func"`
	Arg    int    `json:"arg"`
	Method string `json:"method"`
}

// A Call rule names a function or method that blocks.
//
// Func is written as go/ssa prints functions: "time.Sleep", "(*net/http.Client).Do",
// "(*database/sql.DB).Query", or "(context.Context).Done" for an interface method.
type Call struct {
	ID       string `json:"id"`
	Analyzer string `json:"analyzer"`
	Func     string `json:"func"`
	// Why says what the call waits for, completing "<func> ...".
	Why string `json:"why"`
	// Fix says how to make it bounded or cancellable.
	Fix string `json:"fix"`
	// Edit is an optional template for a suggested fix that replaces the call expression. It may use {recv} (the
	// receiver expression), {qual} (the package qualifier as written, with its dot), {args} (the arguments as
	// written) and {ctx} (the request context in scope). A fix is offered only where a context is in scope.
	// A template with {return} (return ctx.Err(), with zero values for the other results) or {return err}
	// replaces a call that stands as a statement, and is offered only where the enclosing function can return
	// so: it has no results, or its last result is an error.
	Edit string `json:"edit,omitempty"`
	// More lists further fixes, offered after Edit (an editor shows each as a code action; -fix applies the
	// first fix only).
	More []Fix `json:"more,omitempty"`
	// Origin, when set, makes the rule conditional on where one operand came from.
	Origin *Origin `json:"origin,omitempty"`
	// Cause, when set, names a root cause that one change removes at every call the rules giving it match (a
	// library with no context API, fixed by moving to its successor): the engines report those calls once, with
	// the others as related information, rather than once per call.
	Cause string `json:"cause,omitempty"`
	// Bound, when set, names the fields of an operand that bound the call (a net.Dialer's Timeout and
	// Deadline): the call is not reported when one of them is set.
	Bound *Bound `json:"bound,omitempty"`
	// ContextClient, with the client-timeout check, says that the call sends a request under its context
	// argument through the *http.Client that context carries (oauth2's Exchange): it is judged by that client's
	// Timeout and the context's deadline.
	ContextClient *ContextClient `json:"contextClient,omitempty"`
	// Check names a built-in check that decides whether the call blocks: "client-timeout" (an HTTP client
	// without Timeout on a request without deadline), "server-timeout" (a server without read timeouts) or
	// "unless-client-timeout" (any call through an *http.Client receiver, unless that client is known to have a
	// Timeout: the wait is then bounded) or "unless-pad" (a sleep, unless its duration argument pads the work
	// before it to a constant minimum of at most a second, outside a loop).
	Check string `json:"check,omitempty"`
	// ServerField, for a server-timeout check on a framework's start method (echo's Start), names the field of
	// the receiver holding the *http.Server it serves; the call is reported unless the function that makes the
	// receiver sets that server's ReadHeaderTimeout or ReadTimeout. Without it, a framework's start method that
	// is not an http.Server method (gin's Run) always serves without timeouts.
	ServerField string `json:"serverField,omitempty"`
	// ConfigField, for a server-timeout check on a framework's start method whose receiver is made from a config
	// struct (fiber.New(fiber.Config{ReadTimeout: d})), names the config's timeout field; the call is reported
	// unless the function that makes the receiver passes a config that sets it.
	ConfigField string `json:"configField,omitempty"`
}

// A ContextClient names the context argument of a call (counted as in origin: 0 is a method's receiver) and the
// package variable under which that context carries the *http.Client the call uses; without one, the call uses
// http.DefaultClient.
type ContextClient struct {
	Arg int    `json:"arg"`
	Key string `json:"key"`
}

// A Fix is an alternative edit template, with the package it needs imported.
type Fix struct {
	// Edit is a template as Call.Edit; {pkg} names the package Import, as the file imports it.
	Edit   string `json:"edit"`
	Import string `json:"import,omitempty"`
}

// An Origin makes a Call rule fire only when operand Arg (0 is the receiver of a method, or the first parameter of a
// function) was made by one of Bad, and never passed through one of Good. Methods in Chain return their receiver's
// kind of value (a query builder) and are traced through. With Roots, a value loaded from a struct field or package
// variable counts as bad (a long-lived handle that cannot carry a request context); a parameter is never judged.
//
// Unset names the field of the operand's struct that bounds it (a dialer's or client's Timeout, zero meaning none):
// a composite literal or new(T) of the struct that never sets the field is bad too, and a value whose field is set,
// or that is handed to code that might set it, is good.
type Origin struct {
	Arg   int      `json:"arg"`
	Bad   []Maker  `json:"bad,omitempty"`
	Good  []string `json:"good,omitempty"`
	Chain []string `json:"chain,omitempty"`
	Roots bool     `json:"roots,omitempty"`
	Unset string   `json:"unset,omitempty"`
}

// A Bound names the operand Arg (counted as in Origin: 0 is a method's receiver), a pointer to a struct, and the
// fields of that struct any of which, when set, bounds the call.
type Bound struct {
	Arg    int      `json:"arg"`
	Fields []string `json:"fields"`
}

// A Maker is a call that makes a value without a context, with the edit that gives it one (a template as in
// Call.Edit, applied to the maker's call expression).
type Maker struct {
	Func string `json:"func"`
	Edit string `json:"edit,omitempty"`
}

// A Registration rule names a call that registers a handler.
type Registration struct {
	ID   string `json:"id"`
	Func string `json:"func"`
	// Handler is the index of the handler argument (0 is the first argument after any receiver). A variadic
	// parameter registers each handler passed in it. -1 means the method's receiver is itself registered.
	Handler int `json:"handler"`
	// Pattern is the index of the route pattern argument, or -1 when there is none.
	Pattern int `json:"pattern"`
	// Method is the HTTP method this call registers for ("GET"), if it fixes one.
	Method string `json:"method,omitempty"`
	// MethodArg, when set, is the index of the argument naming the HTTP method (httprouter's Handle("GET", ...)).
	MethodArg *int `json:"methodArg,omitempty"`
	// Field, instead of Func, names a struct field whose assignment registers a handler:
	// "net/http.Server.Handler".
	Field string `json:"field,omitempty"`
	// Server marks registrations that serve every route (a server's root handler, a router's middleware).
	Server bool `json:"server,omitempty"`
	// Service registers every exported method of the handler's type as a root (gRPC and connect services).
	Service bool `json:"service,omitempty"`
}

// A Group rule names a call that makes a route group or sub-router: the routes registered on it are under the path
// prefix it adds to the router it is called on (gin's r.Group("/v1"), gorilla's r.PathPrefix("/api").Subrouter()),
// or it mounts a router under a prefix (chi's r.Mount("/admin", admin)). Middleware a group is given is a
// Registration with server set on the same call.
type Group struct {
	ID   string `json:"id"`
	Func string `json:"func"`
	// Prefix is the index of the argument holding the path prefix; unset means the call adds none (chi's Group,
	// gorilla's Subrouter keeps the prefix of the route it is called on).
	Prefix *int `json:"prefix,omitempty"`
	// Router is the index of a function argument whose first parameter receives the group (chi's
	// r.Route("/api", func(r chi.Router) {...})); unset means the call returns the group.
	Router *int `json:"router,omitempty"`
	// Mount is the index of an argument holding a router made elsewhere, whose routes the call puts under the
	// prefix (chi's Mount, fiber's Mount); unset means none.
	Mount *int `json:"mount,omitempty"`
	// Methods is the index of an argument naming HTTP methods that the call restricts a route to (gorilla's
	// r.HandleFunc("/x", h).Methods("GET")); unset means none.
	Methods *int `json:"methods,omitempty"`
}

// A Pass rule names a call whose result serves argument Handler.
type Pass struct {
	ID      string `json:"id"`
	Func    string `json:"func"`
	Handler int    `json:"handler"`
}

// A Handler describes a handler shape: a function type, or an interface whose method is the entry point.
type Handler struct {
	ID string `json:"id"`
	// Type is a named function type ("net/http.HandlerFunc") or an interface ("net/http.Handler").
	Type string `json:"type"`
	// Method is the interface method a server calls, for interface types.
	Method string `json:"method,omitempty"`
	// Params lists the parameter types of a handler function, for matching unnamed function literals.
	Params []string `json:"params,omitempty"`
	// Next lists calls by which a handler of this shape hands the request on to the next handler (gin's
	// c.Next()). The next handler is a root of its own, so these calls are not followed.
	Next []string `json:"next,omitempty"`
}

// A Context rule says how to reach a request context from a value of Type, as a template over {v}.
type Context struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Expr string `json:"expr"`
}

// A Detached rule names a type that implements context.Context without carrying its request's cancellation.
type Detached struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Fix  string `json:"fix"`
	// Unless names a boolean field ("github.com/gin-gonic/gin.Engine.ContextWithFallback") that, when the program
	// sets it, makes values of Type carry their request's cancellation after all.
	Unless string `json:"unless,omitempty"`
}

// Default returns the embedded default catalog: default.json (the standard library), then the other files of
// this directory (routers, drivers) in name order.
//
// Every go vet unit of a package outside the standard library loads it, so it skips the checks of ids and fields
// that Parse gives a user's file: they cost as much as decoding, and the tests run them on the embedded files
// (TestSchema, TestDefaultIDs).
func Default() (*Catalog, error) {
	entries, err := embedded.ReadDir(".")
	if err != nil {
		return nil, fmt.Errorf("default rules: %w", err)
	}
	names := []string{"default.json"}
	for _, e := range entries {
		if e.Name() != "default.json" && e.Name() != SchemaFile {
			names = append(names, e.Name())
		}
	}
	c := &Catalog{}
	for _, name := range names {
		data, err := embedded.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("default rules: %w", err)
		}
		more, err := parse(data, false)
		if err != nil {
			return nil, fmt.Errorf("default rules %s: %w", name, err)
		}
		c = c.Merge(more)
	}
	return c, nil
}

// Load reads a rules file.
func Load(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("rules %s: %w", path, err)
	}
	return c, nil
}

// Parse decodes and validates a catalog. Unknown keys are errors, so that a misspelt key is not silently ignored.
func Parse(data []byte) (*Catalog, error) {
	return parse(data, true)
}

// parse decodes a catalog and expands its alternatives; with check, it also checks ids and fields.
func parse(data []byte, check bool) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := lineCol(data, se.Offset)
			return nil, fmt.Errorf("line %d, column %d: %w", line, col, err)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			line, col := lineCol(data, te.Offset)
			return nil, fmt.Errorf("line %d, column %d: %w", line, col, err)
		}
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("unexpected data after the rules object")
	}
	if c.Version == 0 {
		c.Version = Version
	}
	if c.Version != Version {
		return nil, fmt.Errorf("version %d: this blockcheck reads version %d rules files", c.Version, Version)
	}
	if check {
		if err := c.checkIDs(); err != nil {
			return nil, err
		}
	}
	if err := c.expand(); err != nil {
		return nil, err
	}
	if check {
		if err := c.validate(); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func (c *Catalog) validate() error {
	var errs []error
	for i, r := range c.Blocking {
		if !slices.Contains(Analyzers, r.Analyzer) {
			errs = append(errs, fmt.Errorf("blocking[%d] (%s): unknown analyzer %q (want one of %s)", i, r.Func, r.Analyzer, strings.Join(Analyzers, ", ")))
		}
		if r.Func == "" {
			errs = append(errs, fmt.Errorf("blocking[%d]: func is empty", i))
		}
		switch r.Check {
		case "", "client-timeout", "server-timeout", "unless-client-timeout", "unless-pad":
		default:
			errs = append(errs, fmt.Errorf("blocking[%d] (%s): unknown check %q", i, r.Func, r.Check))
		}
		if r.Origin != nil && len(r.Origin.Bad) == 0 && !r.Origin.Roots && r.Origin.Unset == "" {
			errs = append(errs, fmt.Errorf("blocking[%d] (%s): origin names no bad maker, no roots and no unset field, so it never fires", i, r.Func))
		}
	}
	for i, r := range c.Registrations {
		if (r.Func == "") == (r.Field == "") {
			errs = append(errs, fmt.Errorf("registrations[%d]: exactly one of func and field must be set", i))
		}
		if r.Handler < -1 {
			errs = append(errs, fmt.Errorf("registrations[%d] (%s): handler index %d", i, r.Func, r.Handler))
		}
	}
	for i, g := range c.Groups {
		if g.Func == "" {
			errs = append(errs, fmt.Errorf("groups[%d]: func is empty", i))
		}
		for _, p := range []*int{g.Prefix, g.Router, g.Mount, g.Methods} {
			if p != nil && *p < 0 {
				errs = append(errs, fmt.Errorf("groups[%d] (%s): negative argument index %d", i, g.Func, *p))
			}
		}
	}
	for i, r := range c.Passes {
		if r.Func == "" || r.Handler < 0 {
			errs = append(errs, fmt.Errorf("passes[%d]: func and a handler index are required", i))
		}
	}
	for i, r := range c.Handlers {
		if r.Type == "" {
			errs = append(errs, fmt.Errorf("handlers[%d]: type is empty", i))
		}
	}
	for i, r := range c.Detached {
		if r.Type == "" || r.Fix == "" {
			errs = append(errs, fmt.Errorf("detached[%d]: type and fix are required", i))
		}
	}
	for i, r := range c.Carriers {
		if r.Func == "" || r.Arg < 0 {
			errs = append(errs, fmt.Errorf("carriers[%d]: func and a non-negative arg are required", i))
		}
	}
	for i, r := range c.Callbacks {
		if r.Func == "" || r.Arg < 0 || r.Method == "" {
			errs = append(errs, fmt.Errorf("callbacks[%d]: func, a non-negative arg and method are required", i))
		}
	}
	for _, l := range []struct {
		name string
		list []string
	}{{"waits", c.Goroutines.Waits}, {"delays", c.Goroutines.Delays}, {"reapers", c.Goroutines.Reapers}, {"signals", c.Goroutines.Signals}} {
		for i, v := range l.list {
			if v == "" {
				errs = append(errs, fmt.Errorf("goroutines.%s[%d] is empty", l.name, i))
			}
		}
	}
	for i, r := range c.Operations {
		if !slices.Contains(Ops, r.Op) {
			errs = append(errs, fmt.Errorf("operations[%d]: unknown op %q (want one of %s)", i, r.Op, strings.Join(Ops, ", ")))
		}
		if !slices.Contains(Analyzers, r.Analyzer) {
			errs = append(errs, fmt.Errorf("operations[%d] (%s): unknown analyzer %q", i, r.Op, r.Analyzer))
		}
		if r.Why == "" {
			errs = append(errs, fmt.Errorf("operations[%d] (%s): why is empty", i, r.Op))
		}
	}
	for i, r := range c.Contexts {
		if r.Type == "" || !strings.Contains(r.Expr, "{v}") {
			errs = append(errs, fmt.Errorf("contexts[%d]: type and an expr using {v} are required", i))
		}
	}
	return errors.Join(errs...)
}

// Merge returns a catalog holding c's rules followed by more's. A rule of more with the id of one of c's takes its
// place, and the ids more disables are dropped from c.
func (c *Catalog) Merge(more *Catalog) *Catalog {
	drop := map[string]bool{}
	for _, id := range more.Disable {
		drop[id] = true
	}
	return &Catalog{
		Version:       Version,
		Blocking:      merge(c.Blocking, more.Blocking, drop, func(r Call) string { return r.ID }),
		Registrations: merge(c.Registrations, more.Registrations, drop, func(r Registration) string { return r.ID }),
		Groups:        merge(c.Groups, more.Groups, drop, func(r Group) string { return r.ID }),
		Passes:        merge(c.Passes, more.Passes, drop, func(r Pass) string { return r.ID }),
		Handlers:      merge(c.Handlers, more.Handlers, drop, func(r Handler) string { return r.ID }),
		Contexts:      merge(c.Contexts, more.Contexts, drop, func(r Context) string { return r.ID }),
		Detached:      merge(c.Detached, more.Detached, drop, func(r Detached) string { return r.ID }),
		Operations:    merge(c.Operations, more.Operations, drop, func(r Operation) string { return r.ID }),
		Carriers:      merge(c.Carriers, more.Carriers, drop, func(r Carrier) string { return r.ID }),
		Callbacks:     merge(c.Callbacks, more.Callbacks, drop, func(r Callback) string { return r.ID }),
		Streams:       slices.Concat(c.Streams, more.Streams),
		Browsers: Browsers{Funcs: slices.Concat(c.Browsers.Funcs, more.Browsers.Funcs),
			Commands: slices.Concat(c.Browsers.Commands, more.Browsers.Commands)},
		Goroutines: Goroutines{Waits: slices.Concat(c.Goroutines.Waits, more.Goroutines.Waits),
			Delays:  slices.Concat(c.Goroutines.Delays, more.Goroutines.Delays),
			Reapers: slices.Concat(c.Goroutines.Reapers, more.Goroutines.Reapers),
			Signals: slices.Concat(c.Goroutines.Signals, more.Goroutines.Signals)},
	}
}

// merge appends more to base, leaving out the rules of base whose id is dropped or redefined by more. A rule
// written for several versions of a package expands to several rules with one id, so an id replaces them all.
func merge[R any](base, more []R, drop map[string]bool, id func(R) string) []R {
	redefined := map[string]bool{}
	for _, r := range more {
		if id(r) != "" {
			redefined[id(r)] = true
		}
	}
	out := make([]R, 0, len(base)+len(more))
	for _, r := range base {
		if !drop[id(r)] && !redefined[id(r)] {
			out = append(out, r)
		}
	}
	return append(out, more...)
}
