//go:build linux && !amd64

package syscallfilter

import "github.com/vjail/vjail/internal/host/syscallfilter/internal/assemble"

// Jail assembles f's filters: only amd64's come from a table.
func Jail(f Filters) ([][]byte, error) {
	return assemble.Jail(f.Deny(), f.Namespaces, f.AllSocketFamilies)
}
