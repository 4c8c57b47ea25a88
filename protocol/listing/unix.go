package listing

import (
	"io/fs"
	"strings"
	"time"
	"unicode/utf8"
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
	switch {
	case s[0] == '0' || s[0] == '1':
		return parseNumericMode(s, e)
	case s[1] == ' ' && s[2] == '[':
		return parseNetWare(c, s, e)
	}
	kind, typ, ok := unixType(s[0])
	if !ok {
		return false
	}
	if kind == File && isConnectMode(s) {
		return parseConnect(c, s, e)
	}
	perm, ok := unixPerm(s[1:10])
	if !ok {
		return false
	}
	i := 10
	marker := s[i] == '+' || s[i] == '@' || s[i] == '.'
	if marker {
		i++
	}
	// After a marker the link count may follow without a blank
	// ("drwxr-x---+1464"), when the count is too wide for its column.
	if i >= len(s) || !isSpace(s[i]) && !(marker && isDigit(s[i])) {
		return false
	}
	var tk [maxUnixTokens]span
	n := tokenize(s, i, tk[:])
	// The date is found first: by its distinctive forms (a month name,
	// separators, CJK suffixes) anywhere, and only then as bare numbers
	// ("3 29 03:26"), which uid, gid and size columns could imitate.
	//
	// A date right after the first token leaves no owner at all; it is
	// taken only if no later date fits, so that a small uid and a group
	// called like a month ("1 1 jan 2048 Nov 24 14:15") do not read as
	// 1 January 2048.
	var early Entry
	haveEarly := false
	for pass := 0; pass < 2; pass++ {
		for j := 1; j < n; j++ {
			if pass == 0 && longNumber(s[tk[j].start:tk[j].end]) {
				continue // a uid, gid or size: no date starts with one
			}
			end, t, prec, guessed, ok := c.unixDate(s, tk[:n], j, pass == 1)
			if !ok {
				continue
			}
			*e = Entry{Kind: kind, Size: -1, ModTime: t, Precision: prec, YearGuessed: guessed,
				Mode: typ | perm, HasMode: true}
			if !unixColumns(s, tk[:n], j, end, e) {
				continue
			}
			if j > 1 || n < 6 {
				return true
			}
			if !haveEarly {
				early, haveEarly = *e, true
			}
		}
		if haveEarly {
			*e = early
			return true
		}
	}
	// No date at all: links, owner, group, size, name; but a name that
	// starts like a date is a date that failed to parse.
	if n >= 5 && allDigits(s[tk[0].start:tk[0].end]) && allDigits(s[tk[3].start:tk[3].end]) && !dateLike(s, tk[4:n]) {
		*e = Entry{Kind: kind, Size: -1, Mode: typ | perm, HasMode: true}
		if unixColumns(s, tk[:n], 4, 3, e) {
			return true
		}
	}
	return false
}

// dateLike reports tokens that start like a date, perhaps in a language
// not known here: a month name, a number or a date first, or a clock, a
// day or a year among the two tokens after it.
func dateLike(s string, tk []span) bool {
	a := s[tk[0].start:tk[0].end]
	if parseMonthAny(a) != 0 || allDigits(a) {
		return true
	}
	if _, _, _, _, ok := dateToken(a); ok {
		return true
	}
	for k := 1; k < len(tk) && k < 3; k++ {
		t := s[tk[k].start:tk[k].end]
		if strings.IndexByte(t, ':') >= 0 || allDigits(t) && (len(t) <= 2 || len(t) == 4) {
			return true
		}
	}
	return false
}

// longNumber reports a token of three or more digits and nothing else.
func longNumber(t string) bool {
	if len(t) < 3 {
		return false
	}
	for i := 0; i < len(t); i++ {
		if !isDigit(t[i]) {
			return false
		}
	}
	return true
}

