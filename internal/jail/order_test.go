package jail

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// specs builds specs in configuration order from "name:dep,dep" strings.
func specs(defs ...string) []*Spec {
	var out []*Spec
	for _, d := range defs {
		name, deps, _ := strings.Cut(d, ":")
		s := &Spec{Name: name, Block: name}
		if deps != "" {
			s.Depend = strings.Split(deps, ",")
		}
		out = append(out, s)
	}
	return out
}

func names(ss []*Spec) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Name)
	}
	return out
}

func pick(all []*Spec, want ...string) []*Spec {
	var out []*Spec
	for _, w := range want {
		for _, s := range all {
			if s.Name == w {
				out = append(out, s)
			}
		}
	}
	return out
}

func TestClosure(t *testing.T) {
	all := specs("a", "b:a", "c:b", "d", "e:a,d", "x:y", "y:x")
	tests := []struct {
		selected []string
		want     []string
	}{
		{nil, nil},
		{[]string{"a"}, []string{"a"}},
		{[]string{"c"}, []string{"a", "b", "c"}},
		{[]string{"e"}, []string{"a", "d", "e"}},
		{[]string{"e", "c"}, []string{"a", "b", "c", "d", "e"}},
		{[]string{"d", "a", "d"}, []string{"a", "d"}},
		{[]string{"x"}, []string{"x", "y"}}, // a cycle ends the walk; runOrdered reports it
	}
	for _, tc := range tests {
		got, err := Closure(pick(all, tc.selected...), all)
		if err != nil {
			t.Errorf("Closure(%q, all) = %v, want %q", tc.selected, err, tc.want)
			continue
		}
		if !cmp.Equal(names(got), tc.want) {
			t.Errorf("Closure(%q, all) = %q, want %q", tc.selected, names(got), tc.want)
		}
	}
}

func TestClosureUnknown(t *testing.T) {
	all := specs("a", "b:a,zz", "c:b")
	got, err := Closure(pick(all, "c"), all)
	want := `jail b: depend: no jail "zz" in the configuration`
	if err == nil || err.Error() != want {
		t.Errorf("Closure([c], all) = %q, %v, want an error %q", names(got), err, want)
	}
	if got != nil {
		t.Errorf("Closure([c], all) = %q, want nil with the error", names(got))
	}
}

func TestFindCycle(t *testing.T) {
	tests := []struct {
		name  string
		order []string
		preds map[string][]string
		want  string
	}{
		{"none", []string{"a", "b"}, nil, ""},
		{"chain", []string{"a", "b", "c"}, map[string][]string{"a": {"b"}, "b": {"c"}}, ""},
		{"diamond", []string{"a", "b", "c", "d"}, map[string][]string{"a": {"b", "c"}, "b": {"d"}, "c": {"d"}}, ""},
		{"self", []string{"a"}, map[string][]string{"a": {"a"}}, "a -> a is a cycle"},
		{"two", []string{"a", "b"}, map[string][]string{"a": {"b"}, "b": {"a"}}, "a -> b -> a is a cycle"},
		{"three", []string{"a", "b", "c"}, map[string][]string{"a": {"b"}, "b": {"c"}, "c": {"a"}}, "a -> b -> c -> a is a cycle"},
		{"after acyclic part", []string{"a", "b", "c", "d"}, map[string][]string{"a": {"b"}, "c": {"d"}, "d": {"c"}}, "c -> d -> c is a cycle"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := findCycle(specs(tc.order...), tc.preds); got != tc.want {
				t.Errorf("findCycle(%q, %v) = %q, want %q", tc.order, tc.preds, got, tc.want)
			}
		})
	}
}

// TestFindCycleTail: a cycle reached through a jail outside it should be
// named without that jail: "x -> a -> b -> a" is not a cycle.
func TestFindCycleTail(t *testing.T) {
	order := []string{"x", "a", "b"}
	preds := map[string][]string{"x": {"a"}, "a": {"b"}, "b": {"a"}}
	if got, want := findCycle(specs(order...), preds), "a -> b -> a is a cycle"; got != want {
		t.Errorf("findCycle(%q, %v) = %q, want %q", order, preds, got, want)
	}
}

