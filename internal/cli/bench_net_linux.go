package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

// netBench is what `vjail bench --net` measures, all of it inside network
// namespaces that it makes (one plays the host), never on the machine's
// own network.
type netBench struct {
	StartNoNetMs float64 `json:"start_no_network_ms"`
	StartEpairMs float64 `json:"start_with_epair_ms"`
	EpairCostMs  float64 `json:"epair_cost_ms"`
	NthStartMs   []nth   `json:"nth_start_ms"`
	// SettledStartMs is the start of the last jail on the bridge again,
	// once the host is idle: without what the jails started just before
	// still do (their IPv6 start-up traffic, flooded to every port).
	SettledStartMs float64 `json:"settled_last_start_ms"`
	LoopbackGbps   float64 `json:"loopback_gbps,omitempty"`
	VethGbps       float64 `json:"bare_veth_gbps,omitempty"`
	BareBridgeGbps float64 `json:"bare_bridge_gbps,omitempty"`
	BridgeGbps     float64 `json:"jail_to_jail_bridge_gbps,omitempty"`
	RoutedGbps     float64 `json:"jail_to_outside_routed_gbps,omitempty"`
	NATGbps        float64 `json:"jail_to_outside_nat_gbps,omitempty"`
	ThroughputNote string  `json:"throughput_note,omitempty"`
}

// nth is the median start time of the five jails From..N on one bridge.
type nth struct {
	N    int     `json:"n"`
	From int     `json:"from"`
	Ms   float64 `json:"ms"`
}

