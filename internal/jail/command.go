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

// ParseCommand turns an exec.* value into what jail(8) runs: a string with
// a trailing "&" runs in the background (the "&" removed); a string with
// shell metacharacters runs as `/bin/sh -c STRING`; any other string is
// split into words at blanks and run directly.
func ParseCommand(s string) Command {
	c := Command{Text: s}
	t := strings.TrimRight(s, " \t\n")
	if strings.HasSuffix(t, "&") && !strings.HasSuffix(t, "&&") {
		c.Background = true
		t = strings.TrimRight(strings.TrimSuffix(t, "&"), " \t\n")
	}
	if strings.ContainsAny(t, shellMeta) {
		c.Argv = []string{"/bin/sh", "-c", t}
		return c
	}
	c.Argv = strings.Fields(t)
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
