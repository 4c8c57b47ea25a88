package listing

import (
	"io/fs"
	"strings"
	"time"
)

// Unix "ls -l" style lines:
//
//	-rw-r--r--    1 1000     1000         1234 Nov 24 14:15 file.txt
//	drwxr-xr-x   2 ftp      ftp          4096 Jan 25  2005 dir
//	lrwxrwxrwx   1 owner    group          11 2005-06-07 21:22 link -> target
//	crw-rw-rw-   1 root     root       1,   3 Jan 25 00:17 null
//	-rw-r--r--+  1 owner    Local Users    12 Jan 25 00:17  leading space
//	drwxrwxr-x               folder        2 May 10  1996 network   (MacWebStar)
//
// The mode string anchors the line; then the first date (month day
// time-or-year, day month time-or-year, or ISO date and time) preceded by a
// size (or "major, minor") is located, so owner and group columns may be
// missing, numeric or contain spaces. The name starts one blank after the
// date, which keeps leading and inner spaces intact. Tokens before the size:
// a numeric link count if present, then the owner, then the group (any
// further words belong to the group).
//
// pure-ftpd shows a trailing space of a name as '_'; that is the server's
// choice and the name is taken as sent.

const maxUnixTokens = 16

func unixType(c byte) (Kind, fs.FileMode, bool) {
	switch c {
	case '-', 'f':
		return File, 0, true
	case 'd':
		return Dir, fs.ModeDir, true
	case 'l':
		return Symlink, fs.ModeSymlink, true
	case 'c':
		return Other, fs.ModeDevice | fs.ModeCharDevice, true
	case 'b':
		return Other, fs.ModeDevice, true
	case 'p':
		return Other, fs.ModeNamedPipe, true
	case 's':
		return Other, fs.ModeSocket, true
	case 'D', 'n', 'P', 'w', '?':
		return Other, fs.ModeIrregular, true
	}
	return 0, 0, false
}

// unixPerm parses the nine permission characters "rwxr-xr-x".
func unixPerm(p string) (fs.FileMode, bool) {
	var m fs.FileMode
	for i := 0; i < 9; i++ {
		c := p[i]
		bit := fs.FileMode(1) << uint(8-i)
		switch i % 3 {
		case 0:
			if c == 'r' {
				m |= bit
			} else if c != '-' {
				return 0, false
			}
		case 1:
			if c == 'w' {
				m |= bit
			} else if c != '-' {
				return 0, false
			}
		case 2:
			special := fs.ModeSetuid
			if i == 5 {
				special = fs.ModeSetgid
			} else if i == 8 {
				special = fs.ModeSticky
			}
			switch c {
			case 'x':
				m |= bit
			case '-':
			case 's', 't':
				m |= bit | special
			case 'S', 'T':
				m |= special
			case 'l', 'L': // mandatory locking (setgid without group x)
				if i != 5 {
					return 0, false
				}
				m |= special
			default:
				return 0, false
			}
		}
	}
	return m, true
}

func parseUnix(c *ctx, s string, e *Entry) bool {
	if len(s) < 12 {
		return false
	}
	kind, typ, ok := unixType(s[0])
	if !ok {
		return false
	}
	perm, ok := unixPerm(s[1:10])
	if !ok {
		return false
	}
	i := 10
	if s[i] == '+' || s[i] == '@' || s[i] == '.' {
		i++
	}
	if i >= len(s) || !isSpace(s[i]) {
		return false
	}
	var tk [maxUnixTokens]span
	n := tokenize(s, i, tk[:])
	for j := 1; j < n; j++ {
		end, t, prec, guessed, ok := c.unixDate(s, tk[:n], j)
		if !ok {
			continue
		}
		// The size, or "major, minor" / "major,minor" of a device.
		sizeTok := s[tk[j-1].start:tk[j-1].end]
		size := int64(-1)
		first := j - 1 // first token of the size column
		switch {
		case allDigits(sizeTok):
			if v, ok := parseUint(sizeTok); ok {
				size = v
			}
			if j >= 2 {
				if prev := s[tk[j-2].start:tk[j-2].end]; len(prev) > 1 && prev[len(prev)-1] == ',' && allDigits(prev[:len(prev)-1]) {
					first, size = j-2, -1
				}
			}
		case isDeviceNumbers(sizeTok):
			size = -1
		default:
			continue
		}
		nameStart := tk[end].end + 1
		if nameStart >= len(s) {
			return false
		}
		*e = Entry{Kind: kind, Size: size, ModTime: t, Precision: prec, YearGuessed: guessed,
			Mode: typ | perm, HasMode: true}
		if kind == Other && typ&fs.ModeDevice != 0 {
			e.Size = -1
		}
		unixOwners(s, tk[:first], e)
		name := s[nameStart:]
		if kind == Symlink {
			if k := strings.Index(name, " -> "); k >= 0 {
				name, e.Target = name[:k], name[k+4:]
			}
		}
		if name == "" {
			return false
		}
		e.RawName = name
		return true
	}
	return false
}

