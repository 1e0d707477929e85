package syscallfilter

import (
	"bytes"
	"testing"

	"github.com/vjail/vjail/internal/host/syscallfilter/internal/assemble"
)

// TestTable checks the generated table against the library's assembly,
// variant by variant: a change to the rules, to Filters or to the
// library's version shows here until go generate is run.
func TestTable(t *testing.T) {
	for i := range Variants {
		f := FromIndex(i)
		if f.Index() != i {
			t.Fatalf("FromIndex(%d).Index() = %d", i, f.Index())
		}
		got, err := Jail(f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := assemble.Jail(f.Deny(), f.Namespaces, f.AllSocketFamilies)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%+v: %d filters in the table, %d assembled: run go generate ./internal/host/syscallfilter", f, len(got), len(want))
		}
		for k := range want {
			if !bytes.Equal(got[k], want[k]) {
				t.Errorf("%+v: filter %d differs from the library's assembly: run go generate ./internal/host/syscallfilter", f, k)
			}
		}
	}
}
