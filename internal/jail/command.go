package jail

import "strings"

// Command is one command that jail(8) runs for an exec.* parameter.
type Command struct {
	// Argv is the program and its arguments.
	Argv []string
	// Background is set for a command string ending in "&": jail(8) starts
	// it and does not wait for it.
	Background bool
	// Text is the command string as written, for messages.
	Text string
}

// shellMeta are the characters for which jail(8) (command.c run_command)
// hands a command string to /bin/sh -c instead of splitting it into words.
const shellMeta = "!\"$&'()*;<>?[\\]`{|}~"

// ParseCommand turns an exec.* value into what jail(8) runs (command.c
// run_command): it looks for the first shell metacharacter; with none, the
// string is split into words at blanks and run directly; when that first
// one is a final "&", the command runs in the background, the "&" removed;
// any other makes the whole string, "&" included, run as `/bin/sh -c`, and
// jail(8) waits for that shell.
func ParseCommand(s string) Command {
	c := Command{Text: s}
	i := strings.IndexAny(s, shellMeta)
	switch {
	case i < 0:
		c.Argv = strings.Fields(s)
	case s[i] == '&' && i == len(s)-1:
		c.Background = true
		c.Argv = strings.Fields(s[:i])
	default:
		c.Argv = []string{"/bin/sh", "-c", s}
	}
	return c
}

// ParseCommands parses each value of an exec.* parameter; empty strings
// (exec.stop = "";) run nothing.
func ParseCommands(values []string) []Command {
	var out []Command
	for _, v := range values {
		if c := ParseCommand(v); len(c.Argv) > 0 {
			out = append(out, c)
		}
	}
	return out
}
