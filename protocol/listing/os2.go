package listing

// OS/2 style lines:
//
//	     0           DIR   04-11-95   16:26  ADDRESS
//	 36611      A          04-23-103  10:57  OS2 test1.file
//	     0 DIR             02-11-103  16:15  OS2 test1.dir
//
// Size, optional attribute words (A, R, H, S, DIR), date mm-dd-yy with a
// two- or three-digit year (years since 1900), time, name. As with DOS,
// the name starts at the first non-blank after the time.

func parseOS2(c *ctx, s string, e *Entry) bool {
	var tk [8]span
	n := tokenize(s, 0, tk[:])
	if n < 4 {
		return false
	}
	size, ok := parseUint(s[tk[0].start:tk[0].end])
	if !ok {
		return false
	}
	dir := false
	k := 1
	for ; k < n && k <= 4; k++ {
		w := s[tk[k].start:tk[k].end]
		if !isAttrWord(w) {
			break
		}
		if w == "DIR" {
			dir = true
		}
	}
	if k+2 >= n {
		return false
	}
	a := s[tk[k].start:tk[k].end]
	if len(a) < 8 || a[2] != '-' || a[5] != '-' {
		return false
	}
	mo, ok1 := smallInt(a[:2], 2)
	d, ok2 := smallInt(a[3:5], 2)
	yy, ok3 := smallInt(a[6:], 4)
	if !ok1 || !ok2 || !ok3 {
		return false
	}
	h, mi, _, _, _, ok := parseClock(s[tk[k+1].start:tk[k+1].end], false)
	if !ok {
		return false
	}
	t, ok := mkdate(fixYear(yy, len(a)-6), mo, d, h, mi, 0, 0, c.loc)
	if !ok {
		return false
	}
	*e = Entry{Kind: File, Size: size, ModTime: t, Precision: TimeMinute}
	if dir {
		e.Kind = Dir
	}
	e.RawName = s[tk[k+2].start:]
	return true
}

// isAttrWord accepts OS/2 attribute columns: "DIR" or letters of "ARHS".
func isAttrWord(w string) bool {
	if w == "DIR" {
		return true
	}
	if w == "" || len(w) > 4 {
		return false
	}
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case 'A', 'R', 'H', 'S':
		default:
			return false
		}
	}
	return true
}
