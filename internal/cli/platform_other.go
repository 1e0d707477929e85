//go:build !linux

package cli

import "github.com/spf13/cobra"

// platformCommands are the verbs only some platforms have.
func platformCommands(e *env) []*cobra.Command { return nil }
