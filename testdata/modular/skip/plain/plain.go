package plain // no rule in reach: SSA is not built

import (
	"fmt"
	"strings"
	"time"
)

// Greet formats; time is imported for a type only.
func Greet(name string, d time.Duration) string {
	return fmt.Sprintf("hello %s after %v", strings.ToUpper(name), d)
}