// recorder is an op for runOrdered that records the order of its calls
// and fails for the jails in fail.
type recorder struct {
	mu    sync.Mutex
	calls []string
	fail  map[string]bool
}

func (r *recorder) op(_ context.Context, s *Spec) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, s.Name)
	if r.fail[s.Name] {
		return errors.New("boom")
	}
	return nil
}

func (r *recorder) index(name string) int {
	for i, c := range r.calls {
		if c == name {
			return i
		}
	}
	return -1
}

func TestRunOrdered(t *testing.T) {
	// web needs db; app needs web and cache; db, cache and solo need nothing.
	defs := []string{"app:web,cache", "web:db", "db", "cache", "solo"}
	edges := [][2]string{{"db", "web"}, {"web", "app"}, {"cache", "app"}} // {dependency, dependent}
	for _, reverse := range []bool{false, true} {
		for run := 0; run < 20; run++ {
			var out, errb bytes.Buffer
			m := &Manager{Out: &out, Err: &errb}
			r := &recorder{}
			err := m.runOrdered(context.Background(), specs(defs...), reverse, r.op)
			if err != nil {
				t.Fatalf("runOrdered(%q, reverse=%v) = %v, want no error", defs, reverse, err)
			}
			if len(r.calls) != len(defs) {
				t.Fatalf("runOrdered(%q, reverse=%v) ran %q, want each jail once", defs, reverse, r.calls)
			}
			for _, e := range edges {
				first, second := e[0], e[1]
				if reverse {
					first, second = second, first
				}
				if r.index(first) > r.index(second) {
					t.Errorf("runOrdered(%q, reverse=%v) ran %q: %s before %s", defs, reverse, r.calls, second, first)
				}
			}
			if errb.Len() > 0 || out.Len() > 0 {
				t.Errorf("runOrdered(%q, reverse=%v) wrote %q, %q, want nothing", defs, reverse, out.String(), errb.String())
			}
		}
	}
}

func TestRunOrderedFailure(t *testing.T) {
	tests := []struct {
		name     string
		defs     []string
		reverse  bool
		fail     []string
		wantRun  []string // sorted
		wantErrs []string // lines on Err, sorted
		wantErr  string
	}{
		{
			name:    "start: a failed dependency skips its dependents, transitively",
			defs:    []string{"app:cache,web", "web:db", "db", "cache"},
			fail:    []string{"db"},
			wantRun: []string{"cache", "db"},
			wantErrs: []string{
				"vjail: app: skipped (web failed)",
				"vjail: db: boom",
				"vjail: web: skipped (db failed)",
			},
			wantErr: "failed: app, web, db",
		},
		{
			name:     "start: independent jails go on",
			defs:     []string{"a", "b", "c:a"},
			fail:     []string{"b"},
			wantRun:  []string{"a", "b", "c"},
			wantErrs: []string{"vjail: b: boom"},
			wantErr:  "failed: b",
		},
		{
			name:     "start: several failures",
			defs:     []string{"a", "b", "c:b"},
			fail:     []string{"a", "b"},
			wantRun:  []string{"a", "b"},
			wantErrs: []string{"vjail: a: boom", "vjail: b: boom", "vjail: c: skipped (b failed)"},
			wantErr:  "failed: a, b, c",
		},
		{
			name:     "stop: a failed dependent skips what it depends on",
			defs:     []string{"web:db", "db", "cache"},
			reverse:  true,
			fail:     []string{"web"},
			wantRun:  []string{"cache", "web"},
			wantErrs: []string{"vjail: db: skipped (web failed)", "vjail: web: boom"},
			wantErr:  "failed: web, db",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			m := &Manager{Out: &out, Err: &errb}
			r := &recorder{fail: map[string]bool{}}
			for _, f := range tc.fail {
				r.fail[f] = true
			}
			err := m.runOrdered(context.Background(), specs(tc.defs...), tc.reverse, r.op)
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("runOrdered(%q, reverse=%v) = %v, want %q", tc.defs, tc.reverse, err, tc.wantErr)
			}
			run := append([]string(nil), r.calls...)
			slices.Sort(run)
			if !cmp.Equal(run, tc.wantRun) {
				t.Errorf("runOrdered(%q, reverse=%v) ran %q, want %q", tc.defs, tc.reverse, run, tc.wantRun)
			}
			lines := strings.Split(strings.TrimSuffix(errb.String(), "\n"), "\n")
			slices.Sort(lines)
			if !cmp.Equal(lines, tc.wantErrs) {
				t.Errorf("runOrdered(%q, reverse=%v) wrote %q on Err, want %q", tc.defs, tc.reverse, lines, tc.wantErrs)
			}
		})
	}
}

