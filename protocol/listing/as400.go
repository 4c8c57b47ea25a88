package listing

import "strings"

// AS/400 (IBM i) style lines:
//
//	QSYS           77824 02/23/00 15:09:55 *DIR       QSYS/
//	QPGMR          36864 18.09.06 14:21:26 *FILE      XML5ANOTE.FILE
//	                                       *MEM       XML5ANOTE.FILE/XML5A.MBR
//
// Owner, size, date, time hh:mm:ss, object type, name. The date is in
// the server job's format (IBM i's QDATFMT: MDY, DMY or YMD) with its own
// separator; see as400Date. Member lines carry only type and name. A trailing '/' marks a
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
		y, mo, d, ok := as400Date(s[tk[2].start:tk[2].end])
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
	// A member has no size or date of its own; a member line that shows
	// them is not one this parser knows.
	if k != 0 && equalFold(typ, "*mem") {
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

// as400Date reads an 8-character date (or 10 with a four-digit year). The
// job's date format is not sent, so the order is chosen from the values:
// a first part over 31 can only be a year (YMD, as in 98/12/31); else
// mm/dd/yy for '/', dd.mm.yy for '.' and the other separators, with the
// day and month swapped when only that order gives a real date, and
// yy/mm/dd as the last resort.
func as400Date(a string) (y, mo, d int, ok bool) {
	if len(a) != 8 && len(a) != 10 || isDigit(a[2]) {
		return
	}
	sep := a[2]
	if sep != '/' && sep != '.' && sep != '-' && sep != ',' && sep != ' ' {
		return
	}
	if len(a) == 10 {
		if a[5] != sep {
			return
		}
		return parseNumDate(a)
	}
	if a[5] != sep {
		return
	}
	p1, ok1 := smallInt(a[:2], 2)
	p2, ok2 := smallInt(a[3:5], 2)
	p3, ok3 := smallInt(a[6:], 2)
	if !ok1 || !ok2 || !ok3 {
		return
	}
	valid := func(yy, m, dd int) bool { return m >= 1 && m <= 12 && dd >= 1 && dd <= daysIn(fixYear(yy, 2), m) }
	var orders [3][3]int // y, m, d
	if sep == '/' {
		orders = [3][3]int{{p3, p1, p2}, {p3, p2, p1}, {p1, p2, p3}}
	} else {
		orders = [3][3]int{{p3, p2, p1}, {p3, p1, p2}, {p1, p2, p3}}
	}
	if p1 > 31 {
		orders[0] = orders[2]
	}
	for _, o := range orders {
		if valid(o[0], o[1], o[2]) {
			return fixYear(o[0], 2), o[1], o[2], true
		}
	}
	return
}
