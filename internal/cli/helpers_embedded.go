//go:build linux && vjail_embedinit

package cli

// helperMain runs nothing: build.sh's vjail leaves its helpers (a jail's
// DHCP client, decompression) to the helper binary it embeds
// (cmd/vjail-init), and does not link them.
func helperMain([]string) (int, bool) { return 0, false }
