package jail

import "github.com/vjail/vjail/internal/jailconf"

// Level says how a backend honours a jail.conf parameter.
type Level uint8

const (
	// Native: the parameter means on this platform what it means to
	// FreeBSD's jail(8).
	Native Level = iota
	// Mapped: honoured through this platform's equivalent (How says which).
	Mapped
	// Partial: honoured, with a difference an administrator should know.
	Partial
	// Unsupported: this platform cannot honour it. A jail that asks for it
	// is never silently accepted: `config check` warns about it.
	Unsupported
)

func (l Level) String() string {
	switch l {
	case Native:
		return "native"
	case Mapped:
		return "mapped"
	case Partial:
		return "partial"
	case Unsupported:
		return "unsupported"
	}
	return "unknown"
}

// Support is how a backend honours one parameter.
type Support struct {
	Level Level
	// How explains the mapping, the difference or why it cannot be done.
	How string
	// FalseIsNative marks a boolean whose false value (the restriction) is
	// always honoured, so only asking for true needs the Level's caveat.
	FalseIsNative bool
	// NativeValues are values that are honoured exactly whatever Level
	// says of the others (children.max = 0, securelevel = -1).
	NativeValues []string
}

// Concerns reports whether p's value makes the caveat of s apply.
func (s Support) Concerns(info *jailconf.ParamInfo, p *jailconf.ResolvedParam) bool {
	if s.Level == Native || s.Level == Mapped {
		return false
	}
	if s.FalseIsNative && info.Kind == jailconf.KindBool && !p.Bool() {
		return false
	}
	last := ""
	if n := len(p.Values); n > 0 {
		last = p.Values[n-1]
	}
	if info.Kind == jailconf.KindJailsys {
		last = p.Jailsys()
	}
	for _, v := range s.NativeValues {
		if last == v {
			return false
		}
	}
	return true
}

