#!/bin/sh
# test.sh: every check and test tier this machine can run. .ci/run calls it
# after installing what a clean machine lacks; README.md documents it.
set -eu
cd "$(dirname "$0")"
[ -x /usr/local/go/bin/go ] && PATH=/usr/local/go/bin:$PATH
export PATH

step() { printf '\n== %s\n' "$*"; }

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

step "go vet"
go vet ./...

step "GOOS=freebsd go build (the FreeBSD side of the platform seam)"
GOOS=freebsd go build ./...

step "go test (all tiers; root tests need root)"
go test -race -count=1 -timeout 30m ./...

step "fuzz the jail.conf parser (200,000 inputs)"
# Minimizing a new input may take the fuzzer's default 60 s of one core;
# a short bound keeps the suite's time predictable. A crash is still
# reported, with its input, as found.
go test ./internal/jailconf -run '^$' -fuzz FuzzParse -fuzztime 200000x -fuzzminimizetime 5s

step "benchmarks, once each (figures, not assertions)"
go test ./... -run '^$' -bench . -benchtime 1x

echo
echo "all tests passed"
