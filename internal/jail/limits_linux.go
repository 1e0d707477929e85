package jail

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/opencontainers/cgroups"
	"github.com/opencontainers/cgroups/fs"
	"github.com/opencontainers/cgroups/fs2"
	"golang.org/x/sys/unix"
)

// rctlPeriod is the CPU accounting period rctl.pcpu is a share of, in
// microseconds (the kernel's default, 100 ms).
const rctlPeriod = 100_000

// resources translates rctl.* limits into runc's cgroup resources, which
// its cgroup v1 and v2 drivers write the same way runc does.
func resources(l Limits) *cgroups.Resources {
	r := &cgroups.Resources{SkipDevices: true, Memory: l.Memory}
	if l.Procs > 0 {
		r.PidsLimit = &l.Procs
	}
	if l.Swap > 0 {
		// runc's MemorySwap is memory and swap together, as cgroup v1's
		// memsw counts them; its v2 driver takes the difference.
		r.MemorySwap = l.Memory + l.Swap
	}
	if l.PCPU > 0 {
		r.CpuQuota = l.PCPU * rctlPeriod / 100
		r.CpuPeriod = rctlPeriod
	}
	return r
}

// limitControllers are the cgroup v1 controllers l needs.
func limitControllers(l Limits) []string {
	var out []string
	if l.Memory > 0 {
		out = append(out, "memory")
	}
	if l.Procs > 0 {
		out = append(out, "pids")
	}
	if l.PCPU > 0 {
		out = append(out, "cpu")
	}
	return out
}

// limitsOnV2 reports whether limits go on the jail's own cgroup: on a host
// whose /sys/fs/cgroup is the unified hierarchy. A hybrid host's v2 tree
// has no resource controllers, which stay in its v1 hierarchies.
func (b *linuxBackend) limitsOnV2() bool {
	return !b.cgroupV1 && cgroups.IsCgroup2UnifiedMode()
}

// limitCgroups names the cgroup v1 directories that carry a jail's limits
// (one per controller, named as its tracking cgroup is), or nothing when
// they go on its cgroup v2 directory.
func (b *linuxBackend) limitCgroups(s *Spec) ([]string, error) {
	if s.Limits.IsZero() || b.limitsOnV2() {
		return nil, nil
	}
	var dirs []string
	for _, c := range limitControllers(s.Limits) {
		mnt, err := cgroups.FindCgroupMountpoint("", c)
		if err != nil {
			return nil, fmt.Errorf("%s: this host has no %s cgroup controller for rctl.* (neither on cgroup v2 nor on a v1 hierarchy): %w", s.Name, c, err)
		}
		dirs = append(dirs, filepath.Join(mnt, filepath.Base(b.cgroupParent), s.Name))
	}
	return dirs, nil
}

// limiter applies a jail's limits: on cgroup v2 to its cgroup before the
// init is born into it, on v1 by putting the init into one cgroup per
// controller before it is let go. Either way the jail runs nothing before
// its limits hold.
type limiter struct {
	v1 *fs.Manager
}

// prepareLimits makes the jail's cgroup v2 directory with the controllers
// its limits need enabled on the way down and sets them, or readies the v1
// cgroups in dirs for apply.
func (b *linuxBackend) prepareLimits(s *Spec, cgroupDir string, dirs []string) (*limiter, error) {
	if s.Limits.IsZero() {
		return nil, nil
	}
	res := resources(s.Limits)
	cg := &cgroups.Cgroup{Resources: res}
	if b.limitsOnV2() {
		if err := fs2.CreateCgroupPath(cgroupDir, cg); err != nil {
			return nil, fmt.Errorf("rctl.*: enable the cgroup controllers for %s: %w", cgroupDir, err)
		}
		m, err := fs2.NewManager(cg, cgroupDir)
		if err == nil {
			err = m.Set(res)
		}
		if err != nil {
			return nil, fmt.Errorf("rctl.*: %w", err)
		}
		return &limiter{}, nil
	}
	paths := map[string]string{}
	for i, c := range limitControllers(s.Limits) {
		paths[c] = dirs[i]
	}
	m, err := fs.NewManager(cg, paths)
	if err != nil {
		return nil, fmt.Errorf("rctl.*: %w", err)
	}
	return &limiter{v1: m}, nil
}

// apply puts pid, the jail's init, under the limits (cgroup v1).
func (l *limiter) apply(pid int) error {
	if l == nil || l.v1 == nil {
		return nil
	}
	if err := l.v1.Apply(pid); err != nil {
		return fmt.Errorf("rctl.*: join the limit cgroups: %w", err)
	}
	cg, err := l.v1.GetCgroups()
	if err == nil {
		err = l.v1.Set(cg.Resources)
	}
	if err != nil {
		return fmt.Errorf("rctl.*: %w", err)
	}
	return nil
}

// removeLimitCgroups removes a jail's cgroup v1 limit directories, once
// its processes are gone, and their shared parents when empty.
func removeLimitCgroups(dirs []string) error {
	var errs []error
	for _, d := range slices.Backward(dirs) {
		if err := cgroups.RemovePath(d); err != nil {
			errs = append(errs, err)
			continue
		}
		// Not RemovePath, which would take a sibling jail's cgroup
		// that has no process yet with it: EBUSY while other jails run.
		unix.Rmdir(filepath.Dir(d))
	}
	return errors.Join(errs...)
}
