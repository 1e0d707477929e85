//go:build !linux

package cli

import "github.com/spf13/cobra"

// platformCommands are the verbs only some platforms have.
func platformCommands(e *env) []*cobra.Command { return nil }

// applyNetworks has nothing to apply where vjail runs no jails yet.
func (e *env) applyNetworks() error { return nil }
