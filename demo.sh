#!/bin/sh
# demo.sh: the main job. Builds vjail, puts small busybox userlands under a
# jails directory, and runs the seed talk's jail.conf for real: serverA and
# serverB start as vnet jails on a host-only bridge, /etc/rc runs inside
# each and starts a web server, and the demo looks around inside and fetches
# pages from the host and from the other jail before stopping them. Run as
# root. Everything lives under $VJAIL_DEMO_DIR (default /var/tmp/vjail-demo)
# and is removed at the end; with VJAIL_DEMO_KEEP=1 the jails keep running
# for `vjail console serverA`, and `./demo.sh clean` removes them later. The machine's own network is never touched:
# the host's side of the jails' network (a host-only bridge, 192.0.2.1/24)
# is made in a network namespace, vjail-demo, that plays the host; on a
# real host the same commands run without the nsenter.
set -eu
cd "$(dirname "$0")"
[ -x /usr/local/go/bin/go ] && PATH=/usr/local/go/bin:$PATH
export PATH

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

if [ "$(id -u)" != 0 ]; then
	echo "demo.sh runs jails and needs root" >&2
	exit 1
fi
if [ ! -x /bin/busybox ]; then
	say "Installing busybox-static for the demo userland"
	apt-get install -y -qq busybox-static >/dev/null
fi
if ! command -v musl-gcc >/dev/null 2>&1; then
	say "Installing musl-tools, for the jails' C init (build.sh)"
	apt-get install -y -qq musl-tools >/dev/null || echo "(without it, build.sh uses the system's C library)"
fi

demo=${VJAIL_DEMO_DIR:-/var/tmp/vjail-demo}
export VJAIL_STATE_DIR="$demo/state"
vjail="$PWD/bin/vjail"
ns=vjail-demo
# vj runs vjail as the host would, in the namespace playing the host.
vj() { nsenter --net=/run/netns/$ns "$vjail" "$@"; }
cleanup() {
	if [ -e /run/netns/$ns ]; then
		vj -f "$demo/jail.conf" stop >/dev/null 2>&1 || true
		vj --networks "$demo/networks.conf" net down >/dev/null 2>&1 || true
		ip netns del $ns
	fi
	rm -rf "$demo"
}
if [ "${1:-}" = clean ]; then
	cleanup
	exit 0
fi
trap cleanup EXIT
cleanup
mkdir -p "$demo/jails"
chmod 700 "$demo"  # jail roots sit below a directory only root can enter
ip netns add $ns
ip -n $ns link set lo up

say "Building vjail"
run ./build.sh
run bin/vjail version

say "The seed's jail.conf, with this demo's paths, and the jails on a bridge"
sed -e "s|/jails/|$demo/jails/|g" -e "s|/var/log/|$demo/|g" -e 's|^serverA { vnet; };$||' examples/seed/jail.conf > "$demo/jail.conf"
cat >> "$demo/jail.conf" <<'EOF'
vnet;
vnet.bridge = "vjdemo0";
serverA { vnet.addr = "192.0.2.10/24"; }
serverB { vnet.addr = "192.0.2.11/24"; }
EOF
cat "$demo/jail.conf"

say "Userlands under $demo/jails (the seed copies a machine; here, busybox)"
for name in serverA serverB; do
	run bin/vjail -f "$demo/jail.conf" create $name --from busybox
	# A service for /etc/rc to start: a web server with a page of its own.
	echo "<h1>Hello from $name</h1>" > "$demo/jails/$name/var/www/index.html"
	printf '#!/bin/sh\n[ "$1" = start ] && httpd -p 80 -h /var/www && echo "rc: httpd listening on port 80"\n' > "$demo/jails/$name/etc/rc.d/S50httpd"
	chmod 755 "$demo/jails/$name/etc/rc.d/S50httpd"
done
ls "$demo/jails/serverA" "$demo/jails/serverA/etc" "$demo/jails/serverA/etc/rc.d"

say "Starting them with the host: rc.conf's jail_enable and jail_list"
run bin/vjail --rc-conf "$demo/rc.conf" enable serverA serverB
cat "$demo/rc.conf"

say "The host's side of the network"
echo "# the host's side: a host-only bridge, the seed's method 2 without a NIC" > "$demo/networks.conf"
echo 'vjdemo0 { addr = "192.0.2.1/24"; }' >> "$demo/networks.conf"
cat "$demo/networks.conf"
run bin/vjail -v config check -f "$demo/jail.conf"

say "Starting the jails, as /etc/rc.d/jail start does at boot"
echo "(vj runs vjail in the network namespace $ns, which plays the host)"
printf '$ vj -f %s --networks %s --rc-conf %s start\n' "$demo/jail.conf" "$demo/networks.conf" "$demo/rc.conf"
vj -f "$demo/jail.conf" --networks "$demo/networks.conf" --rc-conf "$demo/rc.conf" start
echo "console log ($demo/jail_serverA_console.log):"
sed 's/^/    /' "$demo/jail_serverA_console.log"
printf '$ vj --networks %s net show\n' "$demo/networks.conf"
vj --networks "$demo/networks.conf" net show

say "Running jails, as jls shows them"
run bin/vjail list
echo "serverA's init on the host, idle now (RSS in KiB, mostly pages shared with every other jail's):"
ps -o pid,rss,args -p "$(sed -n 's/.*"init_pid": \([0-9]*\).*/\1/p' "$VJAIL_STATE_DIR/serverA.json")"

say "Inside serverA: its own hostname, processes and network stack"
run bin/vjail exec serverA hostname
run bin/vjail exec serverA ps
run bin/vjail exec serverA ip addr
run bin/vjail exec serverA id

say "serverA's web server, from the host and from serverB, over the bridge"
printf '$ (the host) wget -qO- http://192.0.2.10/\n'
nsenter --net=/run/netns/$ns /bin/busybox wget -qO- http://192.0.2.10/
run bin/vjail exec serverB wget -qO- http://192.0.2.10/
echo "root in the jail is uid $(awk '/^Uid/{print $2}' /proc/$(pgrep -f 'httpd -p 80' | head -1)/status) on the host"
echo "allow.set_hostname = 0, so:"
bin/vjail exec serverA hostname other || true

if [ "${VJAIL_DEMO_KEEP:-}" = 1 ]; then
	trap - EXIT
	say "Still running"
	echo "serverA and serverB keep running. Log in to serverA (leave with exit):"
	echo "    VJAIL_STATE_DIR=$VJAIL_STATE_DIR $vjail console serverA"
	echo "Clean up (stops the jails, removes the bridge, the namespace and $demo):"
	echo "    $PWD/demo.sh clean"
	exit 0
fi

say "Stopping, as /etc/rc.d/jail stop does"
printf '$ vj -f %s --rc-conf %s stop\n' "$demo/jail.conf" "$demo/rc.conf"
vj -f "$demo/jail.conf" --rc-conf "$demo/rc.conf" stop
run bin/vjail list
printf '$ vj --networks %s net down\n' "$demo/networks.conf"
vj --networks "$demo/networks.conf" net down

say "Done"
echo "Everything the demo made under $demo is removed on exit."
echo "To log in yourself, keep the jails running with \`VJAIL_DEMO_KEEP=1 $PWD/demo.sh\`;"
echo "it then prints the \`vjail console serverA\` command and how to clean up."
