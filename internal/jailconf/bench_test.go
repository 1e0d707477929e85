package jailconf

import (
	"fmt"
	"strings"
	"testing"
)

// benchConfig is a jail.conf of n jails in the seed's style: global
// parameters with variables, a wildcard, and a block per jail.
func benchConfig(n int) []byte {
	var b strings.Builder
	b.WriteString(`$base = "/jails";
host.hostname = "${name}.example.org";
path = "$base/${name}";
exec.clean;
exec.start += "/bin/sh /etc/rc";
exec.stop = "/bin/sh /etc/rc.shutdown jail";
exec.consolelog = "/var/log/jail_${name}_console.log";
mount.devfs;
mount += "procfs $base/${name}/proc procfs rw 0 0";
allow.raw_sockets;
"web.*" { allow.nomount; }
`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "web.s%d {\n\tvnet;\n\tvnet.interface = \"e%db\";\n\texec.start += \"/usr/local/bin/serve %d\";\n}\n", i, i, i)
	}
	return []byte(b.String())
}

// BenchmarkParseResolve measures parsing, loading and resolving a
// configuration of 1,000 to 100,000 jails; it reports time and memory per
// jail so that linear growth shows as flat per-jail figures.
func BenchmarkParseResolve(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		src := benchConfig(n)
		b.Run(fmt.Sprintf("jails=%d", n), func(b *testing.B) {
			ld := memLoader(map[string]string{"jail.conf": string(src)})
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				cfg, diags := ld.LoadFile("jail.conf")
				jails, rd := cfg.Resolve()
				if len(diags)+len(rd) > 0 || len(jails) != n {
					b.Fatalf("resolve: %d jails, %v %v", len(jails), diags, rd)
				}
				if d := Check(cfg, jails); len(d) > 0 {
					b.Fatal(d)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/jail")
		})
	}
}
