// Package syscallfilter assembles the seccomp filters that everything
// started in a jail inherits, from what the jail's parameters allow. It
// runs on the host, apart from the jail's init: the syscall tables of
// the library that assembles them cost each process that links them
// about 0.3 ms of start-up, which the init, started once per jail start,
// and its request helpers need not pay. The init only loads the bytes.
package syscallfilter
