package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/vjail/vjail/internal/jail"
	"github.com/vjail/vjail/internal/jailconf"
)

// confManPage is the file name of the page that documents what vjail
// adds to jail.conf(5) and how this platform honours FreeBSD's parameters.
const confManPage = "vjail-jail.conf.5"

// writeConfManPage writes that page in troff, from the same parameter
// table as `vjail config params`, so that the page cannot drift from what
// vjail does.
func writeConfManPage(w io.Writer) error {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line(`.TH "VJAIL\-JAIL.CONF" "5" "" "vjail %s" "File Formats Manual"`, roff(Version))
	line(".SH NAME")
	line(`vjail\-jail.conf \- vjail's additions to jail.conf(5), and how %s honours its parameters`, jail.PlatformName)
	line(".SH DESCRIPTION")
	line("vjail reads jail.conf(5) as jail(8) does: /etc/jail.conf and /etc/jail.conf.d/*.conf, or the file given with")
	line(".BR \\-f .")
	line("A configuration written for FreeBSD means the same to vjail; `vjail config check' reports, with FILE:LINE:COL, every parameter that this platform honours differently or cannot honour.")
	line(".SH EXTENSIONS")
	line("These parameters are vjail's own: jail(8) does not know them, and vjail honours them around the jail it creates.")
	for _, p := range jailconf.Params() {
		if p.Origin != jailconf.Extension {
			continue
		}
		line(".TP")
		line(".B %s", roff(p.Name))
		line("(%s) %s", roff(p.Kind.String()), roff(strings.TrimSuffix(p.Doc, ".")+"."))
	}
	line(".SH PARAMETERS ON %s", strings.ToUpper(roff(jail.PlatformName)))
	line("Parameters not listed here mean what jail.conf(5) says.")
	for _, p := range jailconf.Params() {
		s := jail.ParamSupport(p.Name)
		if s.Level == jail.Native || p.Origin == jailconf.Extension {
			continue
		}
		line(".TP")
		line(".B %s", roff(p.Name))
		line("%s: %s", s.Level, roff(s.How))
	}
	line(".SH SEE ALSO")
	line("vjail(8), jail.conf(5), jail(8), rc.conf(5)")
	_, err := io.WriteString(w, b.String())
	return err
}

// roff escapes text for a troff line: backslashes, and a leading dot or
// apostrophe that would make the line a request.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
