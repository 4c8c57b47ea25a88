package listing

import (
	"strings"
)

// DOS/IIS style lines:
//
//	04-27-00  12:09PM       <DIR>          dir
//	04-27-2000  12:09PM           1234 file name.txt
//	2002-09-02  19:06           9,730 file
//	27.04.2000  12:09       <DIR>          dir   (dd.mm.yyyy)
//	04-27-00  12:09PM    <JUNCTION>     link [C:\target]
//
// The name starts at the first non-blank after the size or <DIR>
// column, so inner and trailing spaces are kept but leading spaces cannot
// be told from the column padding and are lost. Two-digit years 00-69 are
// 20xx, 70-99 are 19xx. Sizes may use ',' or '.' as thousands separators.

// parseNumDate parses the numeric dates of DOS, OS/2 and AS/400 listings:
// yyyy-mm-dd, mm-dd-yy[yy], mm/dd/yy[yy], dd.mm.yy[yy] (a first field
// over 12 is taken as the day). It returns false for anything else.
func parseNumDate(a string) (y, mo, d int, ok bool) {
	var sep byte
	i := 0
	for i < len(a) && isDigit(a[i]) {
		i++
	}
	if i == 0 || i >= len(a) {
		return
	}
	sep = a[i]
	if sep != '-' && sep != '/' && sep != '.' {
		return
	}
	p1 := a[:i]
	rest := a[i+1:]
	k := strings.IndexByte(rest, sep)
	if k < 0 {
		return
	}
	p2, p3 := rest[:k], rest[k+1:]
	if len(p1) == 4 { // yyyy-mm-dd
		y1, ok1 := smallInt(p1, 4)
		m1, ok2 := smallInt(p2, 2)
		d1, ok3 := smallInt(p3, 2)
		return y1, m1, d1, ok1 && ok2 && ok3
	}
	f1, ok1 := smallInt(p1, 2)
	f2, ok2 := smallInt(p2, 2)
	yy, ok3 := smallInt(p3, 4)
	if !ok1 || !ok2 || !ok3 || len(p3) == 1 {
		return
	}
	mo, d = f1, f2
	if sep == '.' || f1 > 12 {
		mo, d = f2, f1
	}
	return fixYear(yy, len(p3)), mo, d, true
}

// parseDOSClock parses "12:09PM", "12:09" and returns 24-hour values;
// ampm may hold a separate "AM"/"PM" token.
func parseDOSClock(t string) (h, m int, ampm byte, ok bool) {
	if n := len(t); n > 2 {
		switch {
		case equalFold(t[n-2:], "am"):
			ampm, t = 'a', t[:n-2]
		case equalFold(t[n-2:], "pm"):
			ampm, t = 'p', t[:n-2]
		}
	}
	h, m, _, _, _, ok = parseClock(t, false)
	return
}

func applyAMPM(h int, ampm byte) (int, bool) {
	switch ampm {
	case 'a':
		if h > 12 {
			return 0, false
		}
		if h == 12 {
			h = 0
		}
	case 'p':
		if h > 12 {
			return 0, false
		}
		if h != 12 {
			h += 12
		}
	}
	return h, true
}

func parseDOS(c *ctx, s string, e *Entry) bool {
	var tk [4]span
	n := tokenize(s, 0, tk[:])
	if n < 4 {
		return false
	}
	y, mo, d, ok := parseNumDate(s[tk[0].start:tk[0].end])
	if !ok {
		return false
	}
	h, mi, ampm, ok := parseDOSClock(s[tk[1].start:tk[1].end])
	if !ok {
		return false
	}
	k := 2
	if ampm == 0 {
		if t := s[tk[2].start:tk[2].end]; equalFold(t, "am") || equalFold(t, "pm") {
			ampm = lower(t[0])
			k = 3
		}
	}
	if h, ok = applyAMPM(h, ampm); !ok {
		return false
	}
	t, ok := mkdate(y, mo, d, h, mi, 0, 0, c.loc)
	if !ok {
		return false
	}
	if k >= n {
		return false
	}
	col := s[tk[k].start:tk[k].end]
	*e = Entry{Kind: File, Size: -1, ModTime: t, Precision: TimeMinute}
	switch {
	case equalFold(col, "<dir>"):
		e.Kind = Dir
	case equalFold(col, "<junction>"), equalFold(col, "<symlink>"), equalFold(col, "<symlinkd>"):
		e.Kind = Symlink
	default:
		size, ok := parseGroupedSize(col)
		if !ok {
			return false
		}
		e.Size = size
	}
	nameStart := skipSpace(s, tk[k].end)
	if nameStart == tk[k].end || nameStart >= len(s) {
		return false
	}
	name := s[nameStart:]
	if e.Kind == Symlink && strings.HasSuffix(name, "]") {
		if b := strings.LastIndex(name, " ["); b > 0 {
			name, e.Target = name[:b], name[b+2:len(name)-1]
		}
	}
	e.RawName = name
	return true
}

// parseGroupedSize parses "9730", "9,730" or "9.730" (groups of three).
func parseGroupedSize(t string) (int64, bool) {
	if strings.IndexAny(t, ",.") < 0 {
		return parseUint(t)
	}
	var n int64
	group := -1 // digits in the current group; -1 before the first separator
	digits := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case isDigit(c):
			if n > (1<<63-1-int64(c-'0'))/10 {
				return 0, false
			}
			n = n*10 + int64(c-'0')
			digits++
			if group >= 0 {
				group++
			}
		case c == ',' || c == '.':
			if digits == 0 || (group >= 0 && group != 3) || (group < 0 && digits > 3) {
				return 0, false
			}
			group = 0
		default:
			return 0, false
		}
	}
	return n, group == 3
}
