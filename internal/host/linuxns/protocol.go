// Package linuxns makes and drives a jail on Linux: the re-executed init
// that is PID 1 inside the jail's namespaces, the parent side that spawns
// it with its user namespace and idmapped root, and the client that asks a
// running init to start commands inside the jail.
//
// Why an init of our own, and why commands are started by it: a Go process
// runs several threads, and the kernel lets only a single-threaded process
// join a mount or user namespace with setns(2). Instead of entering the
// jail from outside, `vjail exec` hands its request (and its standard
// file descriptors, or asks for a pseudo-terminal from the jail's own
// devpts) to the init over a unix socket, and the init forks the command
// inside every namespace at once. The init also reaps orphans, keeps a
// persist jail alive, and holds the namespaces without bind mounts on the
// host.
package linuxns

// The messages below travel as JSON, encoded and decoded by code that
// easyjson generates (protocol_easyjson.go, as go:generate says): the
// init decodes its configuration on the critical path of every start,
// where encoding/json's reflection on first use of a type cost about
// 0.15 ms, and 0.03 ms more for each request and answer, in the init,
// in vjail and in each request helper. protocol_test.go checks that the
// generated code agrees with encoding/json on every field.
//
//go:generate go tool easyjson protocol.go
//go:generate sed -i -e "/easyjson \"github.com.mailru.easyjson\"$/d" -e "/_ easyjson.Marshaler$/d" protocol_easyjson.go

// InitConfig is what the spawned init needs to build the jail's root. It
// travels as JSON on the init's fd 3.
//
//easyjson:json
type InitConfig struct {
	Name     string  `json:"name"`
	Path     string  `json:"path"`
	Hostname string  `json:"hostname"`
	Domain   string  `json:"domain"`
	VNet     bool    `json:"vnet"`
	Persist  bool    `json:"persist"`
	Mounts   []Mount `json:"mounts"`
	// DropCaps are capability numbers removed from the bounding set of
	// everything the init starts (allow.* false).
	DropCaps []int `json:"drop_caps"`
	// Seccomp are the filters, assembled by syscallfilter.Jail, that
	// everything the init starts inherits: each an array of struct
	// sock_filter as the kernel takes it (in JSON, base64, which decodes in a fraction
	// of the time a list of instructions would take).
	Seccomp [][]byte `json:"seccomp"`
	// Idle is set when the init has the small C init's binary on fdIdle
	// and both can run inside the jail (static): the init then goes idle
	// once the jail has started.
	Idle bool `json:"idle,omitempty"`
	// DHCP names the interfaces whose IPv4 address comes from DHCP.
	DHCP []string `json:"dhcp,omitempty"`
}

// Mount is one mount inside the jail, already translated to Linux terms.
type Mount struct {
	// Kind is proc, sysfs, tmpfs, bind, devfs (a minimal /dev) or fdescfs
	// (the /dev/fd links).
	Kind string `json:"kind"`
	// Source is the host path of a bind mount. The parent clones it
	// (idmapped, with its flags) and sends it with the root: FD is its
	// index among the file descriptors the init receives after the root's
	// two.
	Source string `json:"source,omitempty"`
	FD     int    `json:"fd,omitempty"`
	// Target is the path inside the jail, absolute.
	Target   string   `json:"target"`
	ReadOnly bool     `json:"read_only,omitempty"`
	Options  []string `json:"options,omitempty"`
}

// Request is a message to a running init.
//
//easyjson:json
type Request struct {
	// Op is "exec" (start a command), "boot" (make the jail's own init,
	// Argv, its PID 1), "kill" (signal every process but the init),
	// "started" (exec.start is done: a jail without persist may now end
	// with its last process) or "ping".
	Op   string   `json:"op"`
	Argv []string `json:"argv,omitempty"`
	Env  []string `json:"env,omitempty"`
	// User names the user in the jail's /etc/passwd; empty is root. UID and
	// GID, when User is "#", give numeric ids (exec.system_jail_user).
	User string `json:"user,omitempty"`
	UID  uint32 `json:"uid,omitempty"`
	GID  uint32 `json:"gid,omitempty"`
	// Clean gives jail(8)'s clean environment for the user, with TERM from
	// Env.
	Clean bool `json:"clean,omitempty"`
	// Login runs the command in the user's home directory.
	Login bool `json:"login,omitempty"`
	// TTY asks for a pseudo-terminal from the jail's own devpts instead of
	// the caller's file descriptors; Rows and Cols size it.
	TTY  bool   `json:"tty,omitempty"`
	Rows uint16 `json:"rows,omitempty"`
	Cols uint16 `json:"cols,omitempty"`
	// Background returns as soon as the command started.
	Background bool `json:"background,omitempty"`
	// Started, for exec, says that exec.start is done once this command
	// has ended (with Background, once it has started), as a "started"
	// request would, without the extra round trip.
	Started bool `json:"started,omitempty"`
	// Signal and PID are for "kill": PID 0 is every process but the init.
	Signal int `json:"signal,omitempty"`
	PID    int `json:"pid,omitempty"`
}

// Response is the init's answer. For exec, the first response has PID (and
// with TTY, the pty's master fd attached); the second has Exit.
//
//easyjson:json
type Response struct {
	PID   int    `json:"pid,omitempty"`
	Exit  *int   `json:"exit,omitempty"`
	Error string `json:"error,omitempty"`
}

// InitArg is the first argument that makes the init's binary run as a
// jail's init.
const InitArg = "__vjail_init"
