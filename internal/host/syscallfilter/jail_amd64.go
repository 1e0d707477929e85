package syscallfilter

import "fmt"

// Jail returns f's filters, from the table go generate made.
func Jail(f Filters) ([][]byte, error) {
	if len(jailFilters) != Variants {
		return nil, fmt.Errorf("seccomp filters: the table has %d of %d variants (run go generate ./internal/host/syscallfilter)", len(jailFilters), Variants)
	}
	return [][]byte{[]byte(jailFilters[f.Index()])}, nil
}
