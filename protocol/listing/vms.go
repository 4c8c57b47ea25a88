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
	if len(s) == 0 || isSpace(s[0]) {
		return false
	}
	k := 0
	for k < len(s) && !isSpace(s[k]) {
		k++
	}
	name, ok := vmsName(s[:k])
	if !ok {
		return false
	}
	*e = Entry{Kind: File, Size: -1}
	var haveSize, haveDate, haveOwner, haveProt bool
	for i := skipSpace(s, k); i < len(s); i = skipSpace(s, i) {
		switch s[i] {
		case '[':
			end := strings.IndexByte(s[i:], ']')
			next := 0
			if end < 0 {
				// An owner whose closing bracket was cut off: up to the
				// next blank.
				end = i + 1
				for end < len(s) && !isSpace(s[end]) {
					end++
				}
				next = end
			} else {
				end += i
				next = end + 1
			}
			if haveOwner || !vmsOwner(s[i+1:end], e) {
				return false
			}
			haveOwner, i = true, next
		case '(':
			end := strings.IndexByte(s[i:], ')')
			if end < 0 || haveProt {
				return false
			}
			m, ok := vmsProtection(s[i+1 : i+end])
			if !ok {
				return false
			}
			e.Mode, e.HasMode, haveProt = m, true, true
			i += end + 1
		default:
			j := i
			for j < len(s) && !isSpace(s[j]) {
				j++
			}
			tok := s[i:j]
			if y, mo, d, ok := vmsDate(tok); ok && !haveDate {
				haveDate = true
				i = j
				h, mi, sec, ns, prec := 0, 0, 0, 0, TimeDay
				// An optional time follows the date.
				if t0 := skipSpace(s, j); t0 < len(s) && isDigit(s[t0]) {
					t1 := t0
					for t1 < len(s) && !isSpace(s[t1]) {
						t1++
					}
					if hh, mm, ss, nn, p, ok := parseClock(s[t0:t1], true); ok {
						h, mi, sec, ns, prec, i = hh, mm, ss, nn, p, t1
					}
				}
				t, ok := mkdate(y, mo, d, h, mi, sec, ns, c.loc)
				if !ok {
					return false
				}
				e.ModTime, e.Precision = t, prec
				continue
			}
			size, ok := vmsSize(tok)
			if !ok || haveSize {
				return false
			}
			e.Size, haveSize, i = size, true, j
		}
	}
	if !haveSize || !haveDate {
		return false
	}
	if len(name) > 4 && equalFold(name[len(name)-4:], ".dir") {
		e.Kind = Dir
		name = name[:len(name)-4]
	}
	e.RawName = name
	return true
}

// vmsDate parses d-MMM-yyyy ("7-JAN-1997").
func vmsDate(a string) (y, mo, d int, ok bool) {
	d1 := strings.IndexByte(a, '-')
	if d1 < 1 || len(a) != d1+9 || a[d1+4] != '-' {
		return
	}
	d, ok1 := smallInt(a[:d1], 2)
	mo = parseMonth(a[d1+1 : d1+4])
	y, ok2 := smallInt(a[d1+5:], 4)
	return y, mo, d, ok1 && ok2 && mo != 0
}

// vmsSize reads the size column: 512-byte blocks used, "used/allocated",
// or a size with a unit ("12KB", "1.5MB") from servers that print one.
// A size beyond int64 saturates.
func vmsSize(t string) (int64, bool) {
	blocks := t
	if k := strings.IndexByte(t, '/'); k >= 0 {
		if !allDigits(t[k+1:]) {
			return 0, false
		}
		blocks = t[:k]
	}
	if b, ok := parseUint(blocks); ok {
		if b > (1<<63-1)/512 {
			return 1<<63 - 1, true
		}
		return b * 512, true
	}
	if blocks != t {
		return 0, false
	}
	return unitSize(t)
}

// vmsOwner checks and stores an owner identifier: [OWNER], [GROUP,OWNER]
// or a numeric UIC [300,11]. Each part is letters, digits, '$', '_' and
// '-'; anything else is not VMS.
func vmsOwner(id string, e *Entry) bool {
	group, owner := "", id
	if k := strings.IndexByte(id, ','); k >= 0 {
		group, owner = id[:k], id[k+1:]
		if !vmsIdent(group) {
			return false
		}
	}
	if !vmsIdent(owner) {
		return false
	}
	e.Group, e.Owner = group, owner
	return true
}

func vmsIdent(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || isDigit(c) || c == '$' || c == '-') {
			return false
		}
	}
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
