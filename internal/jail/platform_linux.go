package jail

// PlatformName names the backend in messages.
const PlatformName = "Linux"

// ParamSupport says how the Linux backend honours parameter name (its
// canonical spelling, as jailconf.LookupParam returns it).
func ParamSupport(name string) Support {
	if s, ok := linuxSupport[name]; ok {
		return s
	}
	return Support{Level: Unsupported, How: "vjail has no Linux equivalent for it yet"}
}
