// Package nocancel defines an Analyzer that reports network, subprocess and DNS calls that cannot be cancelled.
//
// # Analyzer nocancel
//
// nocancel: report network, subprocess and DNS calls that cannot be cancelled
//
// The nocancel analyzer reports calls on a request path that cannot be cancelled with the request:
// http.Get, Head, Post and PostForm (the package functions and the http.Client methods), Client.Do of a
// request made by http.NewRequest and never given a context, exec.Command(...).Run, Output,
// CombinedOutput and Wait, net.Dial and its relatives, net.Lookup*, tls.Dial, smtp.SendMail, and the
// other calls the rule catalog names.
//
// The finding stands at the call that waits (Do, Run, Output), even when what makes it uncancellable
// was written earlier (http.NewRequest, exec.Command); its suggested fix edits that earlier place:
// http.NewRequestWithContext(ctx, ...), exec.CommandContext(ctx, ...), a net.Dialer's DialContext,
// net.DefaultResolver's methods. A request whose context is attached later with req.WithContext(ctx) or
// req.Clone(ctx) is not reported.
//
// See https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/nocancel.md.
package nocancel
