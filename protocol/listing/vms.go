package listing

import (
	"io/fs"
	"strings"
)

// VMS style lines:
//
//	FILE.TXT;1           2/4      7-JAN-1997 15:46  [GROUP,OWNER]  (RWED,RWED,RWED,RE)
//	SUBDIR.DIR;1         1        7-JAN-1997 15:46:12.34  [OWNER]  (RWE,RWE,RE,)
//	A-VERY-LONG-FILE-NAME.TXT;12
//	                    10/12     7-JAN-1997 15:46  [GROUP,OWNER]  (RWED,RWED,RWED,RE)
//
// A name too long for its column ends its line and the rest follows on the
// next, indented line; a Scanner joins the two. The ";version" suffix is
// removed (the server then uses the newest version), and "NAME.DIR" becomes
// directory "NAME". The size column counts 512-byte blocks ("used" or
// "used/allocated"); Size is used*512, an estimate. Protection
// (system,owner,group,world with R, W, E, D) maps to Unix mode bits:
// R=r, W=w, E=x for owner, group and world. The owner column [g,o] or [o]
// fills Group and Owner.

// vmsName splits "NAME.EXT;12" and reports whether it is one.
func vmsName(t string) (name string, ok bool) {
	k := strings.LastIndexByte(t, ';')
	if k <= 0 || !allDigits(t[k+1:]) || len(t)-k > 6 {
		return "", false
	}
	return t[:k], true
}

// vmsContinued reports a line that holds only a VMS file name, whose
// details follow on the next line.
func vmsContinued(line []byte) bool {
	s := line
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	if len(s) == 0 || s[0] == '+' || isSpace(s[0]) {
		return false
	}
	k := -1
	for i, c := range s {
		if isSpace(c) {
			return false
		}
		if c == ';' {
			k = i
		}
	}
	if k <= 0 || k == len(s)-1 || len(s)-k > 6 {
		return false
	}
	for _, c := range s[k+1:] {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

func parseVMS(c *ctx, s string, e *Entry) bool {
	var tk [8]span
	n := tokenize(s, 0, tk[:])
	if n < 4 || tk[0].start != 0 {
		return false
	}
	name, ok := vmsName(s[:tk[0].end])
	if !ok {
		return false
	}
	size := int64(-1)
	blocks := s[tk[1].start:tk[1].end]
	if k := strings.IndexByte(blocks, '/'); k >= 0 {
		if !allDigits(blocks[k+1:]) {
			return false
		}
		blocks = blocks[:k]
	}
	b, ok := parseUint(blocks)
	if !ok {
		return false
	}
	if b <= (1<<63-1)/512 {
		size = b * 512
	}
	// Date d-MMM-yyyy.
	a := s[tk[2].start:tk[2].end]
	d1 := strings.IndexByte(a, '-')
	if d1 < 1 || len(a) < d1+9 || a[d1+4] != '-' {
		return false
	}
	d, ok1 := smallInt(a[:d1], 2)
	mo := parseMonth(a[d1+1 : d1+4])
	y, ok2 := smallInt(a[d1+5:], 4)
	if !ok1 || !ok2 || mo == 0 || len(a)-d1-5 != 4 {
		return false
	}
	h, mi, sec, ns, prec, ok := parseClock(s[tk[3].start:tk[3].end], true)
	if !ok {
		return false
	}
	t, ok := mkdate(y, mo, d, h, mi, sec, ns, c.loc)
	if !ok {
		return false
	}
	*e = Entry{Kind: File, Size: size, ModTime: t, Precision: prec}
	rest := s[tk[3].end:]
	rest = rest[skipSpace(rest, 0):]
	if strings.HasPrefix(rest, "[") {
		k := strings.IndexByte(rest, ']')
		if k < 0 {
			return false
		}
		owner := rest[1:k]
		if comma := strings.IndexByte(owner, ','); comma >= 0 {
			e.Group, e.Owner = strings.TrimSpace(owner[:comma]), strings.TrimSpace(owner[comma+1:])
		} else {
			e.Owner = strings.TrimSpace(owner)
		}
		rest = rest[k+1:]
		rest = rest[skipSpace(rest, 0):]
	}
	if strings.HasPrefix(rest, "(") {
		k := strings.IndexByte(rest, ')')
		if k < 0 {
			return false
		}
		m, ok := vmsProtection(rest[1:k])
		if !ok {
			return false
		}
		e.Mode, e.HasMode = m, true
		rest = rest[k+1:]
		rest = rest[skipSpace(rest, 0):]
	}
	if rest != "" {
		return false
	}
	if len(name) > 4 && equalFold(name[len(name)-4:], ".dir") {
		e.Kind = Dir
		name = name[:len(name)-4]
	}
	e.RawName = name
	return true
}

// vmsProtection maps "(RWED,RWED,RWED,RE)" (system, owner, group, world)
// to Unix permission bits.
func vmsProtection(p string) (m fs.FileMode, ok bool) {
	var groups [4]string
	for i := 0; i < 4; i++ {
		if i < 3 {
			k := strings.IndexByte(p, ',')
			if k < 0 {
				return 0, false
			}
			groups[i], p = p[:k], p[k+1:]
		} else {
			groups[i] = p
		}
	}
	for _, c := range []byte(groups[0]) {
		if strings.IndexByte("RWED", c) < 0 {
			return 0, false
		}
	}
	for i, shift := range [3]uint{6, 3, 0} {
		for _, c := range []byte(groups[i+1]) {
			switch c {
			case 'R':
				m |= 4 << shift
			case 'W':
				m |= 2 << shift
			case 'E':
				m |= 1 << shift
			case 'D':
			default:
				return 0, false
			}
		}
	}
	return m, true
}