// runNetBench measures the cost of networking a jail: start with and
// without an epair on a bridge, the start time of the 1st, 100th and
// jails-th jail on one bridge, and (with iperf3 installed) TCP throughput
// jail to jail over the bridge beside loopback and a bare veth pair, and
// jail to an outside namespace through the host routed and through its
// NAT. The host namespace has two uplinks to the outside one: up0 with
// networks.conf's masquerade, up1 routed (the outside has a route back).
func runNetBench(ctx context.Context, e *env, self, root string, runs, jails int, asJSON bool) (*netBench, error) {
	dir, err := os.MkdirTemp("", "vjail-bench-net-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ns := fmt.Sprintf("vjail-bench-%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ip netns add: %v: %s", err, out)
	}
	defer exec.Command("ip", "netns", "del", ns).Run()
	out := ns + "-out"
	if out, err := exec.Command("ip", "netns", "add", out).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ip netns add: %v: %s", err, out)
	}
	defer exec.Command("ip", "netns", "del", out).Run()
	for _, c := range [][]string{
		{"ip", "-n", out, "link", "set", "lo", "up"},
		{"ip", "-n", ns, "link", "add", "up0", "type", "veth", "peer", "name", "wan0", "netns", out},
		{"ip", "-n", ns, "link", "add", "up1", "type", "veth", "peer", "name", "wan1", "netns", out},
		{"ip", "-n", ns, "addr", "add", "198.51.100.1/24", "dev", "up0"},
		{"ip", "-n", ns, "addr", "add", "198.51.101.1/24", "dev", "up1"},
		{"ip", "-n", out, "addr", "add", "198.51.100.2/24", "dev", "wan0"},
		{"ip", "-n", out, "addr", "add", "198.51.101.2/24", "dev", "wan1"},
		{"ip", "-n", ns, "link", "set", "up0", "up"},
		{"ip", "-n", ns, "link", "set", "up1", "up"},
		{"ip", "-n", out, "link", "set", "wan0", "up"},
		{"ip", "-n", out, "link", "set", "wan1", "up"},
		{"ip", "-n", out, "route", "add", "10.99.0.0/16", "via", "198.51.101.1"},
	} {
		if o, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("%s: %v: %s", strings.Join(c, " "), err, o)
		}
	}
	stateDir, done, err := benchStateDir("vjail-bench-net-", dir, ns, out)
	if err != nil {
		return nil, err
	}
	defer done()
	conf, networks := filepath.Join(dir, "jail.conf"), filepath.Join(dir, "networks.conf")
	if err := os.WriteFile(networks, []byte("benchbr { addr = \"10.99.255.254/16\"; nat = up0; }\n"), 0o644); err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "path = %q; vnet; persist;\nplain { }\nwired { vnet.bridge = benchbr; vnet.addr = 10.99.255.2/16; }\n", root)
	for i := 1; i <= jails; i++ {
		fmt.Fprintf(&b, "n%d { vnet.bridge = benchbr; vnet.addr = 10.99.%d.%d/16; vnet.defaultrouter = 10.99.255.254; }\n", i, i/250, 1+i%250)
	}
	if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
		return nil, err
	}
	vjail := func(args ...string) error {
		if ctx.Err() != nil && args[0] != "stop" && args[0] != "net" {
			return errInterrupted
		}
		all := append([]string{"--net=/run/netns/" + ns, self, "--state-dir", stateDir, "-f", conf, "--networks", networks}, args...)
		out, err := exec.Command("nsenter", all...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("vjail %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	defer vjail("net", "down")
	defer vjail("stop", "-q")
	progress := func(what string) {
		if !asJSON {
			fmt.Fprintf(e.stderr, "measuring %s...\n", what)
		}
	}
	startStop := func(name string) ([]time.Duration, error) {
		var d []time.Duration
		for i := 0; i < runs; i++ {
			t0 := time.Now()
			if err := vjail("start", "-q", name); err != nil {
				return nil, err
			}
			d = append(d, time.Since(t0))
			if err := vjail("stop", "-q", name); err != nil {
				return nil, err
			}
		}
		return d, nil
	}
	var r netBench
	progress("start without and with an epair")
	plain, err := startStop("plain")
	if err != nil {
		return nil, err
	}
	wired, err := startStop("wired")
	if err != nil {
		return nil, err
	}
	r.StartNoNetMs, r.StartEpairMs = ms(quantile(plain, 0.5)), ms(quantile(wired, 0.5))
	r.EpairCostMs = r.StartEpairMs - r.StartNoNetMs

	progress(fmt.Sprintf("the start of 1 to %d jails on one bridge", jails))
	starts := make([]time.Duration, jails+1)
	for i := 1; i <= jails; i++ {
		t0 := time.Now()
		if err := vjail("start", "-q", fmt.Sprintf("n%d", i)); err != nil {
			return nil, err
		}
		starts[i] = time.Since(t0)
	}
	// Each figure is the median of five starts: the first five, and the
	// five ending at the 100th and at the last jail.
	for _, n := range []int{5, 100, jails} {
		if n <= jails && (len(r.NthStartMs) == 0 || n > r.NthStartMs[len(r.NthStartMs)-1].N) {
			from := max(1, n-4)
			r.NthStartMs = append(r.NthStartMs, nth{N: n, From: from, Ms: ms(quantile(starts[from:n+1], 0.5))})
		}
	}

	// The last one again, each time after a pause: what a start costs
	// beside jails that idle, as a host of consolidated servers has them.
	settled := make([]time.Duration, 0, 5)
	last := fmt.Sprintf("n%d", jails)
	for i := 0; i < 5; i++ {
		if err := vjail("stop", "-q", last); err != nil {
			return nil, err
		}
		time.Sleep(2 * time.Second)
		t0 := time.Now()
		if err := vjail("start", "-q", last); err != nil {
			return nil, err
		}
		settled = append(settled, time.Since(t0))
	}
	r.SettledStartMs = ms(quantile(settled, 0.5))

	if _, err := exec.LookPath("iperf3"); err != nil {
		r.ThroughputNote = "iperf3 not installed (apt-get install iperf3)"
	} else {
		progress("TCP throughput")
		r.throughput(dir, ns, out, stateDir)
	}
	return &r, nil
}

// print writes the networking figures as a table.
func (r *netBench) print(e *env, runs int) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "\nNETWORKING (in namespaces of the bench's own)\t\n")
	fmt.Fprintf(tw, "start, vnet jail without networking (median of %d)\t%.2f ms\n", runs, r.StartNoNetMs)
	fmt.Fprintf(tw, "start, with an epair on a bridge and an address\t%.2f ms (+%.2f ms)\n", r.StartEpairMs, r.EpairCostMs)
	for _, n := range r.NthStartMs {
		fmt.Fprintf(tw, "start of jails %d to %d on one bridge (median)\t%.2f ms\n", n.From, n.N, n.Ms)
	}
	if len(r.NthStartMs) > 0 {
		fmt.Fprintf(tw, "start of jail %d again, the host idle between starts (median of 5)\t%.2f ms\n", r.NthStartMs[len(r.NthStartMs)-1].N, r.SettledStartMs)
	}
	if r.ThroughputNote != "" {
		fmt.Fprintf(tw, "TCP throughput\t%s\n", r.ThroughputNote)
	} else {
		fmt.Fprintf(tw, "TCP loopback\t%.1f Gbit/s\n", r.LoopbackGbps)
		fmt.Fprintf(tw, "TCP bare veth pair\t%.1f Gbit/s (%.2f of loopback)\n", r.VethGbps, r.VethGbps/r.LoopbackGbps)
		fmt.Fprintf(tw, "TCP bare veth, bridge, veth (no jail)\t%.1f Gbit/s (%.2f of loopback)\n", r.BareBridgeGbps, r.BareBridgeGbps/r.LoopbackGbps)
		fmt.Fprintf(tw, "TCP jail to jail over the bridge\t%.1f Gbit/s (%.2f of loopback, %.2f of bare veth, %.2f of the bare bridge path)\n", r.BridgeGbps, r.BridgeGbps/r.LoopbackGbps, r.BridgeGbps/r.VethGbps, r.BridgeGbps/r.BareBridgeGbps)
		fmt.Fprintf(tw, "TCP jail to outside, routed by the host\t%.1f Gbit/s (%.2f of bare veth)\n", r.RoutedGbps, r.RoutedGbps/r.VethGbps)
		fmt.Fprintf(tw, "TCP jail to outside through the host's NAT\t%.1f Gbit/s (%.2f of routed)\n", r.NATGbps, r.NATGbps/r.RoutedGbps)
	}
	return tw.Flush()
}

