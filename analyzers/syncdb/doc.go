// Package syncdb defines an Analyzer that reports database calls without a context.
//
// # Analyzer syncdb
//
// syncdb: report database calls without a context
//
// The syncdb analyzer reports database calls on a request path that take no context: Query, QueryRow,
// Exec, Prepare, Begin and Ping on database/sql's DB, Tx and Stmt; the sqlx methods without Context;
// and gorm chains that never call WithContext.
//
// Without a context a slow query, a lock wait or an exhausted connection pool holds the request for as
// long as the database takes, and cancelling the request (the client gave up, a deadline passed) does
// not cancel the query. The suggested fix calls the Context variant with the request's context:
// db.QueryContext(ctx, ...), db.BeginTx(ctx, nil), db.WithContext(ctx).First(...).
//
// gorm handles passed in as parameters are not judged: the caller may have attached a context.
//
// See https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/syncdb.md.
package syncdb
