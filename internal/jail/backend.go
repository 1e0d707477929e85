package jail

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/containerd/console"

	"github.com/vjail/vjail/internal/state"
)

// Prestarter is a Backend that can start part of the jail name before
// its configuration is read, for its Create to take (the Linux one: an
// early init, see early_linux.go). ReleaseEarly undoes what Create did
// not take; RemoveOrphan, what a vjail killed meanwhile left of it for a
// jail that is not recorded (name "": for every such jail).
type Prestarter interface {
	Prestart(name string)
	ReleaseEarly()
	RemoveOrphan(name string)
}

// Backend is the platform seam: what creating, running inside, and
// removing a jail means on one operating system. The lifecycle (the
// jail(8) sequence, ordering, state, messages) is shared and lives in
// lifecycle.go; backend_linux.go is the Linux implementation.
type Backend interface {
	// Create makes the jail exist and fills rec with what finds it again.
	// rec is already stored with Phase Creating and the names of the host
	// resources Create will make, so that a crash in between leaves
	// nothing Destroy cannot find; Create calls save to store rec again
	// before each step whose undoing needs more (the init that holds the
	// namespaces, a host link about to be lent). On error Create removes
	// what it made.
	Create(ctx context.Context, s *Spec, rec *state.Record, save func() error) error
	// Prepare fills rec, before it is first stored, with the names of the
	// host resources Create will make.
	Prepare(s *Spec, rec *state.Record) error
	// Run runs a command inside the jail and returns its exit status.
	Run(ctx context.Context, rec *state.Record, r RunRequest) (int, error)
	// Boot makes argv, the userland's own init, PID 1 of the jail in
	// place of vjail's, with console (nil: the jail's log) as its standard
	// output and error; requests keep working through what vjail leaves
	// beside it.
	Boot(ctx context.Context, rec *state.Record, argv []string, console *os.File) error
	// Hold keeps the jail from ending by itself while it is being
	// removed, as jail(8) keeps a jail during exec.start.
	Hold(rec *state.Record) error
	// Halt asks a booted jail's own init to shut the jail down, as the
	// platform's container managers do.
	Halt(rec *state.Record) error
	// Started tells the jail that exec.start is done: a jail without
	// persist ends when its last process does.
	Started(rec *state.Record) error
	// Signal sends sig to every process of the jail but its init.
	Signal(rec *state.Record, sig int) error
	// Procs counts the jail's processes, its init included.
	Procs(rec *state.Record) (int, error)
	// Alive reports whether the jail still exists.
	Alive(rec *state.Record) bool
	// Destroy kills whatever remains of the jail and removes every host
	// resource rec names. It is idempotent: absent is success.
	Destroy(ctx context.Context, rec *state.Record) error
	// Addresses lists the jail's network addresses, for `vjail list`.
	Addresses(rec *state.Record) []string
	// Lend moves host link ifname into the running jail, as vnet.interface
	// does at creation, recording it in rec (stored with save before it
	// moves) so that stop hands it back.
	Lend(rec *state.Record, ifname string, save func() error) error
	// Reclaim hands lent link ifname back to the host and forgets it.
	Reclaim(rec *state.Record, ifname string, save func() error) error
	// ReturnInterfaces hands the host links lent to the jail back to the
	// host, under their own names and up if they were.
	ReturnInterfaces(rec *state.Record) error
	// Exists reports whether path names a file in the jail, resolved
	// inside its root (a symlink cannot lead the lookup out of it).
	Exists(rec *state.Record, path string) bool
}

// RunRequest is a command to run inside a jail.
type RunRequest struct {
	Argv []string
	// User is the jail user to run as ("" is root); with UID/GID set and
	// User "#", numeric ids.
	User     string
	UID, GID uint32
	Env      []string
	Clean    bool
	Login    bool
	// Stdin, Stdout, Stderr are passed to the command. With TTY, the
	// command gets a new pseudo-terminal of the jail instead, connected to
	// Terminal.
	Stdin, Stdout, Stderr *os.File
	TTY                   bool
	Terminal              console.Console
	Background            bool
	// Timeout kills the command after this long (exec.timeout); 0 is none.
	Timeout time.Duration
	// Started marks the last command of exec.start (or command): once it
	// returns, the backend knows what Started would tell it.
	Started bool
}

// ErrEnded is the error of a request to a jail that ended, or began to,
// while the request was under way.
var ErrEnded = errors.New("the jail has ended")

// ErrTimeout is returned for a command killed by exec.timeout.
var ErrTimeout = errors.New("timed out")

// creationError is a failure to create the jail that a backend learns of
// only with the jail's first command (the Linux backend sends exec.start's
// first command while the jail's init still builds the jail): it is the
// creation's failure, reported as such, not the command's.
type creationError struct{ err error }

func (e creationError) Error() string { return e.err.Error() }
func (e creationError) Unwrap() error { return e.err }
