package cli

import (
	"bytes"
	"context"
	"debug/elf"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestDebianKernel runs the root tests that need no toolchain on the
// kernel that Debian 12 hosts run (Linux 6.1, with most of networking and
// netfilter in modules) and with cgroups that are v2 only, the layout of
// current distributions: this machine (Linux 6.18, everything built in,
// v1 controllers beside a v2 tree with none) shows neither. A virtual
// machine boots Debian's own kernel with cgroup2 alone at /sys/fs/cgroup
// and its cpu, memory and pids controllers enabled, and the test binary,
// built without cgo, runs the tests of vmTests inside it with the static
// vjail and the host's ip, nsenter, nft and radvd. TestResourceLimits
// shows that rctl.* limits land in memory.max, pids.max and cpu.max. The
// jails' roots are on ext4 (Linux 6.1 cannot map tmpfs). The machine is
// emulated (TCG): KVM guests hang at boot on this nested host.
func TestDebianKernel(t *testing.T) {
	requireRoot(t)
	if runtime.GOARCH != "amd64" {
		t.Skip("the virtual machine is amd64")
	}
	qemu, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		t.Fatal("this test boots a virtual machine: apt-get install qemu-system-x86")
	}
	vmlinuz, modules := vmKernel(t)
	dir := t.TempDir()

	// The disk: busybox, the programs the test needs, and /init2.
	root := filepath.Join(dir, "root")
	for _, d := range []string{"bin", "etc", "prebuilt", "proc", "sys", "dev", "run", "var/tmp"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n")
	writeFile(t, filepath.Join(root, "etc/group"), "root:x:0:\n")
	copyFile(t, "/bin/busybox", filepath.Join(root, "bin/busybox"), 0o755)
	copyFile(t, staticBinary(t), filepath.Join(root, "prebuilt/vjail"), 0o755)
	copyFile(t, probeBinary(t), filepath.Join(root, "prebuilt/probe"), 0o755)
	copyFile(t, testBinary(t, "escape"), filepath.Join(root, "prebuilt/escape"), 0o755)
	// The host tools the network tests use, with their libraries.
	for _, tool := range []string{"ip", "nsenter", "nft", "radvd"} {
		copyWithLibraries(t, tool, root)
	}
	build := exec.Command("go", "test", "-c", "-o", filepath.Join(root, "prebuilt/cli.test"), ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go test -c: %v: %s", err, out)
	}
	writeFile(t, filepath.Join(root, "init2"), `#!/bin/busybox sh
export PATH=/usr/sbin:/usr/bin:/bin
umask 022
VMTESTS='`+vmTests+`'
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts
mount -t devpts -o ptmxmode=0666 devpts /dev/pts
[ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx
mount -t tmpfs tmpfs /run
mount -t cgroup2 cgroup2 /sys/fs/cgroup
echo "+cpu +memory +pids" > /sys/fs/cgroup/cgroup.subtree_control
echo "VMTEST: $(uname -r), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
cd /prebuilt
TMPDIR=/var/tmp `+prebuiltEnv+`=/prebuilt ./cli.test -test.run "$VMTESTS" -test.v -test.count=1 2>&1
echo "VMTEST-EXIT $?"
poweroff -f
`)
	os.Chmod(filepath.Join(root, "init2"), 0o755)

	// The initramfs: busybox, the modules that reach the disk, and /init,
	// which mounts the disk and switches to it (pivot_root, which every
	// jail's start uses, refuses to leave an initramfs).
	initrd := filepath.Join(dir, "initrd")
	ird := filepath.Join(dir, "initramfs")
	for _, d := range []string{"bin", "modules", "proc", "dev", "newroot"} {
		if err := os.MkdirAll(filepath.Join(ird, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, "/bin/busybox", filepath.Join(ird, "bin/busybox"), 0o755)
	var order []string
	for _, m := range moduleOrder(t, modules, "crc32c_generic", "ext4", "virtio_pci", "virtio_blk",
		"veth", "bridge", "dummy", "nf_tables", "nft_chain_nat", "nft_masq", "nft_nat", "nft_fib_ipv4", "nft_fib_ipv6", "nft_fib_inet", "nft_ct") {
		copyFile(t, m, filepath.Join(ird, "modules", filepath.Base(m)), 0o644)
		order = append(order, filepath.Base(m))
	}
	writeFile(t, filepath.Join(ird, "modules/order"), strings.Join(order, "\n")+"\n")
	writeFile(t, filepath.Join(ird, "init"), `#!/bin/busybox sh
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
for m in $(cat /modules/order); do insmod /modules/$m || echo "VMTEST: insmod $m failed"; done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
mount -t ext4 /dev/vda /newroot || { echo "VMTEST-EXIT no disk"; poweroff -f; }
umount /dev /proc
exec switch_root /newroot /init2
`)
	os.Chmod(filepath.Join(ird, "init"), 0o755)
	cpio := exec.Command("sh", "-c", "find . | busybox cpio -o -H newc > "+initrd)
	cpio.Dir = ird
	if out, err := cpio.CombinedOutput(); err != nil {
		t.Fatalf("cpio: %v: %s", err, out)
	}

	// One virtual CPU: with two, the emulated guest once locked up in
	// the kernel on both (a soft lockup under emulation, not in vjail).
	// A lockup panics the guest at once (softlockup_panic) and the
	// machine boots again, once, from a fresh disk.
	disk := filepath.Join(dir, "disk.img")
	var console string
	for try := 1; ; try++ {
		if out, err := exec.Command("mkfs.ext4", "-q", "-F", "-d", root, disk, "512M").CombinedOutput(); err != nil {
			t.Fatalf("mkfs.ext4: %v: %s", err, out)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
		vm := exec.CommandContext(ctx, qemu, "-machine", "accel=tcg", "-cpu", "max", "-m", "1024", "-smp", "1",
			"-nodefaults", "-display", "none", "-serial", "stdio", "-no-reboot",
			"-kernel", vmlinuz, "-initrd", initrd, "-append", "console=ttyS0 panic=-1 softlockup_panic=1 rdinit=/init quiet",
			"-drive", "file="+disk+",format=raw,if=virtio")
		out, err := vm.CombinedOutput()
		cancel()
		console = string(out)
		if strings.Contains(console, "soft lockup") && try == 1 {
			t.Logf("the emulated machine locked up; booting it again:\n%s", console)
			continue
		}
		if err != nil {
			t.Fatalf("qemu: %v\n%s", err, console)
		}
		break
	}
	want := []string{"cgroup2 controllers: cpu memory pids", "/memory.max = 33554432", "/pids.max = 20", "/cpu.max = 50000 100000"}
	for _, name := range strings.Split(strings.Trim(vmTests, "^()$"), "|") {
		want = append(want, "--- PASS: "+name+" ")
	}
	for _, want := range append(want, "VMTEST-EXIT 0") {
		if !strings.Contains(console, want) {
			t.Fatalf("the virtual machine's console lacks %q:\n%s", want, console)
		}
	}
	if testing.Verbose() {
		t.Log(console)
	}
}

// vmTests are the tests run inside the virtual machine; the others need
// Go (to build what they copy into jails), a network, or more time than
// an emulated machine is worth (the fault-injection tests).
var vmTests = "^(TestResourceLimits|TestIdleInit|TestEscapeSuite|TestExec|TestLifecycle|TestMounts|TestAllowFlags|TestCommands|TestConsole|TestTerminalNotPassed|TestVnetInterface|TestBridge|TestNAT|TestSLAAC|TestDHCP|TestManyOnBridge|TestKillDuringStart|TestKillDuringStop)$"

// copyWithLibraries copies the host's program name (found on PATH) and
// the shared libraries ldd lists for it to the same paths under root.
func copyWithLibraries(t *testing.T, name, root string) {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s for the virtual machine: %v", name, err)
	}
	files := []string{path}
	out, err := exec.Command("ldd", path).Output()
	if err != nil {
		t.Fatalf("ldd %s: %v", path, err)
	}
	for _, f := range strings.Fields(string(out)) {
		if strings.HasPrefix(f, "/") {
			files = append(files, f)
		}
	}
	for _, f := range files {
		dst := filepath.Join(root, f)
		if _, err := os.Stat(dst); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		copyFile(t, f, dst, 0o755)
	}
}

// vmCache keeps the Debian kernel the virtual machine boots.
const vmCache = "/var/cache/vjail-test"

// vmKernel returns Debian's current kernel and its module tree, fetched
// once with apt-get download (the package is unpacked, not installed).
func vmKernel(t *testing.T) (vmlinuz, modules string) {
	t.Helper()
	find := func() bool {
		m, _ := filepath.Glob(filepath.Join(vmCache, "*/boot/vmlinuz-*"))
		if len(m) == 0 {
			return false
		}
		vmlinuz = m[0]
		version := strings.TrimPrefix(filepath.Base(vmlinuz), "vmlinuz-")
		modules = filepath.Join(filepath.Dir(filepath.Dir(vmlinuz)), "lib/modules", version)
		return true
	}
	if find() {
		return vmlinuz, modules
	}
	out, err := exec.Command("apt-cache", "depends", "linux-image-amd64").Output()
	if err != nil || !strings.Contains(string(out), "Depends: linux-image-") {
		// No package lists (a freshly cleaned image): fetch them once.
		if uout, uerr := exec.Command("apt-get", "update", "-qq").CombinedOutput(); uerr != nil {
			t.Fatalf("apt-get update: %v: %s", uerr, uout)
		}
		if out, err = exec.Command("apt-cache", "depends", "linux-image-amd64").Output(); err != nil {
			t.Fatalf("apt-cache depends linux-image-amd64: %v", err)
		}
	}
	var pkg string
	for _, line := range strings.Split(string(out), "\n") {
		if p, ok := strings.CutPrefix(strings.TrimSpace(line), "Depends: "); ok && strings.HasPrefix(p, "linux-image-") {
			pkg = p
			break
		}
	}
	if pkg == "" {
		t.Fatalf("no kernel package in: %s", out)
	}
	if err := os.MkdirAll(vmCache, 0o755); err != nil {
		t.Fatal(err)
	}
	get := exec.Command("apt-get", "download", "-q", pkg)
	get.Dir = vmCache
	if out, err := get.CombinedOutput(); err != nil {
		t.Fatalf("apt-get download %s (the virtual machine's kernel): %v: %s", pkg, err, out)
	}
	debs, _ := filepath.Glob(filepath.Join(vmCache, pkg+"_*.deb"))
	if len(debs) == 0 {
		t.Fatalf("apt-get download %s left no package in %s", pkg, vmCache)
	}
	if out, err := exec.Command("dpkg-deb", "-x", debs[0], filepath.Join(vmCache, pkg)).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -x: %v: %s", err, out)
	}
	os.Remove(debs[0])
	if !find() {
		t.Fatalf("%s holds no kernel", filepath.Join(vmCache, pkg))
	}
	return vmlinuz, modules
}

// moduleOrder returns the files of the named kernel modules and of all
// they depend on, each after its dependencies, as insmod needs them. A
// name without a file is built into the kernel.
func moduleOrder(t *testing.T, dir string, names ...string) []string {
	t.Helper()
	norm := func(name string) string { return strings.ReplaceAll(name, "-", "_") }
	files := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".ko") {
			files[norm(strings.TrimSuffix(d.Name(), ".ko"))] = p
		}
		return nil
	})
	var order []string
	seen := map[string]bool{}
	var visit func(string)
	visit = func(name string) {
		name = norm(name)
		if seen[name] {
			return
		}
		seen[name] = true
		p, ok := files[name]
		if !ok {
			return
		}
		for _, dep := range moduleDepends(t, p) {
			visit(dep)
		}
		order = append(order, p)
	}
	for _, n := range names {
		visit(n)
	}
	return order
}

// moduleDepends reads the depends= entry of a module's .modinfo section.
func moduleDepends(t *testing.T, path string) []string {
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("module %s: %v", path, err)
	}
	defer f.Close()
	sec := f.Section(".modinfo")
	if sec == nil {
		return nil
	}
	data, err := sec.Data()
	if err != nil {
		t.Fatalf("module %s: %v", path, err)
	}
	for _, kv := range bytes.Split(data, []byte{0}) {
		if v, ok := strings.CutPrefix(string(kv), "depends="); ok && v != "" {
			return strings.Split(v, ",")
		}
	}
	return nil
}
