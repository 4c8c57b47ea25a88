package listing

import "time"

// span is a token's position in a line: s[start:end].
type span struct{ start, end int }

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// tokenize splits s[from:] at runs of blanks into at most len(out)
// tokens and returns how many it found.
func tokenize(s string, from int, out []span) int {
	n := 0
	i := from
	for n < len(out) {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			break
		}
		st := i
		for i < len(s) && !isSpace(s[i]) {
			i++
		}
		out[n] = span{st, i}
		n++
	}
	return n
}

// skipSpace returns the index of the first non-blank byte at or after i.
func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// parseUint parses a decimal number. Leading zeros are decimal, never
// octal. It fails on an empty string, a non-digit or overflow of int64.
func parseUint(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) {
			return 0, false
		}
		if n > (1<<63-1-int64(c-'0'))/10 {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// smallInt parses 1 to maxDigits decimal digits.
func smallInt(s string, maxDigits int) (int, bool) {
	if len(s) == 0 || len(s) > maxDigits {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// parseOctal parses up to 7 octal digits (permission bits).
func parseOctal(s string) (uint32, bool) {
	if len(s) == 0 || len(s) > 7 {
		return 0, false
	}
	var n uint32
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '7' {
			return 0, false
		}
		n = n<<3 | uint32(c-'0')
	}
	return n, n <= 07777
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case; prefix must be
// lower case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if lower(s[i]) != prefix[i] {
			return false
		}
	}
	return true
}

// equalFold compares s with a lower-case ASCII word ignoring case.
func equalFold(s, word string) bool {
	return len(s) == len(word) && hasPrefixFold(s, word)
}

const monthNames = "janfebmaraprmayjunjulaugsepoctnovdec"

// parseMonth maps a three-letter English month abbreviation in any case
// to 1-12, or 0.
func parseMonth(s string) int {
	if len(s) != 3 {
		return 0
	}
	a, b, c := lower(s[0]), lower(s[1]), lower(s[2])
	for m := 0; m < 12; m++ {
		if monthNames[3*m] == a && monthNames[3*m+1] == b && monthNames[3*m+2] == c {
			return m + 1
		}
	}
	return 0
}

// parseClock parses "h:mm", "hh:mm", and with seconds allowed also
// "hh:mm:ss" and "hh:mm:ss.fraction". It returns the precision found.
func parseClock(s string, seconds bool) (h, m, sec, nsec int, prec Precision, ok bool) {
	c := 0
	for c < len(s) && s[c] != ':' {
		c++
	}
	if c == len(s) {
		return
	}
	if h, ok = smallInt(s[:c], 2); !ok || h > 23 {
		return 0, 0, 0, 0, 0, false
	}
	rest := s[c+1:]
	if len(rest) < 2 {
		return 0, 0, 0, 0, 0, false
	}
	if m, ok = smallInt(rest[:2], 2); !ok || m > 59 {
		return 0, 0, 0, 0, 0, false
	}
	rest = rest[2:]
	if rest == "" {
		return h, m, 0, 0, TimeMinute, true
	}
	if !seconds || rest[0] != ':' || len(rest) < 3 {
		return 0, 0, 0, 0, 0, false
	}
	if sec, ok = smallInt(rest[1:3], 2); !ok || sec > 60 {
		return 0, 0, 0, 0, 0, false
	}
	rest = rest[3:]
	if rest == "" {
		return h, m, sec, 0, TimeSecond, true
	}
	if rest[0] != '.' {
		return 0, 0, 0, 0, 0, false
	}
	if nsec, ok = parseFraction(rest[1:]); !ok {
		return 0, 0, 0, 0, 0, false
	}
	return h, m, sec, nsec, TimeSecond, true
}

// parseFraction turns the digits after a decimal point into nanoseconds;
// digits beyond the ninth are ignored.
func parseFraction(s string) (int, bool) {
	if s == "" || len(s) > 32 {
		return 0, false
	}
	ns, scale := 0, 100000000
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		ns += int(s[i]-'0') * scale
		scale /= 10
	}
	return ns, true
}

// daysIn returns the number of days in month mo of year y.
func daysIn(y, mo int) int {
	switch mo {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// mkdate builds a time, failing on dates that do not exist (Feb 30).
func mkdate(y, mo, d, h, mi, sec, ns int, loc *time.Location) (time.Time, bool) {
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || y < 1 || y > 9999 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, ns, loc), true
}

// skew is how far into the future a year-less LIST date may lie: server
// clock skew and time-zone confusion.
const skew = 24 * time.Hour

// ctx carries what date parsing needs: the server's zone and the latest
// acceptable moment for year-less dates, precomputed as wall-clock fields.
type ctx struct {
	loc   *time.Location
	limit time.Time // now + skew
	ly    int       // limit's year in loc
	lwall int       // limit's month, day, hour and minute as MMDDhhmm
}

func newCtx(now time.Time, loc *time.Location) ctx {
	if loc == nil {
		loc = time.UTC
	}
	c := ctx{loc: loc, limit: now.Add(skew)}
	l := c.limit.In(loc)
	y, mo, d := l.Date()
	c.ly = y
	c.lwall = ((int(mo)*100+d)*100+l.Hour())*100 + l.Minute()
	return c
}

// guessYear resolves a year-less date to the most recent year that puts
// it no later than now plus skew.
func (c *ctx) guessYear(mo, d, h, mi int) (time.Time, bool) {
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	y := c.ly
	if ((mo*100+d)*100+h)*100+mi > c.lwall {
		y--
	}
	// Feb 29 needs a leap year: at most eight years back.
	for tries := 0; tries < 9; tries, y = tries+1, y-1 {
		if d > daysIn(y, mo) || y < 1 {
			continue
		}
		t := time.Date(y, time.Month(mo), d, h, mi, 0, 0, c.loc)
		if !t.After(c.limit) { // wall clock and instant may disagree around DST changes
			return t, true
		}
	}
	return time.Time{}, false
}

// fixYear maps two-digit years 00-69 to 2000-2069 and 70-99 to 1970-1999; three-digit
// years (OS/2's year-1900) are offset from 1900; four digits are kept.
func fixYear(y, digits int) int {
	switch digits {
	case 2:
		if y < 70 {
			return 2000 + y
		}
		return 1900 + y
	case 3:
		return 1900 + y
	}
	return y
}
