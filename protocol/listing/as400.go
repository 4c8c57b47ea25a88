package listing

import "strings"

// AS/400 (IBM i) style lines:
//
//	QSYS           77824 02/23/00 15:09:55 *DIR       QSYS/
//	QPGMR          36864 18.09.06 14:21:26 *FILE      XML5ANOTE.FILE
//	                                       *MEM       XML5ANOTE.FILE/XML5A.MBR
//
// Owner, size, date (mm/dd/yy, or dd.mm.yy), time hh:mm:ss, object type,
// name. Member lines carry only type and name. A trailing '/' marks a
// directory and is removed from the name, as are *DIR, *LIB and *FLR
// objects; everything else is a File.

func parseAS400(c *ctx, s string, e *Entry) bool {
	var tk [6]span
	n := tokenize(s, 0, tk[:])
	if n < 2 {
		return false
	}
	var typ string
	var k int
	*e = Entry{Kind: File, Size: -1}
	if first := s[tk[0].start:tk[0].end]; first[0] == '*' {
		typ, k = first, 0
	} else {
		if n < 6 {
			return false
		}
		size, ok := parseUint(s[tk[1].start:tk[1].end])
		if !ok {
			return false
		}
		a := s[tk[2].start:tk[2].end]
		if len(a) != 8 && len(a) != 10 || a[2] != '/' && a[2] != '.' {
			return false
		}
		y, mo, d, ok := parseNumDate(a)
		if !ok {
			return false
		}
		h, mi, sec, _, p, ok := parseClock(s[tk[3].start:tk[3].end], true)
		if !ok || p != TimeSecond {
			return false
		}
		t, ok := mkdate(y, mo, d, h, mi, sec, 0, c.loc)
		if !ok {
			return false
		}
		typ, k = s[tk[4].start:tk[4].end], 4
		e.Owner, e.Size, e.ModTime, e.Precision = first, size, t, TimeSecond
	}
	if !isObjType(typ) {
		return false
	}
	nameStart := skipSpace(s, tk[k].end)
	if nameStart >= len(s) {
		return false
	}
	name := s[nameStart:]
	if equalFold(typ, "*dir") || equalFold(typ, "*lib") || equalFold(typ, "*flr") {
		e.Kind = Dir
	}
	if len(name) > 1 && strings.HasSuffix(name, "/") {
		e.Kind = Dir
		name = name[:len(name)-1]
	}
	e.RawName = name
	return true
}

// isObjType accepts IBM i object types: '*' and 1-10 upper-case letters
// or digits.
func isObjType(t string) bool {
	if len(t) < 2 || len(t) > 11 || t[0] != '*' {
		return false
	}
	for i := 1; i < len(t); i++ {
		if c := t[i]; !(c >= 'A' && c <= 'Z' || isDigit(c)) {
			return false
		}
	}
	return true
}
