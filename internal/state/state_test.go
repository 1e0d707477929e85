package state

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vjail/vjail/internal/jsoncheck"
)

// openDir opens a state directory in a fresh temporary directory.
func openDir(t *testing.T) *Dir {
	t.Helper()
	d, err := Open(filepath.Join(t.TempDir(), "state"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return d
}

func TestOpen(t *testing.T) {
	base := t.TempDir()
	existing := filepath.Join(base, "existing")
	if err := os.Mkdir(existing, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(existing, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		filepath.Join(base, "new"),
		filepath.Join(base, "deep", "er", "state"),
		existing,
	} {
		d, err := Open(p)
		if err != nil {
			t.Errorf("Open(%q) = %v, want no error", p, err)
			continue
		}
		if d.Path != p {
			t.Errorf("Open(%q).Path = %q, want %q", p, d.Path, p)
		}
		st, err := os.Stat(p)
		if err != nil {
			t.Errorf("Open(%q): %v", p, err)
			continue
		}
		if !st.IsDir() || st.Mode().Perm() != 0o700 {
			t.Errorf("Open(%q): mode %v, want a directory with mode 0700", p, st.Mode())
		}
	}

	// A path through a file cannot be a directory.
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(file, "state")
	if d, err := Open(p); err == nil || !strings.HasPrefix(err.Error(), "state directory: ") {
		t.Errorf("Open(%q) = %v, %v, want a state directory error", p, d, err)
	}
}

func TestWriteRead(t *testing.T) {
	d := openDir(t)
	rec := &Record{
		Name: "web", Block: "10", JID: 10, Phase: Running, Path: "/jails/web", Hostname: "web.example.org",
		VNet: true, InitPID: 1234, InitStart: 987654, UIDBase: 0x70010000, Cgroup: "/sys/fs/cgroup/vjail/web",
		Socket: d.SocketPath("web"), ConfFile: "/etc/jail.conf",
		Params: []Param{{Name: "name", Values: []string{"web"}}, {Name: "persist"}, {Name: "exec.start", Values: []string{"/bin/sh /etc/rc", "sleep 1 &"}}},
	}
	if err := d.Write(rec); err != nil {
		t.Fatalf("Write(%+v) = %v", rec, err)
	}
	if got, want := rec.BootID, BootID(); got != want {
		t.Errorf("Write(rec): rec.BootID = %q, want %q", got, want)
	}
	want := *rec
	got, err := d.Read("web")
	if err != nil {
		t.Fatalf("Read(web) = %v", err)
	}
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("Read(web) = %+v, want %+v (-want +got):\n%s", got, &want, diff)
	}

	// A second Write replaces the record.
	rec.Phase = Removing
	rec.BootID = "from another boot"
	if err := d.Write(rec); err != nil {
		t.Fatalf("Write(%+v) = %v", rec, err)
	}
	got, err = d.Read("web")
	if err != nil {
		t.Fatalf("Read(web) = %v", err)
	}
	if got.Phase != Removing || got.BootID != BootID() {
		t.Errorf("Read(web) after rewrite: Phase, BootID = %q, %q, want %q, %q", got.Phase, got.BootID, Removing, BootID())
	}

	// Nothing but the record is left behind: no temporary files.
	entries, err := os.ReadDir(d.Path)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		files = append(files, e.Name())
	}
	if want := []string{"web.json"}; !cmp.Equal(files, want) {
		t.Errorf("files after Write = %q, want %q", files, want)
	}
	st, err := os.Stat(filepath.Join(d.Path, "web.json"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		t.Errorf("web.json mode %v, want no access for group and others", st.Mode())
	}
}

func TestReadErrors(t *testing.T) {
	d := openDir(t)
	_, err := d.Read("nosuch")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("Read(nosuch) = %v, want an error wrapping ErrNotFound", err)
	}
	if want := "jail nosuch: not running"; err == nil || err.Error() != want {
		t.Errorf("Read(nosuch) = %v, want %q", err, want)
	}

	if err := os.WriteFile(filepath.Join(d.Path, "bad.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = d.Read("bad")
	if err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "state of bad: ") {
		t.Errorf("Read(bad) = %v, want a state error that is not ErrNotFound", err)
	}
}

func TestList(t *testing.T) {
	d := openDir(t)
	if got, err := d.List(); err != nil || len(got) != 0 {
		t.Errorf("List() on an empty directory = %v, %v, want nothing", got, err)
	}
	for _, r := range []*Record{
		{Name: "c", JID: 3}, {Name: "a", JID: 7}, {Name: "b", JID: 1}, {Name: "d", JID: 2},
	} {
		if err := d.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	// What List must skip: a temporary file of an interrupted Write, locks,
	// sockets, hidden and other files.
	for _, f := range []string{".a.tmp123", ".e.tmp4567", "a.lock", ".alloc.lock", "a.sock", ".hidden.json", "notes.txt", "json"} {
		if err := os.WriteFile(filepath.Join(d.Path, f), []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := d.List()
	if err != nil {
		t.Fatalf("List() = %v", err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, r.Name)
	}
	if want := []string{"b", "d", "c", "a"}; !cmp.Equal(got, want) {
		t.Errorf("List() = %q, want %q (by JID)", got, want)
	}

	// A damaged record is an error, not a silent omission.
	if err := os.WriteFile(filepath.Join(d.Path, "bad.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if recs, err := d.List(); err == nil {
		t.Errorf("List() with a damaged record = %d records, nil, want an error", len(recs))
	}
}

func TestRemove(t *testing.T) {
	d := openDir(t)
	if err := d.Write(&Record{Name: "web", JID: 1}); err != nil {
		t.Fatal(err)
	}
	sock := d.SocketPath("web")
	if err := os.WriteFile(sock, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	other := &Record{Name: "db", JID: 2}
	if err := d.Write(other); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := d.Remove("web"); err != nil {
			t.Errorf("Remove(web) #%d = %v, want nil", i+1, err)
		}
	}
	if _, err := d.Read("web"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Read(web) after Remove = %v, want ErrNotFound", err)
	}
	if _, err := os.Lstat(sock); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Lstat(%s) after Remove = %v, want it gone", sock, err)
	}
	if _, err := d.Read("db"); err != nil {
		t.Errorf("Read(db) after Remove(web) = %v, want the record kept", err)
	}
	if err := d.Remove("never"); err != nil {
		t.Errorf("Remove(never) = %v, want nil", err)
	}
}

func TestSocketPath(t *testing.T) {
	d := &Dir{Path: "/run/vjail"}
	if got, want := d.SocketPath("web"), "/run/vjail/web.sock"; got != want {
		t.Errorf("SocketPath(web) = %q, want %q", got, want)
	}
}

func TestStale(t *testing.T) {
	d := openDir(t)
	fresh := &Record{Name: "web", JID: 1}
	if err := d.Write(fresh); err != nil {
		t.Fatal(err)
	}
	got, err := d.Read("web")
	if err != nil {
		t.Fatal(err)
	}
	if got.Stale() {
		t.Errorf("Stale() of a record written now (boot %q) = true, want false", got.BootID)
	}
	tests := []struct {
		bootID string
		want   bool
	}{
		{BootID(), false},
		{"", false}, // unknown: not provably stale
		{"00000000-0000-0000-0000-000000000000", BootID() != "00000000-0000-0000-0000-000000000000"},
		{BootID() + "x", true},
	}
	for _, tc := range tests {
		r := &Record{Name: "web", BootID: tc.bootID}
		if got := r.Stale(); got != tc.want {
			t.Errorf("Record{BootID: %q}.Stale() = %v, want %v (boot %q)", tc.bootID, got, tc.want, BootID())
		}
	}
}

func TestLockSerializes(t *testing.T) {
	d := openDir(t)
	first, err := d.Lock("web")
	if err != nil {
		t.Fatalf("Lock(web) = %v", err)
	}

	var mu sync.Mutex
	var events []string
	event := func(e string) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e)
	}
	type result struct {
		l   *Lock
		err error
	}
	starting := make(chan struct{})
	acquired := make(chan result, 1)
	go func() {
		close(starting)
		l, err := d.Lock("web")
		event("second locked")
		acquired <- result{l, err}
	}()
	<-starting
	// Give a broken Lock the chance to return; a working one blocks.
	select {
	case r := <-acquired:
		r.l.Unlock()
		first.Unlock()
		t.Fatalf("Lock(web) = %v, %v while another Lock held it, want it to wait", r.l, r.err)
	case <-time.After(50 * time.Millisecond):
	}
	event("first unlocking")
	first.Unlock()
	r := <-acquired
	if r.err != nil {
		t.Fatalf("Lock(web) after Unlock = %v", r.err)
	}
	defer r.l.Unlock()
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"first unlocking", "second locked"}; !cmp.Equal(events, want) {
		t.Errorf("events = %q, want %q", events, want)
	}
}

func TestTryLock(t *testing.T) {
	d := openDir(t)
	held, err := d.Lock("web")
	if err != nil {
		t.Fatalf("Lock(web) = %v", err)
	}
	l, ok, err := d.TryLock("web")
	if l != nil || ok || err != nil {
		t.Errorf("TryLock(web) while held = %v, %v, %v, want nil, false, nil", l, ok, err)
	}

	// Another name is another lock: jails lock independently.
	other, ok, err := d.TryLock("db")
	if other == nil || !ok || err != nil {
		t.Errorf("TryLock(db) while web is held = %v, %v, %v, want a lock, true, nil", other, ok, err)
	}
	other.Unlock()

	held.Unlock()
	l, ok, err = d.TryLock("web")
	if l == nil || !ok || err != nil {
		t.Fatalf("TryLock(web) after Unlock = %v, %v, %v, want a lock, true, nil", l, ok, err)
	}
	// And a TryLock holds the lock as Lock does.
	l2, ok, err := d.TryLock("web")
	if l2 != nil || ok || err != nil {
		t.Errorf("TryLock(web) while TryLock holds it = %v, %v, %v, want nil, false, nil", l2, ok, err)
	}
	l.Unlock()
	l.Unlock() // a second Unlock does nothing
	var none *Lock
	none.Unlock() // nor does Unlock of no lock

	l3, ok, err := d.TryLock("web")
	if !ok || err != nil {
		t.Errorf("TryLock(web) after the TryLock's Unlock = %v, %v, %v, want a lock, true, nil", l3, ok, err)
	}
	l3.Unlock()
}

func TestLockAlloc(t *testing.T) {
	d := openDir(t)
	a, err := d.LockAlloc()
	if err != nil {
		t.Fatalf("LockAlloc() = %v", err)
	}
	defer a.Unlock()
	// The allocation lock is not any jail's lock.
	l, ok, err := d.TryLock("web")
	if !ok || err != nil {
		t.Errorf("TryLock(web) while LockAlloc is held = %v, %v, %v, want a lock, true, nil", l, ok, err)
	}
	l.Unlock()
	entries, _ := os.ReadDir(d.Path)
	var files []string
	for _, e := range entries {
		files = append(files, e.Name())
	}
	if !slices.Contains(files, ".alloc.lock") {
		t.Errorf("files with LockAlloc held = %q, want .alloc.lock among them", files)
	}
}

func TestDirFromEnv(t *testing.T) {
	tests := []struct {
		flag, env string
		want      string
	}{
		{"", "", DefaultDir},
		{"", "/tmp/env-state", "/tmp/env-state"},
		{"/tmp/flag-state", "", "/tmp/flag-state"},
		{"/tmp/flag-state", "/tmp/env-state", "/tmp/flag-state"},
	}
	for _, tc := range tests {
		t.Setenv(EnvDir, tc.env)
		if got := DirFromEnv(tc.flag); got != tc.want {
			t.Errorf("DirFromEnv(%q) with $%s=%q = %q, want %q", tc.flag, EnvDir, tc.env, got, tc.want)
		}
	}
	if DefaultDir != "/run/vjail" || EnvDir != "VJAIL_STATE_DIR" {
		t.Errorf("DefaultDir, EnvDir = %q, %q, want %q, %q", DefaultDir, EnvDir, "/run/vjail", "VJAIL_STATE_DIR")
	}
}

func TestClaims(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.ClaimNext("jid", 1, 3, "a")
	if err != nil || a != 1 {
		t.Fatalf("ClaimNext(a) = %d, %v; want 1", a, err)
	}
	if err := d.Write(&Record{Name: "a", JID: 1}); err != nil {
		t.Fatal(err)
	}
	// b's claim of 2 is stale: b has no record, so c may take 2 later.
	if n, _ := d.ClaimNext("jid", 1, 3, "b"); n != 2 {
		t.Fatalf("ClaimNext(b) = %d, want 2", n)
	}
	if err := d.Claim("jid", 1, "c"); !errors.Is(err, ErrClaimed) {
		t.Errorf("Claim(1, c) while a holds it = %v, want ErrClaimed", err)
	}
	if err := d.Claim("jid", 2, "c"); err != nil {
		t.Errorf("Claim(2, c) over b's stale claim = %v", err)
	}
	if n, _ := d.ClaimNext("jid", 1, 3, "d"); n != 3 {
		t.Errorf("ClaimNext(d) = %d, want 3 (after the last handed out)", n)
	}
	if err := d.Remove("a"); err != nil {
		t.Fatal(err)
	}
	if err := d.Claim("jid", 1, "e"); err != nil {
		t.Errorf("Claim(1, e) after a was removed = %v", err)
	}
}

type plainRecord Record

// TestGeneratedJSON checks state_easyjson.go against Record.
func TestGeneratedJSON(t *testing.T) {
	jsoncheck.Agree[Record, plainRecord](t)
}
