package listing

import (
	"strings"
	"time"
)

// EPLF (Easily Parsed LIST Format, D. J. Bernstein):
//
//	+i8388621.48594,m825718503,r,s280,up755\tfile
//	+i8388621.50690,m824255907,/,\tdir
//
// Facts are comma-separated after the '+' up to a tab; the name is the
// rest of the line. "/" means a directory (CWD works), "r" a file (RETR
// works), "m" the modification time in Unix seconds (UTC), "s" the size,
// "up" octal permissions. Without "/" or "r" the Kind is Other. A
// malformed size, time or permission makes the line not understood, as
// for MLSD: the entry would carry a guessed field.

func parseEPLF(_ *ctx, s string, e *Entry) bool {
	if len(s) < 3 || s[0] != '+' {
		return false
	}
	tab := strings.IndexByte(s, '\t')
	if tab < 0 || tab+1 >= len(s) {
		return false
	}
	*e = Entry{Kind: Other, Size: -1}
	dir, file := false, false
	facts := s[1:tab]
	for facts != "" {
		f := facts
		if i := strings.IndexByte(facts, ','); i >= 0 {
			f, facts = facts[:i], facts[i+1:]
		} else {
			facts = ""
		}
		if f == "" {
			continue
		}
		switch f[0] {
		case '/':
			dir = true
		case 'r':
			file = true
		case 's':
			n, ok := parseUint(f[1:])
			if !ok {
				return false
			}
			e.Size = n
		case 'm':
			n, ok := parseUint(f[1:])
			if !ok || n >= 253402300800 { // before year 10000
				return false
			}
			e.ModTime, e.Precision = time.Unix(n, 0).UTC(), TimeSecond
		case 'u':
			if len(f) > 1 && f[1] == 'p' {
				v, ok := parseOctal(f[2:])
				if !ok {
					return false
				}
				e.Mode, e.HasMode = unixPermBits(v), true
			}
		}
	}
	switch {
	case dir:
		e.Kind = Dir
	case file:
		e.Kind = File
	}
	e.RawName = s[tab+1:]
	return true
}
