#!/bin/sh
# demo.sh: the main job. Builds vjail, puts a small busybox userland under
# a jails directory, and runs the seed talk's jail.conf for real: serverA
# starts as a vnet jail, /etc/rc runs inside it and starts a web server,
# and the demo looks around inside before stopping it. Run as root.
# Everything lives under $VJAIL_DEMO_DIR (default /var/tmp/vjail-demo) and
# is removed at the end; no traffic leaves the jail's own loopback.
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
cleanup() {
	"$vjail" -f "$demo/jail.conf" stop >/dev/null 2>&1 || true
	rm -rf "$demo"
}
trap cleanup EXIT
cleanup
mkdir -p "$demo/jails"
chmod 700 "$demo"  # jail roots sit below a directory only root can enter

say "Building vjail"
run ./build.sh
run bin/vjail version

say "A userland under $demo/jails/serverA (the seed copies a machine; here, busybox)"
root="$demo/jails/serverA"
mkdir -p "$root/bin" "$root/etc" "$root/proc" "$root/dev" "$root/tmp" "$root/root" "$root/var/www"
cp /bin/busybox "$root/bin/"
for c in sh ls ps cat echo hostname id ip wget httpd sleep login; do ln -s busybox "$root/bin/$c"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
echo '<h1>Hello from serverA</h1>' > "$root/var/www/index.html"
cat > "$root/etc/rc" <<'EOF'
#!/bin/sh
echo "rc: $(hostname) is starting its services"
httpd -p 80 -h /var/www && echo "rc: httpd listening on port 80"
EOF
ls -l "$root" "$root/etc"

say "The seed's jail.conf, with this demo's paths"
sed -e "s|/jails/|$demo/jails/|g" -e "s|/var/log/|$demo/|g" examples/seed/jail.conf > "$demo/jail.conf"
cat "$demo/jail.conf"
run bin/vjail -v config check -f "$demo/jail.conf"

say "Starting the jails, as /etc/rc.d/jail start does"
run bin/vjail -f "$demo/jail.conf" start
echo "console log ($demo/jail_serverA_console.log):"
sed 's/^/    /' "$demo/jail_serverA_console.log"

say "Running jails, as jls shows them"
run bin/vjail list
echo "serverA's init on the host, idle now (RSS in KiB, mostly pages shared with every other jail's):"
ps -o pid,rss,args -p "$(pgrep -f 'vjail-init __vjail_idle' | head -1)" | cut -c1-60

say "Inside serverA: its own hostname, processes and network stack"
run bin/vjail exec serverA hostname
run bin/vjail exec serverA ps
run bin/vjail exec serverA ip addr
run bin/vjail exec serverA wget -qO- http://127.0.0.1/
run bin/vjail exec serverA id
echo "root in the jail is uid $(awk '/^Uid/{print $2}' /proc/$(pgrep -f 'httpd -p 80' | head -1)/status) on the host"
echo "allow.set_hostname = 0, so:"
bin/vjail exec serverA hostname other || true

say "Logging in"
echo "While serverA runs, \`VJAIL_STATE_DIR=$VJAIL_STATE_DIR $vjail console serverA\` gives a root shell on a pseudo-terminal of the jail's own."

say "Stopping, as /etc/rc.d/jail stop does"
run bin/vjail -f "$demo/jail.conf" stop serverA
run bin/vjail list

say "Done"
echo "Everything the demo made under $demo is removed on exit."
