// Package dep has a helper that blocks: golangci-lint loads it for its facts.
package dep

import "database/sql"

// Count queries without a context.
func Count(db *sql.DB) int {
	var n int
	_ = db.QueryRow("SELECT count(*) FROM t").Scan(&n)
	return n
}
