package uses // want "built SSA"

import (
	"database/sql"

	"example.com/modular/lib"
)

// Profile calls a function whose fact says it blocks.
func Profile(db *sql.DB) error { return lib.Profile(db, 1) }
