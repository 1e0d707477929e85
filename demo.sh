#!/bin/sh
# demo.sh: the main job. Builds vjail, puts small busybox userlands under a
# jails directory, and runs the seed talk's jail.conf for real: serverA and
# serverB start as vnet jails on a host-only bridge, /etc/rc runs inside
# each and starts a web server, and the demo looks around inside and fetches
# pages from the host and from the other jail before stopping them. Run as
# root. Everything lives under $VJAIL_DEMO_DIR (default /var/tmp/vjail-demo)
# and is removed at the end. The machine's own network is never touched:
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
trap cleanup EXIT
cleanup
mkdir -p "$demo/jails"
chmod 700 "$demo"  # jail roots sit below a directory only root can enter
ip netns add $ns
ip -n $ns link set lo up

say "Building vjail"
run ./build.sh
run bin/vjail version

say "Userlands under $demo/jails (the seed copies a machine; here, busybox)"
for name in serverA serverB; do
	root="$demo/jails/$name"
	mkdir -p "$root/bin" "$root/etc" "$root/proc" "$root/dev" "$root/tmp" "$root/root" "$root/var/www"
	cp /bin/busybox "$root/bin/"
	for c in sh ls ps cat echo hostname id ip wget httpd sleep login ping; do ln -s busybox "$root/bin/$c"; done
	echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
	echo 'root:x:0:' > "$root/etc/group"
	echo "<h1>Hello from $name</h1>" > "$root/var/www/index.html"
	cat > "$root/etc/rc" <<'EOF'
#!/bin/sh
echo "rc: $(hostname) is starting its services"
httpd -p 80 -h /var/www && echo "rc: httpd listening on port 80"
EOF
done
ls -l "$demo/jails/serverA" "$demo/jails/serverA/etc"

say "The seed's jail.conf, with this demo's paths, and the jails on a bridge"
sed -e "s|/jails/|$demo/jails/|g" -e "s|/var/log/|$demo/|g" -e 's|^serverA { vnet; };$||' examples/seed/jail.conf > "$demo/jail.conf"
cat >> "$demo/jail.conf" <<'EOF'
vnet;
vnet.bridge = "vjdemo0";
serverA { vnet.addr = "192.0.2.10/24"; }
serverB { vnet.addr = "192.0.2.11/24"; }
EOF
cat "$demo/jail.conf"
echo "# the host's side: a host-only bridge, the seed's method 2 without a NIC" > "$demo/networks.conf"
echo 'vjdemo0 { addr = "192.0.2.1/24"; }' >> "$demo/networks.conf"
cat "$demo/networks.conf"
run bin/vjail -v config check -f "$demo/jail.conf"

say "Starting the jails, as /etc/rc.d/jail start does"
echo "(vj runs vjail in the network namespace $ns, which plays the host)"
printf '$ vj -f %s --networks %s start\n' "$demo/jail.conf" "$demo/networks.conf"
vj -f "$demo/jail.conf" --networks "$demo/networks.conf" start
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

say "Logging in"
echo "While serverA runs, \`VJAIL_STATE_DIR=$VJAIL_STATE_DIR $vjail console serverA\` gives a root shell on a pseudo-terminal of the jail's own."

say "Stopping, as /etc/rc.d/jail stop does"
printf '$ vj -f %s stop\n' "$demo/jail.conf"
vj -f "$demo/jail.conf" stop
run bin/vjail list
printf '$ vj --networks %s net down\n' "$demo/networks.conf"
vj --networks "$demo/networks.conf" net down

say "Done"
echo "Everything the demo made under $demo is removed on exit."
