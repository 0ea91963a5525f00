// Package handlers finds the request handlers a program registers, as the roots of its request paths. What
// registers a handler, what a handler looks like and which calls pass one through are rules (package rules).
package handlers

import (
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// A Root is a function a server calls for a request.
type Root struct {
	Fn *ssa.Function
	// Method and Pattern are the route, where they are known statically.
	Method, Pattern string
	// Server marks a handler that serves every route: a server's root handler or middleware.
	Server bool
	// Pos is the registration.
	Pos token.Pos
	// Rule names the registration rule that found it: its func or field ("(*net/http.ServeMux).HandleFunc").
	Rule string
	// Bind, for a closure made per registration (withUser(h.list)), is what this registration's closure
	// captured (flow.Target.Bind): the walk from it resolves calls of captured functions with it.
	Bind map[ssa.Value]ssa.Value
}

// Route describes the root for a message: "GET /users/{id}", "every route" for middleware ("every route under
// /v1" for a group's), or "" when the route is not known statically.
func (r *Root) Route() string {
	switch {
	case r.Server && r.Pattern != "" && r.Pattern != "/":
		return "every route under " + r.Pattern
	case r.Server:
		return "every route"
	case r.Method != "" && r.Pattern != "":
		return r.Method + " " + r.Pattern
	case r.Pattern != "":
		return r.Pattern
	}
	return ""
}

// Name returns a short name of a function for messages: "Server.getUser", "main.func1".
func Name(fn *ssa.Function) string {
	name := fn.Name()
	recv := fn.Signature.Recv()
	if strings.HasSuffix(name, "$bound") {
		if o, ok := fn.Object().(*types.Func); ok {
			name, recv = o.Name(), o.Signature().Recv()
		}
	}
	if recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			name = n.Obj().Name() + "." + name
		}
	}
	return strings.ReplaceAll(name, "$", ".func")
}
