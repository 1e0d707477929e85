#!/bin/sh
# demo.sh: the main job. Builds vjail and shows how it reads the seed talk's
# jail.conf (examples/seed/jail.conf), as jail(8) would. The runtime issue
# turns this into the full consolidation demo.
set -eu
cd "$(dirname "$0")"
[ -x /usr/local/go/bin/go ] && PATH=/usr/local/go/bin:$PATH
export PATH

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "Building vjail"
run go build -o bin/vjail ./cmd/vjail
run bin/vjail version

say "The seed's jail.conf"
cat examples/seed/jail.conf

say "Checking it (problems would appear as FILE:LINE:COL: message)"
run bin/vjail -v config check -f examples/seed/jail.conf

say "serverA as jail(8) resolves it: globals, +=, \${name} expanded"
run bin/vjail config show -f examples/seed/jail.conf serverA

say "The same as JSON, for scripts"
run bin/vjail config show -f examples/seed/jail.conf --json serverA

say "A mistake, reported with its position and a suggestion"
printf 'serverB {\n\tvnet;\n\tvnet.intreface = "em1";\n\tpath = "/jails/$nmae";\n}\n' > bin/mistake.conf
cat -n bin/mistake.conf
printf '$ bin/vjail config check -f bin/mistake.conf\n'
if bin/vjail config check -f bin/mistake.conf; then
	echo "unexpected: the mistake was not found" >&2
	exit 1
fi

say "Done"
echo "Every parameter vjail knows and how Linux honours it: bin/vjail config params"
