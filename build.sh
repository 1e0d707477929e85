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
${CC:-cc} -std=gnu11 -O2 -Wall -Werror -static -s -DVJAIL_IDLE_MAIN -o "$dir/vjail-idle.$$" internal/host/linuxns/idle/idle.c
mv -f "$dir/vjail-idle.$$" "$dir/vjail-idle"
# The floor that `vjail bench` compares a start with: standard library only.
CGO_ENABLED=0 go build -ldflags '-s -w' -o "$dir/vjail-floor.$$" ./cmd/vjail-floor
mv -f "$dir/vjail-floor.$$" "$dir/vjail-floor"
CGO_ENABLED=0 go build -tags vjail_embedinit -o "$out" ./cmd/vjail
