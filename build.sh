#!/bin/sh
# build.sh: builds bin/vjail as one static binary that carries the jails'
# init, itself a static binary, embedded (see internal/host/initbin).
#
# The init is built with cgo and linked statically: a jail's init executes
# its binary again inside the jail, whose root lacks the host's loader and
# C library, as a small C init of a few dozen KiB once the jail is idle
# (internal/host/linuxns/idle_cgo_linux.go). vjail itself needs no cgo and
# is built without it: a static C library costs each process about 0.5 ms
# of start-up. A plain `go build ./cmd/vjail` works too, but its jails run
# vjail itself as their init, and with cgo keep the Go init (about 1.6 MiB
# more per jail).
set -eu
cd "$(dirname "$0")"
[ -x /usr/local/go/bin/go ] && PATH=/usr/local/go/bin:$PATH
export PATH
out=${1:-bin/vjail}
init=internal/host/initbin/vjail-init
# Built beside its final name and renamed: builds may run side by side.
CGO_ENABLED=1 go build -tags netgo,osusergo -ldflags '-s -w -linkmode=external -extldflags=-static' -o "$init.$$" ./cmd/vjail-init
mv -f "$init.$$" "$init"
CGO_ENABLED=0 go build -tags vjail_embedinit -o "$out" ./cmd/vjail
