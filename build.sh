#!/bin/sh
# build.sh: builds bin/vjail as one static binary that carries the jails'
# init, as two static binaries of its own, embedded (internal/host/initbin):
# the Go init (cmd/vjail-init), and the small C init it becomes once a
# jail is idle (internal/host/linuxns/idle/idle.c), a few dozen KiB of
# memory per jail instead of the Go init's 1.6 MiB. Both are executed
# inside the jail, whose root lacks the host's loader and C library:
# hence static. Neither Go binary uses cgo, whose static C library costs
# each process about 0.5 ms of start-up. A third, `vjail bench`'s floor
# (cmd/vjail-floor), links the standard library only.
#
# A plain `go build ./cmd/vjail` works too, but its jails run vjail itself
# as their init (and with cgo, the C init as a constructor in it).
set -eu
cd "$(dirname "$0")"
[ -x /usr/local/go/bin/go ] && PATH=/usr/local/go/bin:$PATH
export PATH
out=${1:-bin/vjail}
dir=internal/host/initbin
# Built beside their final names and renamed: builds may run side by side.
CGO_ENABLED=0 go build -ldflags '-s -w' -o "$dir/vjail-init.$$" ./cmd/vjail-init
mv -f "$dir/vjail-init.$$" "$dir/vjail-init"
# The C init with musl where it is installed (musl-tools), else with the
# system's static C library: glibc's own start-up (its relocations and CPU
# feature probes) takes 0.2 ms of each process here, musl's next to
# nothing, and a jail's start waits for the init's. musl-gcc sees musl's
# headers only: the kernel's, which the init needs too, are put beside.
cflags="-std=gnu11 -O2 -Wall -Werror -static -s -DVJAIL_IDLE_MAIN"
if [ -z "${CC:-}" ] && command -v musl-gcc >/dev/null 2>&1; then
	kh=$(mktemp -d)
	trap 'rm -rf "$kh"' EXIT
	ln -s /usr/include/linux /usr/include/asm-generic "$kh/"
	ln -s "/usr/include/$(gcc -print-multiarch)/asm" "$kh/asm"
	musl-gcc $cflags -isystem "$kh" -o "$dir/vjail-idle.$$" internal/host/linuxns/idle/idle.c
else
	${CC:-cc} $cflags -o "$dir/vjail-idle.$$" internal/host/linuxns/idle/idle.c
fi
mv -f "$dir/vjail-idle.$$" "$dir/vjail-idle"
# The floor that `vjail bench` compares a start with: standard library only.
CGO_ENABLED=0 go build -ldflags '-s -w' -o "$dir/vjail-floor.$$" ./cmd/vjail-floor
mv -f "$dir/vjail-floor.$$" "$dir/vjail-floor"
CGO_ENABLED=0 go build -tags vjail_embedinit -o "$out" ./cmd/vjail