func isDeviceNumbers(t string) bool {
	k := strings.IndexByte(t, ',')
	return k > 0 && allDigits(t[:k]) && allDigits(t[k+1:])
}

// unixOwners assigns link count, owner and group from the tokens
// between the mode and the size.
func unixOwners(s string, tk []span, e *Entry) {
	if len(tk) > 0 && allDigits(s[tk[0].start:tk[0].end]) && len(tk) > 1 {
		tk = tk[1:] // link count
	} else if len(tk) == 1 && allDigits(s[tk[0].start:tk[0].end]) {
		return // just a link count
	}
	switch len(tk) {
	case 0:
	case 1:
		e.Owner = s[tk[0].start:tk[0].end]
	default:
		e.Owner = s[tk[0].start:tk[0].end]
		e.Group = s[tk[1].start:tk[len(tk)-1].end]
	}
}

// unixDate tries to read a date starting at token j. It returns the index
// of the date's last token.
func (c *ctx) unixDate(s string, tk []span, j int) (end int, t time.Time, prec Precision, guessed, ok bool) {
	tok := func(k int) string { return s[tk[k].start:tk[k].end] }
	a := tok(j)
	if j+1 >= len(tk) {
		return
	}
	// ISO: 2005-06-07 21:22[:33[.frac] +0200]
	if len(a) == 10 && a[4] == '-' && a[7] == '-' {
		y, ok1 := smallInt(a[:4], 4)
		mo, ok2 := smallInt(a[5:7], 2)
		d, ok3 := smallInt(a[8:], 2)
		if !ok1 || !ok2 || !ok3 {
			return
		}
		h, mi, sec, ns, p, ok4 := parseClock(tok(j+1), true)
		if !ok4 {
			return
		}
		end = j + 1
		if p == TimeSecond && j+2 < len(tk) {
			if off, zok := parseZone(tok(j + 2)); zok {
				tt, dok := mkdate(y, mo, d, h, mi, sec, ns, time.UTC)
				return j + 2, tt.Add(-off), p, false, dok
			}
		}
		tt, ok5 := mkdate(y, mo, d, h, mi, sec, ns, c.loc)
		return end, tt, p, false, ok5
	}
	if j+2 >= len(tk) {
		return
	}
	var mo, d int
	if mo = parseMonth(a); mo != 0 {
		var ok1 bool
		if d, ok1 = smallInt(tok(j+1), 2); !ok1 {
			return
		}
	} else if dd, ok1 := smallInt(a, 2); ok1 {
		if mo = parseMonth(tok(j + 1)); mo == 0 {
			return
		}
		d = dd
	} else {
		return
	}
	last := tok(j + 2)
	if len(last) == 4 && allDigits(last) {
		y, _ := smallInt(last, 4)
		tt, ok1 := mkdate(y, mo, d, 0, 0, 0, 0, c.loc)
		return j + 2, tt, TimeDay, false, ok1
	}
	h, mi, _, _, _, ok1 := parseClock(last, false)
	if !ok1 {
		return
	}
	tt, ok2 := c.guessYear(mo, d, h, mi)
	return j + 2, tt, TimeMinute, true, ok2
}

// parseZone parses a numeric zone offset "+0200" / "-0530".
func parseZone(z string) (time.Duration, bool) {
	if len(z) != 5 || (z[0] != '+' && z[0] != '-') {
		return 0, false
	}
	h, ok1 := smallInt(z[1:3], 2)
	m, ok2 := smallInt(z[3:], 2)
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return 0, false
	}
	off := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	if z[0] == '-' {
		off = -off
	}
	return off, true
}
