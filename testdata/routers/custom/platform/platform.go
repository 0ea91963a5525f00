// Package platform is a team's registration helper: services expose internal endpoints through it, and it serves
// them on the platform's own listener, out of blockcheck's sight until a rule names Expose.
package platform

import "net/http"

var exposed = map[string]func(http.ResponseWriter, *http.Request){}

// Expose serves h at path on the platform listener.
func Expose(path string, h func(http.ResponseWriter, *http.Request)) { exposed[path] = h }
