package linuxns

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// Go's errno messages for the C inits (errstr.h, included by start.c).
//go:generate go run ./idle/errgen idle/errstr.h

// StartArg makes the small C init's binary the jail's init from its first
// instruction (idle/start.c): it builds the jail's root and serves the
// jail's commands itself, with no Go runtime to start on the way to
// exec.start. A jail that boots its own init (exec.start = "/sbin/init")
// gets the Go init instead, which hands PID 1 over (see boot).
const StartArg = "__vjail_start"

// The kinds of mount as start.c numbers them.
var startMountKinds = map[string]uint32{"devfs": 1, "fdescfs": 2, "proc": 3, "sysfs": 4, "tmpfs": 5, "bind": 6}

// encodeStartConfig is cfg for the C init: records of a tag byte, a
// 32-bit length and the data (strings end in a NUL), which C reads
// without a JSON parser. The serve helpers it forks get cfg as JSON (the
// 'J' record), as from the idle init.
func encodeStartConfig(cfg *InitConfig) ([]byte, error) {
	var b []byte
	record := func(tag byte, data []byte) {
		b = append(b, tag)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
		b = append(b, data...)
	}
	str := func(s string) []byte { return append([]byte(s), 0) }
	record('N', str(cfg.Name))
	if cfg.Hostname != "" {
		record('H', str(cfg.Hostname))
	}
	if cfg.Domain != "" {
		record('D', str(cfg.Domain))
	}
	if cfg.VNet {
		record('V', nil)
	}
	if cfg.Persist {
		record('P', nil)
	}
	for _, c := range cfg.DropCaps {
		record('C', binary.LittleEndian.AppendUint32(nil, uint32(c)))
	}
	for _, f := range cfg.Seccomp {
		record('S', f)
	}
	for _, m := range cfg.Mounts {
		kind, ok := startMountKinds[m.Kind]
		if !ok {
			return nil, fmt.Errorf("mount %s on %s: unknown mount kind %q", m.Kind, m.Target, m.Kind)
		}
		flags, data := mountOptions(m.Options)
		if m.ReadOnly {
			flags |= unix.MS_RDONLY
		}
		var d []byte
		d = binary.LittleEndian.AppendUint32(d, kind)
		d = binary.LittleEndian.AppendUint32(d, uint32(flags))
		d = binary.LittleEndian.AppendUint32(d, uint32(int32(m.FD)))
		d = append(d, str(m.Target)...)
		d = append(d, str(data)...)
		record('M', d)
	}
	for _, ifname := range cfg.DHCP {
		record('d', str(ifname))
	}
	j, err := cfg.MarshalJSON()
	if err != nil {
		return nil, err
	}
	record('J', j)
	return b, nil
}