// throughput runs iperf3 for loopback, a bare veth pair between two
// namespaces, the bare bridge path (namespaces c and d, each with a veth
// to a bridge in namespace br), and jail n1 to jail n2 over the bridge (in
// the jails' network namespaces, entered from the host, since the jails'
// userland lacks iperf3).
func (r *netBench) throughput(dir, ns, outside, stateDir string) {
	a, b, c, d, br := ns+"-a", ns+"-b", ns+"-c", ns+"-d", ns+"-br"
	for _, n := range []string{a, b, c, d, br} {
		exec.Command("ip", "netns", "add", n).Run()
		defer exec.Command("ip", "netns", "del", n).Run()
	}
	setup := [][]string{
		{"ip", "-n", a, "link", "set", "lo", "up"},
		{"ip", "-n", a, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", b},
		{"ip", "-n", a, "addr", "add", "10.98.0.1/24", "dev", "va"},
		{"ip", "-n", b, "addr", "add", "10.98.0.2/24", "dev", "vb"},
		{"ip", "-n", a, "link", "set", "va", "up"},
		{"ip", "-n", b, "link", "set", "vb", "up"},
		{"ip", "-n", br, "link", "add", "br0", "type", "bridge"},
		{"ip", "-n", br, "link", "set", "br0", "up"},
		{"ip", "-n", br, "link", "add", "pc", "master", "br0", "type", "veth", "peer", "name", "vc", "netns", c},
		{"ip", "-n", br, "link", "add", "pd", "master", "br0", "type", "veth", "peer", "name", "vd", "netns", d},
		{"ip", "-n", br, "link", "set", "pc", "up"},
		{"ip", "-n", br, "link", "set", "pd", "up"},
		{"ip", "-n", c, "addr", "add", "10.97.0.1/24", "dev", "vc"},
		{"ip", "-n", d, "addr", "add", "10.97.0.2/24", "dev", "vd"},
		{"ip", "-n", c, "link", "set", "vc", "up"},
		{"ip", "-n", d, "link", "set", "vd", "up"},
	}
	for _, c := range setup {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			r.ThroughputNote = fmt.Sprintf("setup: %v: %s", err, out)
			return
		}
	}
	var err error
	if r.LoopbackGbps, err = iperf("/run/netns/"+a, "/run/netns/"+a, "127.0.0.1"); err == nil {
		r.VethGbps, err = iperf("/run/netns/"+a, "/run/netns/"+b, "10.98.0.1")
	}
	if err == nil {
		r.BareBridgeGbps, err = iperf("/run/netns/"+c, "/run/netns/"+d, "10.97.0.1")
	}
	if err == nil {
		netOf := func(name string) string {
			var rec struct {
				InitPID int `json:"init_pid"`
			}
			data, _ := os.ReadFile(filepath.Join(stateDir, name+".json"))
			json.Unmarshal(data, &rec)
			return fmt.Sprintf("/proc/%d/ns/net", rec.InitPID)
		}
		r.BridgeGbps, err = iperf(netOf("n1"), netOf("n2"), "10.99.0.2")
		if err == nil {
			r.RoutedGbps, err = iperf("/run/netns/"+outside, netOf("n1"), "198.51.101.2")
		}
		if err == nil {
			r.NATGbps, err = iperf("/run/netns/"+outside, netOf("n1"), "198.51.100.2")
		}
	}
	if err != nil {
		r.ThroughputNote = err.Error()
	}
}

// iperf runs an iperf3 server in network namespace serverNS and a 3 s
// client in clientNS towards addr, and returns the received Gbit/s.
func iperf(serverNS, clientNS, addr string) (float64, error) {
	srv := exec.Command("nsenter", "--net="+serverNS, "iperf3", "-s", "-1", "-p", "5299")
	if err := srv.Start(); err != nil {
		return 0, err
	}
	defer srv.Wait()
	defer srv.Process.Kill()
	var out []byte
	var err error
	for try := 0; try < 50; try++ {
		time.Sleep(20 * time.Millisecond)
		out, err = exec.Command("nsenter", "--net="+clientNS, "iperf3", "-c", addr, "-p", "5299", "-t", "3", "-J").Output()
		if err == nil {
			break
		}
	}
	if err != nil {
		return 0, fmt.Errorf("iperf3 to %s: %v", addr, err)
	}
	var res struct {
		End struct {
			SumReceived struct {
				BitsPerSecond float64 `json:"bits_per_second"`
			} `json:"sum_received"`
		} `json:"end"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return 0, err
	}
	return res.End.SumReceived.BitsPerSecond / 1e9, nil
}
