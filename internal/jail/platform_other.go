//go:build !linux && !freebsd

package jail

// PlatformName names the backend in messages.
const PlatformName = "this operating system"

// ParamSupport reports every parameter as unsupported: vjail runs jails
// only on Linux and FreeBSD.
func ParamSupport(name string) Support {
	return Support{Level: Unsupported, How: "vjail runs jails only on Linux and FreeBSD"}
}
