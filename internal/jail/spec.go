package jail

import (
	"errors"
	"fmt"
	"math"
	"net"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vjail/vjail/internal/jailconf"
	"github.com/vjail/vjail/internal/state"
	"github.com/vjail/vjail/internal/vnet"
)

// Spec is what a jail should be, read from its resolved configuration.
// It holds typed values for everything the lifecycle and the backends use;
// the resolved parameters stay available for the rest.
type Spec struct {
	// Block is the name of the jail's block in the configuration, which
	// jail(8) uses in its messages ("5309: created" for a block 5309 that
	// names its jail basejail).
	Block string
	Name  string
	// ConfFile is the configuration the jail came from when it is not
	// the one the Manager was given (rc.d/jail's per-jail files).
	ConfFile string
	JID      int // 0: allocate one
	Path     string
	Hostname string
	Domain   string
	VNet     bool
	Persist  bool

	// The jail(8) sequence, each a list of commands.
	Prepare, Prestart, Created, Start, Poststart []Command
	Prestop, Stop, Poststop, Release             []Command
	// Command is the `command` parameter: one program and its arguments.
	Command []string
	// Boot is set when exec.start runs the userland's own init (see
	// BootsInit): it becomes the jail's PID 1 instead of a command.
	Boot bool

	Clean          bool
	SystemUser     string // host commands run as this user ("" = caller)
	JailUser       string // jail commands run as this user ("" = root)
	SystemJailUser bool   // look JailUser up on the host
	ConsoleLog     string
	ExecTimeout    time.Duration // 0: none
	StopTimeout    time.Duration
	MountDevfs     bool
	MountFdescfs   bool
	MountProcfs    bool
	Mounts         []Mount
	Depend         []string
	Allow          map[string]bool
	VNetInterfaces []string
	// VNetBridges, VNetAddrs and VNetRouters are vjail's vnet.bridge,
	// vnet.addr and vnet.defaultrouter: one epair per bridge.
	VNetBridges []string
	VNetAddrs   []vnet.Addr
	VNetRouters []net.IP
	// VNetRdr are vjail's vnet.rdr: host ports redirected to the jail.
	VNetRdr []vnet.JailRdr
	Params  *jailconf.Jail
	// Invalid is set on a Spec made for a jail whose configuration cannot
	// run, so that the error shows when that jail is selected.
	Invalid error
	// Limits are the rctl.* resource limits.
	Limits        Limits
	DevfsRuleset  string
	EnforceStatfs string
	ExecFib       string
	IPv4Addrs     []string
	IPv6Addrs     []string
}

// Limits are a jail's resource limits, vjail's rctl.* parameters, each
// what rctl(8)'s "jail:NAME:RESOURCE:deny=AMOUNT" rule says; zero is no
// limit.
type Limits struct {
	Memory int64 // rctl.memoryuse, bytes
	Swap   int64 // rctl.swapuse, bytes beyond Memory
	Procs  int64 // rctl.maxproc
	PCPU   int64 // rctl.pcpu, percent of one CPU
}

// RdrTargets are the addresses vnet.rdr redirects to: the jail's first
// static IPv4 and IPv6 addresses on eth0.
func (s *Spec) RdrTargets() (to4, to6 net.IP) {
	for _, a := range s.VNetAddrs {
		if a.If != 0 || a.IP == nil {
			continue
		}
		if a.IP.To4() != nil && to4 == nil {
			to4 = a.IP.To4()
		} else if a.IP.To4() == nil && to6 == nil {
			to6 = a.IP
		}
	}
	return to4, to6
}

// IsZero reports whether no limit is set.
func (l Limits) IsZero() bool { return l == Limits{} }

