package jailconf

import (
	"errors"
	"fmt"
)

// ErrNotFound is returned by Select for a name that matches no jail.
var ErrNotFound = errors.New("not found")

// Select picks jails by the names given on a command line, as jail(8)'s
// start_state does for `jail -c NAME`: no names or "*" selects every jail,
// a wildcard name ("foo.*", "*.bar") selects the jails it matches, and any
// other name must be a jail's block name exactly. Each jail appears once,
// in configuration order.
func Select(jails []*Jail, names []string) ([]*Jail, error) {
	if len(names) == 0 {
		return jails, nil
	}
	chosen := make(map[*Jail]bool)
	var errs []error
	for _, name := range names {
		found := false
		for _, j := range jails {
			var match bool
			switch {
			case name == "*":
				match = true
			case IsWildcardName(name):
				match = WildcardMatch(j.Name, name)
			default:
				match = j.Name == name
			}
			if match {
				chosen[j] = true
				found = true
			}
		}
		if !found && !IsWildcardName(name) {
			errs = append(errs, fmt.Errorf("jail %q: %w in the configuration", name, ErrNotFound))
		}
	}
	var out []*Jail
	for _, j := range jails {
		if chosen[j] {
			out = append(out, j)
		}
	}
	return out, errors.Join(errs...)
}
