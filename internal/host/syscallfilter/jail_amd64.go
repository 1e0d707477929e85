package syscallfilter

import "fmt"

// Jail returns f's filters, from the table go generate made.
func Jail(f Filters) ([][]byte, error) {
	if len(mainFilters) != Variants {
		return nil, fmt.Errorf("seccomp filters: the table has %d of %d variants (run go generate ./internal/host/syscallfilter)", len(mainFilters), Variants)
	}
	return [][]byte{[]byte(abiFilter), []byte(mainFilters[f.Index()])}, nil
}
