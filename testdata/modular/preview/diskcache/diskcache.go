// Package diskcache is a cache on local disk: storing a value writes one file.
package diskcache

import (
	"os"
	"path/filepath"
)

// Cache keeps values in files under Dir.
type Cache struct{ Dir string }

// Store writes value to the file for key.
func (c *Cache) Store(key string, value []byte) error {
	return os.WriteFile(filepath.Join(c.Dir, filepath.Base(key)), value, 0o600)
}
