#!/bin/sh
# build.sh: builds bin/vjail as one static binary. Static matters: when a
# jail has started, its init re-executes this binary inside the jail,
# whose root lacks the host's loader and C library, as a small C init of a
# few dozen KiB (see internal/host/linuxns/idle_cgo_linux.go). A dynamic
# build works too, but keeps the Go init (about 1.6 MiB more per jail).
set -eu
cd "$(dirname "$0")"
[ -x /usr/local/go/bin/go ] && PATH=/usr/local/go/bin:$PATH
export PATH
out=${1:-bin/vjail}
CGO_ENABLED=1 go build -tags netgo,osusergo -ldflags '-linkmode=external -extldflags=-static' -o "$out" ./cmd/vjail
