package jailconf

// paramTable lists every parameter FreeBSD's jail(8) accepts on a current
// system (14.x, 15.0 and main), with the type jail(8) and libjail give it.
//
// The kernel group holds the parameters passed to jail_set(2):
//   - the core ones declared with SYSCTL_JAIL_PARAM* in sys/kern/kern_jail.c
//     (jid, name, path, host.*, ip4.*, ip6.*, vnet, children.*, cpuset.id,
//     persist, dying, parent, osrelease, osreldate, mac.label, ...), with the
//     allow.* flags of its pr_flag_allow table;
//   - meta and env from sys/kern/kern_jailmeta.c;
//   - the allow.mount.<fs> flags that prison_add_vfs() creates for every
//     file system registered with VFCF_JAIL (devfs, fdescfs, fusefs,
//     lindebugfs, linprocfs, linsysfs, nullfs, p9fs, procfs, tmpfs, zfs);
//   - the ones kernel modules add: sysvmsg/sysvsem/sysvshm (sys/kern/sysv_*.c),
//     linux and linux.* (sys/compat/linux/linux_mib.c), zfs and
//     zfs.mount_snapshot (OpenZFS zfs_vfsops.c), mac.do and mac.do.*
//     (sys/security/mac_do), allow.vmm and allow.vmm_ppt (vmm(4)).
//
// Module parameters exist only while their module is loaded, and some core
// ones depend on kernel options (vnet and allow.nfsd on VIMAGE, ip4.* on
// INET, ip6.* on INET6, allow.setaudit on AUDIT, mac.label on MAC).
// ReadOnly marks the CTLFLAG_RD parameters, which the kernel only reports.
//
// The internal group holds jail(8)'s own pseudo-parameters, the intparams
// table of usr.sbin/jail/config.c (enum intparam in usr.sbin/jail/jailp.h),
// which jail(8) consumes itself and never passes to the kernel.
//
// Entries are sorted by name within each group.
var paramTable = []ParamInfo{
	// Kernel parameters (jail_set(2), security.jail.param sysctl tree).
	{Name: "allow.adjtime", Kind: KindBool, Origin: Kernel, Doc: "Privileged jailed processes may slowly adjust the system clock (adjtime(2), ntpd)"},
	{Name: "allow.chflags", Kind: KindBool, Origin: Kernel, Doc: "Jail root is treated as privileged by chflags(2) for system file flags"},
	{Name: "allow.extattr", Kind: KindBool, Origin: Kernel, Doc: "Privileged jailed processes may manage system-namespace extended attributes"},
	{Name: "allow.mlock", Kind: KindBool, Origin: Kernel, Doc: "Jailed processes may lock and unlock physical memory pages (mlock(2))"},
	{Name: "allow.mount", Kind: KindBool, Origin: Kernel, Doc: "Jail root may mount and unmount file system types marked jail-friendly"},
	{Name: "allow.mount.devfs", Kind: KindBool, Origin: Kernel, Doc: "Jail root may mount devfs (needs allow.mount and enforce_statfs below 2)"},
	{Name: "allow.mount.fdescfs", Kind: KindBool, Origin: Kernel, Doc: "Jail root may mount fdescfs (needs allow.mount and enforce_statfs below 2)"},
	{Name: "allow.mount.fusefs", Kind: KindBool, Origin: Kernel, Doc: "Jail root may mount FUSE file systems (needs allow.mount, enforce_statfs < 2)"},
	{Name: "allow.mount.lindebugfs", Kind: KindBool, Origin: Kernel, Doc: "Jail root may mount lindebugfs (needs allow.mount and enforce_statfs below 2)"},
	{Name: "allow.mount.linprocfs", Kind: KindBool, Origin: Kernel, Doc: "Jail root may mount linprocfs (needs allow.mount and enforce_statfs below 2)"},
	{Name: "allow.mount.linsysfs", Kind: KindBool, Origin: Kernel, Doc: "Jail root may mount linsysfs (needs allow.mount and enforce_statfs below 2)"},
	{Name: "allow.mount.nullfs", Kind: KindBool, Origin: Kernel, Doc: "Jail root may mount nullfs (needs allow.mount and enforce_statfs below 2)"},
	{Name: "allow.mount.p9fs", Kind: KindBool, Origin: Kernel, Doc: "Jail root may mount 9P (p9fs) file systems (needs allow.mount, enforce_statfs < 2)"},
	{Name: "allow.mount.procfs", Kind: KindBool, Origin: Kernel, Doc: "Jail root may mount procfs (needs allow.mount and enforce_statfs below 2)"},
	{Name: "allow.mount.tmpfs", Kind: KindBool, Origin: Kernel, Doc: "Jail root may mount tmpfs (needs allow.mount and enforce_statfs below 2)"},
	{Name: "allow.mount.zfs", Kind: KindBool, Origin: Kernel, Doc: "Jail root may mount ZFS datasets delegated to the jail (see zfs-jail(8))"},
	{Name: "allow.nfsd", Kind: KindBool, Origin: Kernel, Doc: "mountd, nfsd and related daemons may run in a suitably set up vnet jail"},
	{Name: "allow.quotas", Kind: KindBool, Origin: Kernel, Doc: "Jail root may administer quotas on the file systems the jail uses"},
	{Name: "allow.raw_sockets", Kind: KindBool, Origin: Kernel, Doc: "Jail root may create raw sockets, so ping and traceroute work inside"},
	{Name: "allow.read_msgbuf", Kind: KindBool, Origin: Kernel, Doc: "Jailed users may read the kernel message buffer (dmesg)"},
	{Name: "allow.reserved_ports", Kind: KindBool, Origin: Kernel, Doc: "Jail root may bind sockets to ports below 1024 (on by default)"},
	{Name: "allow.routing", Kind: KindBool, Origin: Kernel, Doc: "Privileged processes in a non-vnet jail may modify the system routing table"},
	{Name: "allow.set_hostname", Kind: KindBool, Origin: Kernel, Doc: "Jailed processes may change the jail's hostname (on by default)"},
	{Name: "allow.setaudit", Kind: KindBool, Origin: Kernel, Doc: "Privileged jailed processes may set audit session state (setaudit(2))"},
	{Name: "allow.settime", Kind: KindBool, Origin: Kernel, Doc: "Privileged jailed processes may set the system clock; implies allow.adjtime"},
	{Name: "allow.socket_af", Kind: KindBool, Origin: Kernel, Doc: "Jailed processes may create sockets beyond IPv4, IPv6, local and route"},
	{Name: "allow.suser", Kind: KindBool, Origin: Kernel, Doc: "The jail's security.bsd.suser_enabled: whether uid 0 is privileged inside"},
	{Name: "allow.sysvipc", Kind: KindBool, Origin: Kernel, Doc: "Deprecated System V IPC access, like sysvmsg, sysvsem and sysvshm = inherit"},
	{Name: "allow.unprivileged_parent_tampering", Kind: KindBool, Origin: Kernel, Doc: "Unprivileged parent-side processes may signal, debug or cpuset same-uid jailed ones"},
	{Name: "allow.unprivileged_proc_debug", Kind: KindBool, Origin: Kernel, Doc: "Unprivileged jailed processes may use process debugging facilities"},
	{Name: "allow.vmm", Kind: KindBool, Origin: Kernel, Doc: "The jail may use vmm(4), e.g. to run bhyve virtual machines"},
	{Name: "allow.vmm_ppt", Kind: KindBool, Origin: Kernel, Doc: "The jail may set up PCI passthrough (ppt) devices for vmm(4) guests"},
	{Name: "children.cur", Kind: KindInt, Origin: Kernel, ReadOnly: true, Doc: "Number of jails below this one, children and their descendants"},
	{Name: "children.max", Kind: KindInt, Origin: Kernel, Doc: "Maximum number of jails that may be created below this one (0 forbids any)"},
	{Name: "cpuset.id", Kind: KindInt, Origin: Kernel, ReadOnly: true, Doc: "ID of the cpuset associated with the jail"},
	{Name: "devfs_ruleset", Kind: KindInt, Origin: Kernel, Doc: "devfs ruleset enforced on devfs mounts in the jail (0 means none)"},
	{Name: "dying", Kind: KindBool, Origin: Kernel, ReadOnly: true, Doc: "True while the jail is in the process of shutting down"},
	{Name: "enforce_statfs", Kind: KindInt, Origin: Kernel, Doc: "Mount points visible in the jail: 0 all, 1 those below its root, 2 its root's"},
	{Name: "env", Kind: KindString, Origin: Kernel, Doc: "key=value strings kept with the jail and readable inside via security.jail.env"},
	{Name: "host", Kind: KindJailsys, Origin: Kernel, Doc: "Whether hostname and the other host.* values are the jail's own or inherited"},
	{Name: "host.domainname", Kind: KindString, Origin: Kernel, Doc: "The jail's NIS domain name"},
	{Name: "host.hostid", Kind: KindInt, Origin: Kernel, Doc: "The jail's host ID (kern.hostid)"},
	{Name: "host.hostname", Kind: KindString, Origin: Kernel, Doc: "The jail's hostname"},
	{Name: "host.hostuuid", Kind: KindString, Origin: Kernel, Doc: "The jail's host UUID (kern.hostuuid)"},
	{Name: "ip4", Kind: KindJailsys, Origin: Kernel, Doc: "IPv4 use: inherit all host addresses, new (only ip4.addr) or disable"},
	{Name: "ip4.addr", Kind: KindList, Origin: Kernel, Doc: "IPv4 addresses the jail is restricted to; the first is its primary address"},
	{Name: "ip4.saddrsel", Kind: KindBool, Origin: Kernel, Doc: "IPv4 source address selection; when off the jail's primary address is used"},
	{Name: "ip6", Kind: KindJailsys, Origin: Kernel, Doc: "IPv6 use: inherit all host addresses, new (only ip6.addr) or disable"},
	{Name: "ip6.addr", Kind: KindList, Origin: Kernel, Doc: "IPv6 addresses the jail is restricted to; the first is its primary address"},
	{Name: "ip6.saddrsel", Kind: KindBool, Origin: Kernel, Doc: "IPv6 source address selection; when off the jail's primary address is used"},
	{Name: "jid", Kind: KindInt, Origin: Kernel, Doc: "Jail identifier, assigned automatically unless given at creation"},
	{Name: "linux", Kind: KindJailsys, Origin: Kernel, Doc: "Whether the jail has its own Linux emulation settings or inherits them"},
	{Name: "linux.osname", Kind: KindString, Origin: Kernel, Doc: "OS name the Linux emulation reports inside the jail"},
	{Name: "linux.osrelease", Kind: KindString, Origin: Kernel, Doc: "Kernel release the Linux emulation reports inside the jail"},
	{Name: "linux.oss_version", Kind: KindInt, Origin: Kernel, Doc: "OSS version the Linux emulation reports inside the jail"},
	{Name: "mac.do", Kind: KindJailsys, Origin: Kernel, Doc: "Whether the jail has its own mac_do(4) configuration, inherits it or disables it"},
	{Name: "mac.do.exec_paths", Kind: KindString, Origin: Kernel, Doc: "Colon-separated executables allowed to make mac_do(4) credential changes"},
	{Name: "mac.do.rules", Kind: KindString, Origin: Kernel, Doc: "mac_do(4) rules saying which credential changes jailed users may make"},
	{Name: "mac.label", Kind: KindString, Origin: Kernel, Doc: "MAC label of the jail, in mac(3) text form"},
	{Name: "meta", Kind: KindString, Origin: Kernel, Doc: "key=value strings kept with the jail and hidden from processes inside it"},
	{Name: "name", Kind: KindString, Origin: Kernel, Doc: "Jail name, usable instead of the jid to refer to the jail"},
	{Name: "osreldate", Kind: KindInt, Origin: Kernel, Doc: "Value of kern.osreldate and uname -K inside the jail"},
	{Name: "osrelease", Kind: KindString, Origin: Kernel, Doc: "Value of kern.osrelease and uname -r inside the jail"},
	{Name: "parent", Kind: KindInt, Origin: Kernel, ReadOnly: true, Doc: "jid of the parent jail, or 0 for a top-level jail"},
	{Name: "path", Kind: KindString, Origin: Kernel, Doc: "Directory that becomes the root of the jail"},
	{Name: "persist", Kind: KindBool, Origin: Kernel, Doc: "Let the jail exist without any processes"},
	{Name: "securelevel", Kind: KindInt, Origin: Kernel, Doc: "The jail's kern.securelevel; never lower than its parent's"},
	{Name: "sysvmsg", Kind: KindJailsys, Origin: Kernel, Doc: "System V message queues: host's (inherit), private (new) or disabled"},
	{Name: "sysvsem", Kind: KindJailsys, Origin: Kernel, Doc: "System V semaphores: host's (inherit), private (new) or disabled"},
	{Name: "sysvshm", Kind: KindJailsys, Origin: Kernel, Doc: "System V shared memory: host's (inherit), private (new) or disabled"},
	{Name: "vnet", Kind: KindJailsys, Origin: Kernel, Doc: "Give the jail its own virtual network stack (new) or use the host's (inherit)"},
	{Name: "zfs", Kind: KindJailsys, Origin: Kernel, Doc: "Whether the jail has its own ZFS jail settings (zfs.*) or inherits them"},
	{Name: "zfs.mount_snapshot", Kind: KindInt, Origin: Kernel, Doc: "1 lets the jail see .zfs snapshot contents, and mount them with allow.mount.zfs"},

	// Internal parameters (jail(8) pseudo-parameters, never passed to the kernel).
	{Name: "allow.dying", Kind: KindBool, Origin: Internal, Doc: "Deprecated and without effect; once allowed changes to a dying jail"},
	{Name: "command", Kind: KindList, Origin: Internal, Doc: "Command run inside the jail at creation; exec.start as given on the command line"},
	{Name: "depend", Kind: KindList, Origin: Internal, Doc: "Jails started before this one and stopped after it"},
	{Name: "exec.clean", Kind: KindBool, Origin: Internal, Doc: "Run commands in a clean environment set up for the target login"},
	{Name: "exec.consolelog", Kind: KindString, Origin: Internal, Doc: "File receiving the output (stdout and stderr) of the commands jail(8) runs"},
	{Name: "exec.created", Kind: KindList, Origin: Internal, Doc: "Host commands run right after the jail is created, before exec.start"},
	{Name: "exec.fib", Kind: KindInt, Origin: Internal, Doc: "Routing table (FIB) set for commands run inside the jail"},
	{Name: "exec.jail_user", Kind: KindString, Origin: Internal, Doc: "User that commands run inside the jail run as"},
	{Name: "exec.poststart", Kind: KindList, Origin: Internal, Doc: "Host commands run after the jail is created and exec.start has finished"},
	{Name: "exec.poststop", Kind: KindList, Origin: Internal, Doc: "Host commands run after the jail is removed"},
	{Name: "exec.prepare", Kind: KindList, Origin: Internal, Doc: "Host commands run before addresses are added and file systems mounted"},
	{Name: "exec.prestart", Kind: KindList, Origin: Internal, Doc: "Host commands run before the jail is created"},
	{Name: "exec.prestop", Kind: KindList, Origin: Internal, Doc: "Host commands run before the jail is removed"},
	{Name: "exec.release", Kind: KindList, Origin: Internal, Doc: "Host commands run last, after unmounting and removing addresses"},
	{Name: "exec.start", Kind: KindList, Origin: Internal, Doc: "Commands run inside the jail when it is created, typically sh /etc/rc"},
	{Name: "exec.stop", Kind: KindList, Origin: Internal, Doc: "Commands run inside the jail before it is removed, e.g. sh /etc/rc.shutdown jail"},
	{Name: "exec.system_jail_user", Kind: KindBool, Origin: Internal, Doc: "Look up exec.jail_user in the host's passwd file rather than the jail's"},
	{Name: "exec.system_user", Kind: KindString, Origin: Internal, Doc: "User that commands run on the host run as"},
	{Name: "exec.timeout", Kind: KindInt, Origin: Internal, Doc: "Seconds a command may run before jail(8) gives up on it"},
	{Name: "interface", Kind: KindString, Origin: Internal, Doc: "Host interface on which the ip4.addr and ip6.addr aliases are added"},
	{Name: "ip_hostname", Kind: KindBool, Origin: Internal, Doc: "Resolve host.hostname and add the addresses found to ip4.addr and ip6.addr"},
	{Name: "mount", Kind: KindList, Origin: Internal, Doc: "fstab(5) lines mounted before creation and unmounted after removal"},
	{Name: "mount.devfs", Kind: KindBool, Origin: Internal, Doc: "Mount devfs on the jail's /dev with devfs_ruleset (default ruleset 4)"},
	{Name: "mount.fdescfs", Kind: KindBool, Origin: Internal, Doc: "Mount fdescfs on the jail's /dev/fd"},
	{Name: "mount.fstab", Kind: KindList, Origin: Internal, Doc: "fstab(5) file(s) of file systems mounted before the jail is created"},
	{Name: "mount.procfs", Kind: KindBool, Origin: Internal, Doc: "Mount procfs on the jail's /proc"},
	{Name: "stop.timeout", Kind: KindInt, Origin: Internal, Doc: "Seconds to wait for jailed processes to exit after SIGTERM (default 10)"},
	{Name: "vnet.interface", Kind: KindList, Origin: Internal, Doc: "Host interfaces moved into the vnet jail after creation, released at removal"},
	{Name: "zfs.dataset", Kind: KindList, Origin: Internal, Doc: "ZFS datasets attached to the jail; requires allow.mount.zfs"},

	// vjail's own parameters: extensions FreeBSD's jail(8) does not know.
	{Name: "vnet.bridge", Kind: KindList, Origin: Extension, Doc: "One epair per value, its host end on this bridge (created if missing); the jail sees eth0, eth1, ..."},
	{Name: "vnet.addr", Kind: KindList, Origin: Extension, Doc: "Addresses inside the jail: ADDR/LEN (IPv4 or IPv6), slaac or dhcp, on eth0 or as ethN|VALUE"},
	{Name: "vnet.defaultrouter", Kind: KindList, Origin: Extension, Doc: "Default routes inside the jail, one IPv4 and/or one IPv6 gateway"},
	{Name: "vnet.rdr", Kind: KindList, Origin: Extension, Doc: "The jail's own port redirects, PROTO HOST-PORT [JAIL-PORT]: the host's port goes to the jail's static address on eth0 while the jail runs"},
	{Name: "rctl.memoryuse", Kind: KindString, Origin: Extension, Doc: "Memory the jail's processes may use in all, as rctl(8)'s memoryuse:deny (512m, 2g); beyond it the kernel reclaims, then kills the biggest"},
	{Name: "rctl.swapuse", Kind: KindString, Origin: Extension, Doc: "Swap the jail may use beyond rctl.memoryuse, as rctl(8)'s swapuse:deny"},
	{Name: "rctl.maxproc", Kind: KindInt, Origin: Extension, Doc: "Processes (and threads) the jail may have at once, as rctl(8)'s maxproc:deny: fork fails beyond it"},
	{Name: "rctl.pcpu", Kind: KindInt, Origin: Extension, Doc: "CPU time the jail may use, in percent of one CPU (200 is two CPUs), as rctl(8)'s pcpu:deny"},
}