// linuxSupport is the Linux backend's answer for every known parameter. A
// parameter missing here is Unsupported (TestLinuxSupportComplete keeps the
// table complete). It has no build tag so that it is tested everywhere.
var linuxSupport = map[string]Support{
	// Identity and root.
	"name":            {Level: Native, How: "the jail's name in vjail's state and in jls-style listings"},
	"jid":             {Level: Mapped, How: "a vjail jail ID, unique on the host while the jail runs"},
	"path":            {Level: Mapped, How: "pivot_root(2) into path in the jail's own mount namespace"},
	"host.hostname":   {Level: Mapped, How: "the hostname of the jail's own UTS namespace"},
	"host.domainname": {Level: Mapped, How: "the NIS domain name of the jail's own UTS namespace"},
	"host":            {Level: Partial, How: "the jail always has its own UTS namespace (new); inherit is not honoured", NativeValues: []string{"new"}},
	"host.hostuuid":   {Level: Unsupported, How: "Linux has no per-namespace host UUID"},
	"host.hostid":     {Level: Unsupported, How: "Linux has no per-namespace host ID"},
	"persist":         {Level: Mapped, How: "vjail's init (PID 1 of the jail) keeps the jail alive without processes"},
	"securelevel":     {Level: Unsupported, How: "Linux has no securelevel; the jail's restrictions come from allow.*, capabilities and seccomp", NativeValues: []string{"-1"}},
	"enforce_statfs":  {Level: Partial, How: "the jail always sees only its own mount namespace, as with enforce_statfs=2", NativeValues: []string{"2"}},
	"children.max":    {Level: Partial, How: "above 0 lets the jail create namespaces (unshare, containers of its own), which it may not otherwise; the number is not enforced", NativeValues: []string{"0"}},
	"children.cur":    {Level: Native, How: "read-only"},
	"cpuset.id":       {Level: Native, How: "read-only"},
	"dying":           {Level: Native, How: "read-only"},
	"parent":          {Level: Native, How: "read-only"},
	"osrelease":       {Level: Unsupported, How: "a Linux namespace cannot change the kernel release that uname(2) reports"},
	"osreldate":       {Level: Unsupported, How: "a Linux namespace cannot change the kernel version"},
	"meta":            {Level: Unsupported, How: "FreeBSD 15 jail metadata has no Linux equivalent yet"},
	"env":             {Level: Unsupported, How: "FreeBSD 15 jail metadata has no Linux equivalent yet"},

	// Networking.
	"vnet":         {Level: Mapped, How: "new: the jail's own network namespace with only lo; inherit: the host's network stack"},
	"ip4":          {Level: Partial, How: "only inherit and disable are honoured; new needs ip4.addr restrictions", NativeValues: []string{"inherit", "disable"}},
	"ip6":          {Level: Partial, How: "only inherit and disable are honoured; new needs ip6.addr restrictions", NativeValues: []string{"inherit", "disable"}},
	"ip4.addr":     {Level: Unsupported, How: "address restriction of a non-vnet jail is not yet available on Linux; use vnet"},
	"ip6.addr":     {Level: Unsupported, How: "address restriction of a non-vnet jail is not yet available on Linux; use vnet"},
	"ip4.saddrsel": {Level: Unsupported, How: "only meaningful with ip4.addr on a non-vnet jail"},
	"ip6.saddrsel": {Level: Unsupported, How: "only meaningful with ip6.addr on a non-vnet jail"},

	// System V IPC.
	"sysvmsg": {Level: Partial, How: "the jail always has its own IPC namespace (new), one for messages, semaphores and shared memory together; allow.sysvipc decides whether it may use it", NativeValues: []string{"new"}},
	"sysvsem": {Level: Partial, How: "the jail always has its own IPC namespace (new), one for messages, semaphores and shared memory together; allow.sysvipc decides whether it may use it", NativeValues: []string{"new"}},
	"sysvshm": {Level: Partial, How: "the jail always has its own IPC namespace (new), one for messages, semaphores and shared memory together; allow.sysvipc decides whether it may use it", NativeValues: []string{"new"}},

	// Permissions.
	"allow.set_hostname":                  {Level: Mapped, How: "sethostname(2) in the jail's own UTS namespace; false denies it with seccomp"},
	"allow.sysvipc":                       {Level: Mapped, How: "System V IPC in the jail's own IPC namespace; false denies it with seccomp"},
	"allow.raw_sockets":                   {Level: Mapped, How: "CAP_NET_RAW, dropped from the bounding set when false"},
	"allow.mount":                         {Level: Mapped, How: "the mount system calls inside the jail's own mount namespace (denied by seccomp when false)"},
	"allow.mount.procfs":                  {Level: Partial, How: "with allow.mount, every file system a user namespace may mount (proc, sysfs, tmpfs, bind, FUSE) is allowed; the allow.mount.* choices are not separate yet"},
	"allow.mount.linprocfs":               {Level: Partial, How: "as allow.mount.procfs"},
	"allow.mount.linsysfs":                {Level: Partial, How: "as allow.mount.procfs"},
	"allow.mount.tmpfs":                   {Level: Partial, How: "as allow.mount.procfs"},
	"allow.mount.nullfs":                  {Level: Partial, How: "as allow.mount.procfs (nullfs is a bind mount)"},
	"allow.mount.fusefs":                  {Level: Partial, How: "as allow.mount.procfs; /dev/fuse is not in a jail's /dev yet"},
	"allow.mount.fdescfs":                 {Level: Partial, How: "as allow.mount.procfs (/dev/fd is a link to /proc/self/fd)"},
	"allow.mount.devfs":                   {Level: Unsupported, How: "devtmpfs cannot be mounted inside a user namespace", FalseIsNative: true},
	"allow.mount.lindebugfs":              {Level: Unsupported, How: "debugfs exposes the host kernel", FalseIsNative: true},
	"allow.mount.p9fs":                    {Level: Unsupported, How: "9p mounts are not available inside a user namespace", FalseIsNative: true},
	"allow.mount.zfs":                     {Level: Unsupported, How: "no ZFS delegation on Linux yet", FalseIsNative: true},
	"allow.mlock":                         {Level: Mapped, How: "CAP_IPC_LOCK, dropped from the bounding set when false"},
	"allow.socket_af":                     {Level: Mapped, How: "false: socket(2) and socketpair(2) answer EAFNOSUPPORT, as FreeBSD's do, for families other than local, IPv4, IPv6, netlink (the route socket) and packet (which also needs allow.raw_sockets), by the seccomp filter; raw sockets follow allow.raw_sockets"},
	"allow.reserved_ports":                {Level: Partial, How: "root in a vnet jail may always bind ports below 1024 of its own stack; a jail without vnet never can on the host's"},
	"allow.suser":                         {Level: Mapped, How: "false: every capability is dropped from the bounding set, so root in the jail has no privilege"},
	"allow.unprivileged_proc_debug":       {Level: Partial, How: "not restricted yet: users in the jail may debug their own processes", NativeValues: []string{"1", "true"}},
	"allow.routing":                       {Level: Partial, How: "a vnet jail always has its own routing table; a non-vnet jail never changes the host's", FalseIsNative: true},
	"allow.extattr":                       {Level: Partial, How: "user.* extended attributes only; the system namespace needs host privilege", FalseIsNative: true},
	"allow.chflags":                       {Level: Unsupported, How: "immutable and append-only flags need CAP_LINUX_IMMUTABLE on the host", FalseIsNative: true},
	"allow.quotas":                        {Level: Unsupported, How: "quota control needs host privilege", FalseIsNative: true},
	"allow.read_msgbuf":                   {Level: Unsupported, How: "the kernel log (dmesg) is the host's; it stays hidden from jails", FalseIsNative: true},
	"allow.adjtime":                       {Level: Unsupported, How: "the clock is the host's; jails cannot adjust it", FalseIsNative: true},
	"allow.settime":                       {Level: Unsupported, How: "the clock is the host's; jails cannot set it", FalseIsNative: true},
	"allow.nfsd":                          {Level: Unsupported, How: "the kernel NFS server cannot run in a Linux namespace", FalseIsNative: true},
	"allow.vmm":                           {Level: Unsupported, How: "/dev/kvm is not passed into jails", FalseIsNative: true},
	"allow.vmm_ppt":                       {Level: Unsupported, How: "PCI pass-through is not available to jails", FalseIsNative: true},
	"allow.setaudit":                      {Level: Unsupported, How: "Linux audit is not namespaced", FalseIsNative: true},
	"allow.unprivileged_parent_tampering": {Level: Unsupported, How: "jails inside jails are not supported", FalseIsNative: true},
	"devfs_ruleset":                       {Level: Partial, How: "mount.devfs always gives the device set of FreeBSD's jail ruleset 4 (devfsrules_jail); other rulesets are not read"},

	// FreeBSD-only subsystems.
	"linux":              {Level: Unsupported, How: "Linux ABI emulation is FreeBSD's; on Linux every jail runs natively"},
	"linux.osname":       {Level: Unsupported, How: "Linux ABI emulation is FreeBSD's"},
	"linux.osrelease":    {Level: Unsupported, How: "Linux ABI emulation is FreeBSD's"},
	"linux.oss_version":  {Level: Unsupported, How: "Linux ABI emulation is FreeBSD's"},
	"mac.do":             {Level: Unsupported, How: "mac_do(4) is FreeBSD's"},
	"mac.do.rules":       {Level: Unsupported, How: "mac_do(4) is FreeBSD's"},
	"mac.do.exec_paths":  {Level: Unsupported, How: "mac_do(4) is FreeBSD's"},
	"mac.label":          {Level: Unsupported, How: "FreeBSD MAC labels have no Linux equivalent"},
	"zfs":                {Level: Unsupported, How: "no ZFS delegation on Linux yet"},
	"zfs.mount_snapshot": {Level: Unsupported, How: "no ZFS delegation on Linux yet"},
	"zfs.dataset":        {Level: Unsupported, How: "no ZFS delegation on Linux yet"},

	// vjail's own parameters.
	"rctl.memoryuse":     {Level: Native, How: "the jail's cgroup: memory.max (v2), memory.limit_in_bytes (v1)"},
	"rctl.swapuse":       {Level: Native, How: "the jail's cgroup: memory.swap.max (v2), memory.memsw.limit_in_bytes (v1); needs rctl.memoryuse"},
	"rctl.maxproc":       {Level: Native, How: "the jail's cgroup: pids.max"},
	"rctl.pcpu":          {Level: Native, How: "the jail's cgroup: cpu.max (v2), cpu.cfs_quota_us (v1), over a 100 ms period"},
	"vnet.rdr":           {Level: Native, How: "nftables tables of the jail's own (ip and ip6 vjail-NAME): dnat from the host's local addresses, removed with the jail"},
	"vnet.bridge":        {Level: Native, How: "a veth pair per value, its jail end born in the jail as eth0, eth1, ...; its host end on the bridge"},
	"vnet.addr":          {Level: Native, How: "addresses on the jail's epairs, static IPv6 ones usable at once (no duplicate address detection); slaac takes router advertisements, which other epairs ignore; dhcp runs vjail's DHCP client inside the jail"},
	"vnet.defaultrouter": {Level: Native, How: "default routes in the jail's own routing table"},

	// jail(8)'s own parameters.
	"allow.dying":           {Level: Native, How: "Linux has no dying jails; nothing to wait for"},
	"command":               {Level: Native, How: "run inside the jail as exec.start is"},
	"depend":                {Level: Native, How: "start and stop order"},
	"exec.clean":            {Level: Native, How: "the clean environment jail(8) gives"},
	"exec.consolelog":       {Level: Native, How: "output of commands run in the jail"},
	"exec.created":          {Level: Native, How: "run on the host after the jail exists"},
	"exec.jail_user":        {Level: Native, How: "looked up in the jail's /etc/passwd"},
	"exec.poststart":        {Level: Native, How: "run on the host"},
	"exec.poststop":         {Level: Native, How: "run on the host"},
	"exec.prepare":          {Level: Native, How: "run on the host"},
	"exec.prestart":         {Level: Native, How: "run on the host"},
	"exec.prestop":          {Level: Native, How: "run on the host"},
	"exec.release":          {Level: Native, How: "run on the host"},
	"exec.start":            {Level: Native, How: "run inside the jail; an init alone (\"/sbin/init\") becomes its PID 1 and boots the userland"},
	"exec.stop":             {Level: Native, How: "run inside the jail"},
	"exec.system_jail_user": {Level: Native, How: "exec.jail_user is looked up in the host's password database and used by number in the jail"},
	"exec.system_user":      {Level: Native, How: "host commands run as this user"},
	"exec.timeout":          {Level: Native, How: "limit on each command"},
	"exec.fib":              {Level: Unsupported, How: "FreeBSD FIBs have no direct Linux equivalent; use vnet for separate routing"},
	"stop.timeout":          {Level: Native, How: "grace period before remaining processes are killed"},
	"mount":                 {Level: Mapped, How: "fstab(5) lines; FreeBSD types map to Linux ones (nullfs: bind, procfs: proc, fdescfs: /dev/fd)"},
	"mount.fstab":           {Level: Mapped, How: "fstab(5) files, read as the mount parameter"},
	"mount.devfs":           {Level: Mapped, How: "a minimal /dev (tmpfs) with the jail's own devpts, as FreeBSD's jail ruleset exposes"},
	"mount.fdescfs":         {Level: Mapped, How: "/dev/fd, /dev/stdin, /dev/stdout, /dev/stderr as links into /proc/self/fd, in mount.devfs's /dev"},
	"mount.procfs":          {Level: Mapped, How: "Linux procfs on /proc, of the jail's own pid namespace"},
	"vnet.interface":        {Level: Mapped, How: "the host link moves into the jail's network namespace and is handed back under its name, up if it was, when the jail stops; vjail holds the jail's network namespace while it lends links, so that after a kill -9 of the jail or of vjail the next command still hands them back"},
	"interface":             {Level: Unsupported, How: "adding ip4.addr/ip6.addr aliases to a host interface is not yet available; use vnet"},
	"ip_hostname":           {Level: Unsupported, How: "depends on ip4.addr/ip6.addr on a non-vnet jail"},
}

// Concern is a parameter that a jail sets and the backend cannot fully
// honour.
type Concern struct {
	Param   *jailconf.ResolvedParam
	Support Support
}

// Concerns lists the parameters of j whose values this platform's backend
// cannot fully honour.
func Concerns(j *jailconf.Jail) []Concern { return concerns(j, ParamSupport) }

// linuxConcerns is Concerns for the Linux backend on any platform, so that
// its table is tested everywhere.
func linuxConcerns(j *jailconf.Jail) []Concern {
	return concerns(j, func(name string) Support {
		if s, ok := linuxSupport[name]; ok {
			return s
		}
		return Support{Level: Unsupported}
	})
}

func concerns(j *jailconf.Jail, support func(string) Support) []Concern {
	var out []Concern
	for i := range j.Params {
		p := &j.Params[i]
		info, _, ok := jailconf.LookupParam(p.Name)
		if !ok || info.ReadOnly {
			continue
		}
		s := support(info.Name)
		if s.Concerns(info, p) {
			out = append(out, Concern{Param: p, Support: s})
		}
	}
	return out
}