// ParseAmount reads an rctl(8) amount: a number with an optional
// suffix k, m, g, t or p (powers of 1024, either case, "b" allowed after).
func ParseAmount(v string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	s = strings.TrimSuffix(s, "b")
	mult := int64(1)
	if n := len(s); n > 0 {
		if i := strings.IndexByte("kmgtp", s[n-1]); i >= 0 {
			mult = 1 << (10 * (i + 1))
			s = s[:n-1]
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is not an amount (a positive number with k, m, g or t)", v)
	}
	return n * mult, nil
}

// BootsInit reports whether exec.start is the userland's own init: one
// command, not in the background, whose program is an absolute path named
// like an init ("/sbin/init", "/lib/systemd/systemd", "/sbin/openrc-init").
// FreeBSD's jails have no PID 1 to give; on Linux such a jail boots like a
// machine of its own, its init becoming PID 1 in place of vjail's.
func BootsInit(start []Command) bool {
	if len(start) != 1 || start[0].Background || len(start[0].Argv) == 0 {
		return false
	}
	prog := start[0].Argv[0]
	if !path.IsAbs(prog) {
		return false
	}
	switch path.Base(prog) {
	case "init", "systemd", "openrc-init", "runit-init":
		return true
	}
	return false
}

// DefaultStopTimeout is jail(8)'s stop.timeout default.
const DefaultStopTimeout = 10 * time.Second

// Mount is one fstab(5) line of the mount or mount.fstab parameters.
type Mount struct {
	Source  string
	Target  string // as written: a host path under the jail's path
	Type    string
	Options []string
	Line    string
}

// ParamError is one problem NewSpec found, with the parameter it is
// about ("" for the jail as a whole), so that `vjail config check` can
// say where it is.
type ParamError struct {
	Param string
	Err   error
}

func (e *ParamError) Error() string { return e.Err.Error() }
func (e *ParamError) Unwrap() error { return e.Err }

// Problems lists the ParamErrors in an error of NewSpec.
func Problems(err error) []*ParamError {
	var out []*ParamError
	var walk func(error)
	walk = func(err error) {
		if pe, ok := err.(*ParamError); ok {
			out = append(out, pe)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// firstSet returns the first of names that j sets, or "".
func firstSet(j *jailconf.Jail, names ...string) string {
	for _, n := range names {
		if _, ok := j.Param(n); ok {
			return n
		}
	}
	return ""
}

// ErrInvalid marks a configuration the backend cannot run.
var ErrInvalid = errors.New("invalid jail configuration")

// NewSpec reads a resolved jail's parameters. It fails for a jail that
// resolution marked failed and for values that make no sense to run.
func NewSpec(j *jailconf.Jail) (*Spec, error) {
	if j.Failed {
		return nil, fmt.Errorf("jail %s: %w: see `vjail config check`", j.Name, ErrInvalid)
	}
	s := &Spec{Block: j.Name, Name: j.Name, Params: j, StopTimeout: DefaultStopTimeout, Allow: map[string]bool{}}
	var errs []error
	// bad records a problem with param ("" for the jail as a whole).
	bad := func(param, format string, args ...any) {
		errs = append(errs, &ParamError{Param: param, Err: fmt.Errorf(format, args...)})
	}
	str := func(name string) string { v, _ := j.String(name); return v }
	list := func(name string) []string {
		if p, ok := j.Param(name); ok {
			return p.Values
		}
		return nil
	}
	duration := func(name string, dst *time.Duration) {
		if v, ok := j.String(name); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 0 {
				bad(name, "%s: %q is not a number of seconds", name, v)
				return
			}
			*dst = time.Duration(n) * time.Second
		}
	}

	if v, ok := j.String("name"); ok {
		s.Name = v
	}
	if v, ok := j.String("jid"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n <= 0 {
			bad("jid", "jid: %q is not a positive number", v)
		}
		s.JID = n
	}
	if err := ValidName(s.Name); err != nil {
		bad("name", "%w", err)
	}
	s.Path = str("path")
	switch {
	case s.Path == "":
		bad("path", "path is not set: a jail needs a root directory (path = /jails/%s;)", s.Name)
	case !filepath.IsAbs(s.Path):
		bad("path", "path %s: not an absolute pathname", s.Path)
	case filepath.Clean(s.Path) == "/":
		bad("path", "path %s: vjail does not run a jail on the host's own root", s.Path)
	default:
		s.Path = filepath.Clean(s.Path)
	}
	s.Hostname = str("host.hostname")
	s.Domain = str("host.domainname")
	if p, ok := j.Param("vnet"); ok {
		s.VNet = p.Jailsys() == "new"
	}
	s.Persist = j.Bool("persist")
	for _, c := range []struct {
		name string
		dst  *[]Command
	}{
		{"exec.prepare", &s.Prepare}, {"exec.prestart", &s.Prestart}, {"exec.created", &s.Created},
		{"exec.start", &s.Start}, {"exec.poststart", &s.Poststart}, {"exec.prestop", &s.Prestop},
		{"exec.stop", &s.Stop}, {"exec.poststop", &s.Poststop}, {"exec.release", &s.Release},
	} {
		*c.dst = ParseCommands(list(c.name))
	}
	s.Command = list("command")
	s.Boot = BootsInit(s.Start)
	s.Clean = j.Bool("exec.clean")
	s.SystemUser = str("exec.system_user")
	s.JailUser = str("exec.jail_user")
	s.SystemJailUser = j.Bool("exec.system_jail_user")
	s.ConsoleLog = str("exec.consolelog")
	duration("exec.timeout", &s.ExecTimeout)
	duration("stop.timeout", &s.StopTimeout)
	s.MountDevfs = j.Bool("mount.devfs")
	s.MountFdescfs = j.Bool("mount.fdescfs")
	s.MountProcfs = j.Bool("mount.procfs")
	for _, line := range list("mount") {
		m, err := ParseFstabLine(line)
		if err != nil {
			bad("mount", "mount: %v", err)
			continue
		}
		if m != nil {
			s.Mounts = append(s.Mounts, *m)
		}
	}
	s.Depend = list("depend")
	s.VNetInterfaces = list("vnet.interface")
	s.VNetBridges = list("vnet.bridge")
	for _, v := range list("vnet.addr") {
		a, err := vnet.ParseAddr(v)
		if err != nil {
			bad("vnet.addr", "%w", err)
			continue
		}
		s.VNetAddrs = append(s.VNetAddrs, a)
	}
	for _, v := range list("vnet.defaultrouter") {
		ip := net.ParseIP(v)
		if ip == nil {
			bad("vnet.defaultrouter", "vnet.defaultrouter %q: not an IPv4 or IPv6 address", v)
			continue
		}
		s.VNetRouters = append(s.VNetRouters, ip)
	}
	for _, v := range list("vnet.rdr") {
		r, err := vnet.ParseJailRdr(v)
		if err != nil {
			bad("vnet.rdr", "%w", err)
			continue
		}
		s.VNetRdr = append(s.VNetRdr, r)
	}
	if len(s.VNetRdr) > 0 {
		if to4, to6 := s.RdrTargets(); to4 == nil && to6 == nil {
			bad("vnet.rdr", "vnet.rdr redirects to the jail's static address on eth0: give it one with vnet.addr")
		}
	}
	s.DevfsRuleset = str("devfs_ruleset")
	s.EnforceStatfs = str("enforce_statfs")
	s.ExecFib = str("exec.fib")
	s.IPv4Addrs = list("ip4.addr")
	s.IPv6Addrs = list("ip6.addr")
	for _, l := range []struct {
		name   string
		dst    *int64
		amount bool
	}{
		{"rctl.memoryuse", &s.Limits.Memory, true}, {"rctl.swapuse", &s.Limits.Swap, true},
		{"rctl.maxproc", &s.Limits.Procs, false}, {"rctl.pcpu", &s.Limits.PCPU, false},
	} {
		v, ok := j.String(l.name)
		if !ok {
			continue
		}
		var err error
		if l.amount {
			*l.dst, err = ParseAmount(v)
		} else if *l.dst, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil || *l.dst <= 0 {
			err = fmt.Errorf("%q is not a positive whole number", v)
		}
		if err != nil {
			bad(l.name, "%s: %v", l.name, err)
		}
	}
	if s.Limits.Swap > 0 && s.Limits.Memory == 0 {
		bad("rctl.swapuse", "rctl.swapuse limits swap beyond rctl.memoryuse: set rctl.memoryuse too")
	}
	for _, p := range j.Params {
		info, _, ok := jailconf.LookupParam(p.Name)
		if ok && info.Kind == jailconf.KindBool && strings.HasPrefix(info.Name, "allow.") {
			s.Allow[info.Name] = p.Bool()
		}
	}
	if !s.VNet && (len(s.IPv4Addrs) > 0 || len(s.IPv6Addrs) > 0) {
		bad(firstSet(j, "ip4.addr", "ip6.addr"), "ip4.addr/ip6.addr on a jail without vnet cannot be honoured on %s yet: use vnet (the jail gets its own network stack) or remove the addresses", PlatformName)
	}
	if len(s.VNetInterfaces) > 0 && !s.VNet {
		bad("vnet.interface", "vnet.interface needs vnet: add `vnet;` to the jail")
	}
	if (len(s.VNetBridges) > 0 || len(s.VNetAddrs) > 0 || len(s.VNetRouters) > 0) && !s.VNet {
		bad(firstSet(j, "vnet.bridge", "vnet.addr", "vnet.defaultrouter"), "vnet.bridge, vnet.addr and vnet.defaultrouter need vnet: add `vnet;` to the jail")
	}
	for _, a := range s.VNetAddrs {
		if a.If >= len(s.VNetBridges) {
			bad("vnet.addr", "vnet.addr %s: the jail has no %s: it gets one epair per vnet.bridge value", vnet.JailIfName(a.If), vnet.JailIfName(a.If))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("jail %s: %w: %w", j.Name, ErrInvalid, err)
	}
	return s, nil
}

// ValidName reports whether name can name a jail on the host: vjail uses
// it in file names and cgroup names.
func ValidName(name string) error {
	if name == "" || len(name) > 200 {
		return fmt.Errorf("jail name %q: must be 1 to 200 characters", name)
	}
	for _, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-", c)
		if !ok {
			return fmt.Errorf("jail name %q: only letters, digits, '.', '_' and '-' can name a jail", name)
		}
	}
	if name[0] == '.' || name[0] == '-' || strings.Contains(name, "..") {
		return fmt.Errorf("jail name %q: must not start with '.' or '-' or contain \"..\"", name)
	}
	return nil
}

// unvis decodes the escapes fstab(5) fields use for blanks and
// backslashes (strunvis(3)): \ooo in octal, \\ and \ followed by a blank.
func unvis(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		if i+3 < len(s)+0 && isOctalDigit(s[i+1]) && isOctalDigit(s[i+2]) && isOctalDigit(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i+1])
		i++
	}
	return b.String()
}

func isOctalDigit(c byte) bool { return c >= '0' && c <= '7' }

// ParseFstabLine reads one fstab(5) line: source, target, type, options,
// and the optional dump and pass numbers. Blank lines and comments give nil.
func ParseFstabLine(line string) (*Mount, error) {
	t := strings.TrimSpace(line)
	if t == "" || strings.HasPrefix(t, "#") {
		return nil, nil
	}
	f := strings.Fields(t)
	if len(f) < 3 || len(f) > 6 {
		return nil, fmt.Errorf("%q: an fstab line is SOURCE TARGET TYPE [OPTIONS [DUMP [PASS]]]", line)
	}
	m := &Mount{Source: unvis(f[0]), Target: unvis(f[1]), Type: f[2], Line: line}
	if len(f) >= 4 {
		m.Options = strings.Split(f[3], ",")
	}
	return m, nil
}

// SpecFromRecord rebuilds the spec a running jail was started with, from
// the parameters its state record keeps: `vjail stop` uses it for a jail
// no longer in the configuration.
func SpecFromRecord(rec *state.Record) (*Spec, error) {
	j := &jailconf.Jail{Name: rec.Name}
	if rec.Block != "" {
		j.Name = rec.Block
	}
	for _, p := range rec.Params {
		j.Params = append(j.Params, jailconf.ResolvedParam{Name: p.Name, Values: p.Values})
	}
	s, err := NewSpec(j)
	if err != nil {
		// Enough to remove it.
		return &Spec{Block: j.Name, Name: rec.Name, Path: rec.Path, Params: j, StopTimeout: DefaultStopTimeout}, nil
	}
	return s, nil
}
