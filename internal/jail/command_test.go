package jail

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// jailMeta is the character set of usr.sbin/jail/command.c run_command,
// spelled out here rather than taken from shellMeta so that a change to
// the constant shows.
const jailMeta = "!\"$&'()*;<>?[\\]`{|}~"

func TestParseCommand(t *testing.T) {
	sh := func(s string) []string { return []string{"/bin/sh", "-c", s} }
	tests := []struct {
		name string
		in   string
		want Command
	}{
		// Plain commands are split into words and run directly.
		{"words", "/bin/sh /etc/rc", Command{Argv: []string{"/bin/sh", "/etc/rc"}}},
		{"one word", "/usr/sbin/sshd", Command{Argv: []string{"/usr/sbin/sshd"}}},
		{"blanks collapse", "  ifconfig   lo0\tup\t ", Command{Argv: []string{"ifconfig", "lo0", "up"}}},
		{"newline separates", "echo\nhello", Command{Argv: []string{"echo", "hello"}}},
		{"fvr separate", "a\fb\vc\rd", Command{Argv: []string{"a", "b", "c", "d"}}},
		// Characters outside jail(8)'s set keep a command plain.
		{"hash is plain", "logger a#b", Command{Argv: []string{"logger", "a#b"}}},
		{"equals is plain", "env A=1 prog", Command{Argv: []string{"env", "A=1", "prog"}}},
		{"punctuation is plain", "cp -p /a/b.c:d@e%f+g,h^i /x", Command{Argv: []string{"cp", "-p", "/a/b.c:d@e%f+g,h^i", "/x"}}},

		// Each class of shell metacharacter hands the string to /bin/sh.
		{"negation", "! test -e /x", Command{Argv: sh("! test -e /x")}},
		{"double quote", `echo "a b"`, Command{Argv: sh(`echo "a b"`)}},
		{"single quote", `echo 'a b'`, Command{Argv: sh(`echo 'a b'`)}},
		{"variable", "echo $HOME", Command{Argv: sh("echo $HOME")}},
		{"subshell", "(cd /tmp)", Command{Argv: sh("(cd /tmp)")}},
		{"glob star", "rm /tmp/*.pid", Command{Argv: sh("rm /tmp/*.pid")}},
		{"glob question", "ls /dev/tty?", Command{Argv: sh("ls /dev/tty?")}},
		{"glob class", "ls /dev/tty[0-9]", Command{Argv: sh("ls /dev/tty[0-9]")}},
		{"sequence", "mkdir /x; touch /x/y", Command{Argv: sh("mkdir /x; touch /x/y")}},
		{"redirect out", "echo hi > /tmp/hi", Command{Argv: sh("echo hi > /tmp/hi")}},
		{"redirect in", "wc -l < /etc/passwd", Command{Argv: sh("wc -l < /etc/passwd")}},
		{"backslash", `echo a\ b`, Command{Argv: sh(`echo a\ b`)}},
		{"backquote", "echo `hostname`", Command{Argv: sh("echo `hostname`")}},
		{"braces", "{ echo a; }", Command{Argv: sh("{ echo a; }")}},
		{"pipe", "dmesg | tail", Command{Argv: sh("dmesg | tail")}},
		{"tilde", "ls ~root", Command{Argv: sh("ls ~root")}},
		{"ampersand inside", "a & b", Command{Argv: sh("a & b")}},
		{"and list", "test -d /x && rm -r /x", Command{Argv: sh("test -d /x && rm -r /x")}},
		{"trailing and-and is not background", "true &&", Command{Argv: sh("true &&")}},
		{"or list", "a || b", Command{Argv: sh("a || b")}},

		// A trailing "&" runs the command in the background and is removed.
		{"background", "daemon -f sleep 60 &", Command{Argv: []string{"daemon", "-f", "sleep", "60"}, Background: true}},
		{"background no blank", "sleep 60&", Command{Argv: []string{"sleep", "60"}, Background: true}},
		// The "&" is not last: jail(8) hands the string to the shell and waits.
		{"ampersand before trailing blanks", "sleep 60 &  \t\n", Command{Argv: []string{"/bin/sh", "-c", "sleep 60 &  \t\n"}}},
		{"background only", "&", Command{Background: true}},

		// Empty strings give no command.
		{"empty", "", Command{}},
		{"blanks", " \t\n ", Command{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.want.Text = tc.in
			got := ParseCommand(tc.in)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseCommand(%q) = %+v, want %+v (-want +got):\n%s", tc.in, got, tc.want, diff)
			}
		})
	}
}

// TestParseCommandEveryMeta checks each character of jail(8)'s set on its
// own, in the middle of a word, and that no other printable ASCII
// character sends a command to the shell.
func TestParseCommandEveryMeta(t *testing.T) {
	for c := byte(0x21); c < 0x7f; c++ {
		in := "echo a" + string(c) + "b"
		got := ParseCommand(in).Argv
		want := []string{"echo", "a" + string(c) + "b"}
		for i := 0; i < len(jailMeta); i++ {
			if jailMeta[i] == c {
				want = []string{"/bin/sh", "-c", in}
			}
		}
		if !cmp.Equal(got, want) {
			t.Errorf("ParseCommand(%q).Argv = %q, want %q", in, got, want)
		}
	}
}

// TestParseCommandBackgroundCompound: jail(8) takes a command as
// backgrounded only when the final "&" is its first metacharacter
// (command.c: strpbrk(...) finds cs and `cs[0] == '&' && cs[1] == '\0'`).
// Any other metacharacter sends the whole string, "&" included, to
// /bin/sh -c and jail(8) waits for that shell, so in "sleep 5; echo done &"
// it waits for the sleep.
func TestParseCommandBackgroundCompound(t *testing.T) {
	tests := []struct {
		in   string
		want Command
	}{
		{"sleep 5; touch /x &", Command{Argv: []string{"/bin/sh", "-c", "sleep 5; touch /x &"}}},
		{"echo $HOME > /tmp/h &", Command{Argv: []string{"/bin/sh", "-c", "echo $HOME > /tmp/h &"}}},
	}
	for _, tc := range tests {
		tc.want.Text = tc.in
		got := ParseCommand(tc.in)
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("ParseCommand(%q) = %+v, want %+v (-want +got):\n%s", tc.in, got, tc.want, diff)
		}
	}
}

func TestParseCommands(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []Command
	}{
		{"nil", nil, nil},
		{"empty value", []string{""}, nil},
		{"blank and lone ampersand", []string{"  ", "&"}, nil},
		{
			"order kept, empties dropped",
			[]string{"/bin/sh /etc/rc", "", "echo $JNAME", "sleep 1 &"},
			[]Command{
				{Argv: []string{"/bin/sh", "/etc/rc"}, Text: "/bin/sh /etc/rc"},
				{Argv: []string{"/bin/sh", "-c", "echo $JNAME"}, Text: "echo $JNAME"},
				{Argv: []string{"sleep", "1"}, Background: true, Text: "sleep 1 &"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseCommands(tc.in)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseCommands(%q) = %+v, want %+v (-want +got):\n%s", tc.in, got, tc.want, diff)
			}
		})
	}
}
