package vnet

import (
	"fmt"
	"net"
	"strings"
	"testing"
)

func TestHostIfName(t *testing.T) {
	seen := map[string]string{}
	long := "a-very-long-jail-name-shared-prefix-"
	for i := 0; i < 2000; i++ {
		jail := fmt.Sprintf("%s%d", long, i)
		for e := 0; e < 2; e++ {
			n := HostIfName(jail, e)
			if len(n) > 15 || len(n) < 3 || n[:2] != "vj" {
				t.Fatalf("HostIfName(%q, %d) = %q, want vj and at most 15 bytes", jail, e, n)
			}
			if other, dup := seen[n]; dup {
				t.Fatalf("HostIfName(%q, %d) = %q, the same as for %s", jail, e, n, other)
			}
			seen[n] = fmt.Sprintf("%s/%d", jail, e)
		}
	}
	if a, b := HostIfName("web", 0), HostIfName("web", 0); a != b {
		t.Errorf("HostIfName is not stable: %q, %q", a, b)
	}
}

func TestMAC(t *testing.T) {
	key := []byte("machine-id")
	m := MAC(key, "web", 0, "host")
	if m[0]&0x02 == 0 || m[0]&0x01 != 0 {
		t.Errorf("MAC = %s, want a locally administered unicast address", m)
	}
	if m.String() != MAC(key, "web", 0, "host").String() {
		t.Error("MAC is not stable")
	}
	others := []net.HardwareAddr{MAC(key, "web", 0, "jail"), MAC(key, "web", 1, "host"), MAC(key, "web2", 0, "host"), MAC([]byte("other host"), "web", 0, "host")}
	for _, o := range others {
		if o.String() == m.String() {
			t.Errorf("MAC collision: %s", m)
		}
	}
}

func TestParseAddr(t *testing.T) {
	tests := []struct {
		in      string
		wantIf  int
		wantIP  string
		wantErr bool
	}{
		{"192.0.2.10/24", 0, "192.0.2.10", false},
		{"2001:db8::10/64", 0, "2001:db8::10", false},
		{"eth1|198.51.100.5/24", 1, "198.51.100.5", false},
		{"192.0.2.10", 0, "", true},
		{"em0|192.0.2.10/24", 0, "", true},
		{"eth01|192.0.2.10/24", 0, "", true},
		{"dhcp", 0, "<nil>", false},
		{"slaac", 0, "<nil>", false},
		{"eth1|slaac", 1, "<nil>", false},
	}
	for _, tt := range tests {
		a, err := ParseAddr(tt.in)
		if (err != nil) != tt.wantErr || err == nil && (a.If != tt.wantIf || a.IP.String() != tt.wantIP) {
			t.Errorf("ParseAddr(%q) = %+v, %v; want eth%d %s, error %v", tt.in, a, err, tt.wantIf, tt.wantIP, tt.wantErr)
		}
	}
}

// FuzzAddr: a vnet.addr value is refused or names one of the jail's
// epairs (eth0 and up) with an address, slaac or dhcp.
func FuzzAddr(f *testing.F) {
	for _, v := range []string{"192.0.2.10/24", "eth1|2001:db8::10/64", "slaac", "eth0|dhcp", "eth-1|dhcp", "eth+1|slaac", "eth01|dhcp", "x|y"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		a, err := ParseAddr(v)
		if err != nil {
			return
		}
		if a.If < 0 || a.If > MaxEpairs {
			t.Fatalf("ParseAddr(%q): epair %d", v, a.If)
		}
		if !a.SLAAC && !a.DHCP && (a.IP == nil || a.Prefix == nil) {
			t.Fatalf("ParseAddr(%q) = %+v: neither an address nor slaac nor dhcp", v, a)
		}
	})
}

func TestParseJailRdr(t *testing.T) {
	for v, want := range map[string]JailRdr{
		"tcp 8080 80": {"tcp", 8080, 80},
		"udp 53":      {"udp", 53, 53},
	} {
		if got, err := ParseJailRdr(v); err != nil || got != want {
			t.Errorf("ParseJailRdr(%q) = %+v, %v; want %+v", v, got, err, want)
		}
	}
	for _, v := range []string{"", "tcp", "sctp 1 2", "tcp 0 80", "tcp 80 70000", "tcp 80 80 80", "tcp x"} {
		if _, err := ParseJailRdr(v); err == nil || !strings.Contains(err.Error(), "PROTO HOST-PORT [JAIL-PORT]") {
			t.Errorf("ParseJailRdr(%q) = %v, want a clear error", v, err)
		}
	}
}
