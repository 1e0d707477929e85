package jail

// PlatformName names the backend in messages.
const PlatformName = "FreeBSD"

// ParamSupport says how the FreeBSD backend honours parameter name: every
// parameter jail(8) knows is native there.
func ParamSupport(name string) Support {
	return Support{Level: Native, How: "passed to jail(8)"}
}