// unixColumns fills e from the columns around a date that starts at
// token j and ends at token end: the size (or device numbers) before it,
// link count, owner and group before that, and the name after it. It
// reports false when those columns do not make sense.
func unixColumns(s string, tk []span, j, end int, e *Entry) bool {
	sizeTok := s[tk[j-1].start:tk[j-1].end]
	first := j - 1 // first token of the size column
	glued := -1    // where the size starts inside a "group123456" token
	switch {
	case allDigits(sizeTok):
		e.Size = saturatedSize(sizeTok)
		if j >= 2 {
			if prev := s[tk[j-2].start:tk[j-2].end]; len(prev) > 1 && prev[len(prev)-1] == ',' && allDigits(prev[:len(prev)-1]) {
				first, e.Size = j-2, -1
			}
		}
	case isDeviceNumbers(sizeTok):
	default:
		if v, ok := unitSize(sizeTok); ok {
			e.Size = v
			break
		}
		// A group name too long for its column runs into the size.
		k := len(sizeTok)
		for k > 0 && isDigit(sizeTok[k-1]) {
			k--
		}
		if k == 0 || k == len(sizeTok) || !isLetter(sizeTok[k-1]) || j-1 < 2 {
			return false
		}
		e.Size, glued = saturatedSize(sizeTok[k:]), tk[j-1].start+k
		first = j // the glued token is owner/group material up to glued
	}
	if e.Kind == Other && e.Mode&fs.ModeDevice != 0 {
		e.Size = -1
	}
	owners := tk[:first]
	if glued >= 0 {
		owners = append(tk[:first-1:first-1], span{tk[first-1].start, glued})
	}
	if !unixOwners(s, owners, e) {
		return false
	}
	nameStart := tk[end].end + 1
	if nameStart >= len(s) {
		return false
	}
	name := s[nameStart:]
	if e.Kind == Symlink {
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

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

// saturatedSize reads an all-digit size; a size beyond int64 (up to
// 2^64-1 some servers print for sparse or special files) saturates at
// the largest int64 instead of moving the column.
func saturatedSize(t string) int64 {
	if v, ok := parseUint(t); ok {
		return v
	}
	return 1<<63 - 1
}

// unitSize parses a size with a binary unit: "33.5k", "2KB", "1.2M",
// "512B", "3G". The result is rounded to whole bytes.
func unitSize(t string) (int64, bool) {
	num, b := t, false
	if n := len(num); n > 1 && (num[n-1] == 'B' || num[n-1] == 'b') {
		num, b = num[:n-1], true
	}
	shift := uint(0)
	switch lower(num[len(num)-1]) {
	case 'k':
		shift = 10
	case 'm':
		shift = 20
	case 'g':
		shift = 30
	case 't':
		shift = 40
	default:
		if !b {
			return 0, false // no unit at all
		}
	}
	if shift != 0 {
		num = num[:len(num)-1]
	}
	whole, frac := num, ""
	if k := strings.IndexByte(num, '.'); k >= 0 {
		whole, frac = num[:k], num[k+1:]
		if !allDigits(frac) || len(frac) > 3 {
			return 0, false
		}
	}
	w, ok := parseUint(whole)
	if !ok || w >= 1<<(62-shift) {
		return 0, false
	}
	v := w << shift
	if frac != "" {
		f, _ := smallInt(frac, 3)
		den := int64(1)
		for range len(frac) {
			den *= 10
		}
		v += (int64(f)<<shift + den/2) / den
	}
	return v, true
}

func isDeviceNumbers(t string) bool {
	k := strings.IndexByte(t, ',')
	return k > 0 && allDigits(t[:k]) && allDigits(t[k+1:])
}

// unixOwners assigns link count, owner and group from the tokens
// between the mode and the size. A token of digits run into letters
// ("1ftp") is a link count glued to the owner: which part is which
// cannot be known, so the line is refused.
func unixOwners(s string, tk []span, e *Entry) bool {
	if len(tk) > 0 {
		t := s[tk[0].start:tk[0].end]
		if isDigit(t[0]) && !allDigits(t) {
			return false
		}
	}
	if len(tk) > 0 && allDigits(s[tk[0].start:tk[0].end]) && len(tk) > 1 {
		tk = tk[1:] // link count
	} else if len(tk) == 1 && allDigits(s[tk[0].start:tk[0].end]) {
		return true // just a link count
	}
	switch len(tk) {
	case 0:
	case 1:
		e.Owner = s[tk[0].start:tk[0].end]
	default:
		e.Owner = s[tk[0].start:tk[0].end]
		e.Group = s[tk[1].start:tk[len(tk)-1].end]
	}
	return true
}

// unixDate tries to read a date starting at token j. It returns the index
// of the date's last token. With weak set it tries only bare numeric
// month and day ("3 29 03:26"); otherwise the distinctive forms:
//
//	Nov 24 14:15, Nov 24  2005, Oct 08, 2002 09:47 (VShell)
//	24 Nov 2005, 26. Juli 20:10, 26. Juli, 20:10 (day first, any language)
//	2005-06-07 21:22[:33[.frac] +0200], 1999/10/12 17:12, 24-04-2003 17:12,
//	2004.07.15, 01-jun-99, 09-26 2000, 09-26 13:45
//	6月 3日 2003年, 3月 2日 15:13, 3月 2 2003, 2005년 1월 6일
func (c *ctx) unixDate(s string, tk []span, j int, weak bool) (end int, t time.Time, prec Precision, guessed, ok bool) {
	tok := func(k int) string { return s[tk[k].start:tk[k].end] }
	n := len(tk)
	if j+1 >= n {
		return
	}
	a := tok(j)
	if weak {
		if j+2 >= n {
			return
		}
		mo, ok1 := smallInt(a, 2)
		d, ok2 := smallInt(tok(j+1), 2)
		if !ok1 || !ok2 || mo < 1 || mo > 12 || d < 1 || d > 31 {
			return
		}
		return c.yearOrClock(tok(j+2), j+2, mo, d)
	}
	if !isDigit(a[0]) {
		// Month name first.
		mo := parseMonthAny(a)
		if mo == 0 {
			if weekday(a) && j+4 < n {
				return c.fullTime(tok, j+1)
			}
			return
		}
		if j+2 >= n {
			return
		}
		b := tok(j + 1)
		comma := b[len(b)-1] == ','
		if comma {
			b = b[:len(b)-1]
		}
		d, ok1 := smallInt(b, 2)
		if !ok1 {
			return
		}
		if comma && j+3 < n {
			// VShell: "Oct 08, 2002 09:47".
			if y, yok := smallInt(tok(j+2), 4); yok && len(tok(j+2)) == 4 {
				return c.withClock(tok, n, j+2, y, mo, d)
			}
		}
		return c.yearOrClock(tok(j+2), j+2, mo, d)
	}
	digits := 0
	for digits < len(a) && isDigit(a[digits]) {
		digits++
	}
	if digits == 4 && len(a) == 5 && a[4] == '.' && j+3 < n {
		// Year first, as Hungarian ls writes it: 2005. márc. 3. 12:01
		y, _ := smallInt(a[:4], 4)
		mo := parseMonthAny(tok(j + 1))
		d, ok1 := dayToken(tok(j + 2))
		if mo == 0 || !ok1 {
			return
		}
		return c.withClock(tok, n, j+2, y, mo, d)
	}
	if digits == len(a) || digits+1 == len(a) && a[digits] == '.' {
		// Day first: 24 Nov 2005, 26. Juli 20:10. A longer number is a
		// uid, gid or size, never the start of a date.
		d, ok1 := dayToken(a)
		if !ok1 || j+2 >= n {
			return
		}
		mo := parseMonthAny(tok(j + 1))
		if mo == 0 {
			return
		}
		return c.yearOrClock(tok(j+2), j+2, mo, d)
	}
	if len(a) == 10 && a[4] == '-' && a[7] == '-' {
		// ISO: 2005-06-07 21:22[:33[.frac] +0200]
		y, ok1 := smallInt(a[:4], 4)
		mo, ok2 := smallInt(a[5:7], 2)
		d, ok3 := smallInt(a[8:], 2)
		if !ok1 || !ok2 || !ok3 {
			return
		}
		h, mi, sec, ns, p, ok4 := parseClock(tok(j+1), true)
		if !ok4 {
			return c.withClock(tok, n, j, y, mo, d)
		}
		if p == TimeSecond && j+2 < n {
			if off, zok := parseZone(tok(j + 2)); zok {
				tt, dok := mkdate(y, mo, d, h, mi, sec, ns, time.UTC)
				return j + 2, tt.Add(-off), p, false, dok
			}
		}
		tt, ok5 := mkdate(y, mo, d, h, mi, sec, ns, c.loc)
		return j + 1, tt, p, false, ok5
	}
	if a[digits] < utf8.RuneSelf {
		// One token with separators: 1999/10/12, 24-04-2003, 09-26, ...
		y, mo, d, hasYear, ok1 := dateToken(a)
		if !ok1 {
			return
		}
		if !hasYear {
			if j+2 >= n {
				return
			}
			return c.yearOrClock(tok(j+1), j+1, mo, d)
		}
		return c.withClock(tok, n, j, y, mo, d)
	}
	if mo, ok1 := cjkNumber(a, 'm', 2); ok1 {
		// 6月 3日 2003年, 3月 2日 15:13, 3月 2 2003
		if j+2 >= n {
			return
		}
		b := tok(j + 1)
		d, ok2 := cjkNumber(b, 'd', 2)
		if !ok2 {
			if d, ok2 = smallInt(b, 2); !ok2 {
				return
			}
		}
		return c.yearOrClock(tok(j+2), j+2, mo, d)
	}
	if y, ok1 := cjkNumber(a, 'y', 4); ok1 {
		// 2005년 1월 6일
		if j+2 >= n {
			return
		}
		mo, ok2 := cjkNumber(tok(j+1), 'm', 2)
		d, ok3 := cjkNumber(tok(j+2), 'd', 2)
		if !ok2 || !ok3 {
			return
		}
		tt, ok4 := mkdate(y, mo, d, 0, 0, 0, 0, c.loc)
		return j + 2, tt, TimeDay, false, ok4
	}
	return
}

// weekday reports an English day-of-week abbreviation, which starts the
// dates of "ls --full-time" on older systems.
func weekday(t string) bool {
	if len(t) != 3 {
		return false
	}
	for _, w := range [...]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		if equalFold(t, w) {
			return true
		}
	}
	return false
}

// fullTime reads "Feb 17 12:39:07 2004" starting at token k (after the
// weekday): month, day, time with seconds, year.
func (c *ctx) fullTime(tok func(int) string, k int) (int, time.Time, Precision, bool, bool) {
	mo := parseMonth(tok(k))
	d, ok1 := smallInt(tok(k+1), 2)
	h, mi, sec, ns, p, ok2 := parseClock(tok(k+2), true)
	y, ok3 := smallInt(tok(k+3), 4)
	if mo == 0 || !ok1 || !ok2 || !ok3 || len(tok(k+3)) != 4 {
		return 0, time.Time{}, 0, false, false
	}
	t, ok := mkdate(y, mo, d, h, mi, sec, ns, c.loc)
	return k + 3, t, p, false, ok
}

// withClock completes a date with a full year that ends at token k: a
// clock may follow when a name follows it.
func (c *ctx) withClock(tok func(int) string, n, k, y, mo, d int) (int, time.Time, Precision, bool, bool) {
	if k+2 < n {
		if h, mi, ok := unixClock(tok(k + 1)); ok {
			t, ok := mkdate(y, mo, d, h, mi, 0, 0, c.loc)
			return k + 1, t, TimeMinute, false, ok
		}
	}
	t, ok := mkdate(y, mo, d, 0, 0, 0, 0, c.loc)
	return k, t, TimeDay, false, ok
}

// yearOrClock completes month and day with token t at index k: a year
// ("2005", "2005年") or a clock ("14:15", whose year is guessed).
func (c *ctx) yearOrClock(t string, k, mo, d int) (int, time.Time, Precision, bool, bool) {
	if y, ok := cjkNumber(t, 'y', 4); ok {
		tt, ok := mkdate(y, mo, d, 0, 0, 0, 0, c.loc)
		return k, tt, TimeDay, false, ok
	}
	if len(t) == 4 && allDigits(t) {
		y, _ := smallInt(t, 4)
		tt, ok := mkdate(y, mo, d, 0, 0, 0, 0, c.loc)
		return k, tt, TimeDay, false, ok
	}
	h, mi, ok := unixClock(t)
	if !ok {
		return 0, time.Time{}, 0, false, false
	}
	tt, ok := c.guessYear(mo, d, h, mi)
	return k, tt, TimeMinute, true, ok
}

// unixClock parses "hh:mm", accepting "24:00", the end of a day, which
// some servers print for midnight.
func unixClock(t string) (h, mi int, ok bool) {
	if t == "24:00" {
		return 24, 0, true
	}
	h, mi, _, _, _, ok = parseClock(t, false)
	return
}

// dayToken parses a day of the month before a month name: "24", "26.".
func dayToken(t string) (int, bool) {
	if n := len(t); n > 1 && t[n-1] == '.' {
		t = t[:n-1]
	}
	d, ok := smallInt(t, 2)
	return d, ok && d >= 1 && d <= 31
}

// dateToken parses a date written as one token with '-', '/' or '.'
// between its parts: yyyy-mm-dd, 1999/10/12, 2004.07.15, 24-04-2003,
// 04/27/2003, 01-jun-99, and month and day alone (09-26, hasYear false).
func dateToken(a string) (y, mo, d int, hasYear, ok bool) {
	i := 0
	for i < len(a) && isDigit(a[i]) {
		i++
	}
	if i == 0 || i >= len(a) || a[i] != '-' && a[i] != '/' && a[i] != '.' {
		return
	}
	sep := a[i]
	p1, rest := a[:i], a[i+1:]
	k := strings.IndexByte(rest, sep)
	if k < 0 {
		// Month and day: 09-26.
		m, ok1 := smallInt(p1, 2)
		dd, ok2 := smallInt(rest, 2)
		if !ok1 || !ok2 || len(rest) != 2 || m < 1 || m > 12 || dd < 1 || dd > 31 {
			return
		}
		return 0, m, dd, false, true
	}
	p2, p3 := rest[:k], rest[k+1:]
	if m := parseMonthAny(p2); m != 0 && sep == '-' {
		// 01-jun-99, 1-Jun-1999
		dd, ok1 := smallInt(p1, 2)
		yy, ok2 := smallInt(p3, 4)
		if !ok1 || !ok2 || (len(p3) != 2 && len(p3) != 4) {
			return
		}
		return fixYear(yy, len(p3)), m, dd, true, true
	}
	if len(p3) != 2 && len(p3) != 4 && len(p1) != 4 {
		return
	}
	y, mo, d, ok = parseNumDate(a)
	return y, mo, d, ok, ok
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

// NetWare lines carry a type, the NetWare rights in brackets, the owner,
// the size and a Unix-style date; the name starts after the padding:
//
//	d [R----F--] supervisor            512       Jan 16 18:53    login
//	- [RWCEAFMS] rhesus             214059       Oct 20 15:27    cx.exe
func parseNetWare(c *ctx, s string, e *Entry) bool {
	kind := File
	switch s[0] {
	case 'd':
		kind = Dir
	case '-':
	default:
		return false
	}
	k := strings.IndexByte(s, ']')
	if k < 4 {
		return false
	}
	for i := 3; i < k; i++ {
		if strings.IndexByte("RWCEAFMS-", s[i]) < 0 {
			return false
		}
	}
	var tk [7]span
	n := tokenize(s, k+1, tk[:])
	if n < 6 {
		return false
	}
	size, ok := parseUint(s[tk[1].start:tk[1].end])
	if !ok {
		return false
	}
	end, t, prec, guessed, ok := c.unixDate(s, tk[:n], 2, false)
	if !ok || end != 4 {
		return false
	}
	*e = Entry{Kind: kind, Size: size, ModTime: t, Precision: prec, YearGuessed: guessed,
		Owner: s[tk[0].start:tk[0].end], RawName: s[tk[5].start:]}
	return true
}

// isConnectMode recognizes the first column of Sterling Connect:Enterprise
// listings, ten flag characters run into "FTP":
//
//	-C--E-----FTP B BCC3I1       7670  1294495 Jan 13 07:42 BCC3I1.20070504.064747.txt
func isConnectMode(s string) bool {
	if len(s) < 14 || s[10:13] != "FTP" || !isSpace(s[13]) {
		return false
	}
	for i := 1; i < 10; i++ {
		if c := s[i]; c != '-' && !(c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// parseConnect reads a Connect:Enterprise line: flags, protocol (A or
// B), mailbox, batch number, size, date and name. The mailbox goes in
// Owner.
func parseConnect(c *ctx, s string, e *Entry) bool {
	var tk [9]span
	n := tokenize(s, 13, tk[:])
	if n < 8 {
		return false
	}
	if p := s[tk[0].start:tk[0].end]; len(p) != 1 || !isLetter(p[0]) || !allDigits(s[tk[2].start:tk[2].end]) {
		return false
	}
	size, ok := parseUint(s[tk[3].start:tk[3].end])
	if !ok {
		return false
	}
	end, t, prec, guessed, ok := c.unixDate(s, tk[:n], 4, false)
	if !ok || tk[end].end+1 >= len(s) {
		return false
	}
	*e = Entry{Kind: File, Size: size, ModTime: t, Precision: prec, YearGuessed: guessed,
		Owner: s[tk[1].start:tk[1].end], RawName: s[tk[end].end+1:]}
	return true
}

// parseNumericMode reads lines that give st_mode in octal, then uid,
// gid, size and the modification time in Unix seconds:
//
//	0100644 500 101 12345 123456789 name
func parseNumericMode(s string, e *Entry) bool {
	var tk [6]span
	n := tokenize(s, 0, tk[:])
	if n < 6 || tk[0].start != 0 {
		return false
	}
	m := s[:tk[0].end]
	if len(m) < 6 || len(m) > 7 {
		return false
	}
	var v uint32
	for i := 0; i < len(m); i++ {
		if m[i] < '0' || m[i] > '7' {
			return false
		}
		v = v<<3 | uint32(m[i]-'0')
	}
	var kind Kind
	var typ fs.FileMode
	switch v & 0170000 {
	case 0100000:
		kind = File
	case 0040000:
		kind, typ = Dir, fs.ModeDir
	case 0120000:
		kind, typ = Symlink, fs.ModeSymlink
	case 0020000:
		kind, typ = Other, fs.ModeDevice|fs.ModeCharDevice
	case 0060000:
		kind, typ = Other, fs.ModeDevice
	case 0010000:
		kind, typ = Other, fs.ModeNamedPipe
	case 0140000:
		kind, typ = Other, fs.ModeSocket
	default:
		return false
	}
	uid, gid := s[tk[1].start:tk[1].end], s[tk[2].start:tk[2].end]
	size, ok1 := parseUint(s[tk[3].start:tk[3].end])
	sec, ok2 := parseUint(s[tk[4].start:tk[4].end])
	if !allDigits(uid) || !allDigits(gid) || !ok1 || !ok2 || sec >= 253402300800 || tk[4].end+1 >= len(s) {
		return false
	}
	*e = Entry{Kind: kind, Size: size, ModTime: time.Unix(sec, 0).UTC(), Precision: TimeSecond,
		Mode: typ | unixPermBits(v&07777), HasMode: true, Owner: uid, Group: gid, RawName: s[tk[4].end+1:]}
	return true
}
