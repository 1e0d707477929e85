package syscallfilter

// Filters says what a jail's parameters let its processes do that its
// seccomp filters would otherwise refuse. The filters of every
// combination are assembled ahead of time (see Jail): add a field and
// run go generate.
type Filters struct {
	// SetHostname: allow.set_hostname (sethostname, setdomainname).
	SetHostname bool
	// Mount: allow.mount (the mount system calls, old and new, and
	// pivot_root).
	Mount bool
	// SysVIPC: allow.sysvipc (System V shared memory, semaphores and
	// message queues).
	SysVIPC bool
	// Namespaces: children.max above 0 (clone and unshare making
	// namespaces, setns).
	Namespaces bool
	// AllSocketFamilies: allow.socket_af (sockets of every address
	// family, not only FreeBSD's local, IPv4, IPv6 and route).
	AllSocketFamilies bool
}

// Variants is the number of distinct Filters.
const Variants = 1 << 5

// Index numbers f from 0 to Variants-1.
func (f Filters) Index() int {
	i := 0
	for bit, set := range []bool{f.SetHostname, f.Mount, f.SysVIPC, f.Namespaces, f.AllSocketFamilies} {
		if set {
			i |= 1 << bit
		}
	}
	return i
}

// FromIndex is Index's inverse.
func FromIndex(i int) Filters {
	return Filters{SetHostname: i&1 != 0, Mount: i&2 != 0, SysVIPC: i&4 != 0, Namespaces: i&8 != 0, AllSocketFamilies: i&16 != 0}
}

// The system calls each allow.* parameter lets a jail make, denied with
// EPERM when it does not.
var (
	HostnameCalls = []string{"sethostname", "setdomainname"}
	MountCalls    = []string{"mount", "umount2", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr", "pivot_root"}
	SysVIPCCalls  = []string{"shmget", "shmat", "shmctl", "shmdt", "semget", "semop", "semctl", "semtimedop", "msgget", "msgsnd", "msgrcv", "msgctl"}
)

// Deny lists the system calls that f's allow.* parameters leave denied.
func (f Filters) Deny() []string {
	var deny []string
	if !f.SetHostname {
		deny = append(deny, HostnameCalls...)
	}
	if !f.Mount {
		deny = append(deny, MountCalls...)
	}
	if !f.SysVIPC {
		deny = append(deny, SysVIPCCalls...)
	}
	return deny
}