// TestRunOrderedMessages: messages name a jail by its block, as jail(8)
// does; the skipped line names the failed dependency by name.
func TestRunOrderedMessages(t *testing.T) {
	db := &Spec{Name: "db", Block: "5"}
	web := &Spec{Name: "web", Block: "10", Depend: []string{"db"}}
	var out, errb bytes.Buffer
	m := &Manager{Out: &out, Err: &errb}
	r := &recorder{fail: map[string]bool{"db": true}}
	err := m.runOrdered(context.Background(), []*Spec{web, db}, false, r.op)
	if want := "failed: web, db"; err == nil || err.Error() != want {
		t.Errorf("runOrdered([web db]) = %v, want %q", err, want)
	}
	if got, want := errb.String(), "vjail: 5: boom\nvjail: 10: skipped (db failed)\n"; got != want {
		t.Errorf("runOrdered([web db]) wrote %q on Err, want %q", got, want)
	}
}

func TestRunOrderedCycle(t *testing.T) {
	for _, reverse := range []bool{false, true} {
		defs := []string{"a:b", "b:a", "c"}
		var out, errb bytes.Buffer
		m := &Manager{Out: &out, Err: &errb}
		r := &recorder{}
		err := m.runOrdered(context.Background(), specs(defs...), reverse, r.op)
		if err == nil || !strings.HasPrefix(err.Error(), "depend: ") || !strings.HasSuffix(err.Error(), " is a cycle") {
			t.Errorf("runOrdered(%q, reverse=%v) = %v, want a depend cycle error", defs, reverse, err)
		}
		if len(r.calls) > 0 {
			t.Errorf("runOrdered(%q, reverse=%v) ran %q, want nothing", defs, reverse, r.calls)
		}
	}
}

// TestRunOrderedOutsideSet: a dependency that is not among the specs (a
// jail not selected for stop, say) does not hold anything up.
func TestRunOrderedOutsideSet(t *testing.T) {
	for _, reverse := range []bool{false, true} {
		defs := []string{"a:zz", "b:a"}
		m := &Manager{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}
		r := &recorder{}
		if err := m.runOrdered(context.Background(), specs(defs...), reverse, r.op); err != nil {
			t.Errorf("runOrdered(%q, reverse=%v) = %v, want no error", defs, reverse, err)
		}
		want := []string{"a", "b"}
		if reverse {
			want = []string{"b", "a"}
		}
		if !cmp.Equal(r.calls, want) {
			t.Errorf("runOrdered(%q, reverse=%v) ran %q, want %q", defs, reverse, r.calls, want)
		}
	}
}

// TestRunOrderedParallel: jails that do not depend on each other run at
// the same time. Each op waits until every one has begun, which only
// happens if they run in parallel; the timeout only keeps a broken
// runOrdered from hanging the test.
func TestRunOrderedParallel(t *testing.T) {
	defs := []string{"a", "b", "c"}
	var wg sync.WaitGroup
	wg.Add(len(defs))
	all := make(chan struct{})
	go func() { wg.Wait(); close(all) }()
	op := func(ctx context.Context, s *Spec) error {
		wg.Done()
		select {
		case <-all:
			return nil
		case <-time.After(10 * time.Second):
			return errors.New("ran alone")
		}
	}
	m := &Manager{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}
	if err := m.runOrdered(context.Background(), specs(defs...), false, op); err != nil {
		t.Errorf("runOrdered(%q) = %v, want no error", defs, err)
	}
}
