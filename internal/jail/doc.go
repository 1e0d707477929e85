// Package jail is the jail model and its lifecycle, independent of the
// operating system. The parts that differ by platform sit behind one seam
// selected by file suffix: platform_linux.go, platform_freebsd.go and
// platform_other.go; everything else here is shared and tested everywhere.
package jail
