package listing

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

var (
	// ErrUnrecognized is returned (possibly wrapped) for a line that no
	// parser understands.
	ErrUnrecognized = errors.New("listing: unrecognized line")
	// ErrNotEntry is returned by Parser.ParseLine for lines that carry no
	// entry but are expected in listings: blank lines, "total N",
	// "Status of ...", VMS "Directory ..." headers and "Total of ..."
	// trailers. A Scanner skips them silently.
	ErrNotEntry = errors.New("listing: line holds no entry")

	errNoPathname = fmt.Errorf("%w: MLSx entry without pathname", ErrUnrecognized)
	errBadFacts   = fmt.Errorf("%w: malformed MLSx facts", ErrUnrecognized)
	errBadValue   = fmt.Errorf("%w: malformed MLSx fact value", ErrUnrecognized)
)

// ParseMLSx parses one line of an MLSD listing or the entry line of an
// MLST reply (RFC 3659 section 7): facts, each "name=value;", then a
// single space and the pathname. The pathname is everything after that
// space, kept byte for byte (leading spaces, semicolons and all); a
// trailing CR LF is removed.
//
// Fact names are case-insensitive. Understood facts: type (file, dir,
// cdir, pdir, OS.unix=slink:target, OS.unix=symlink), size, sizd (used
// when size is absent), modify (YYYYMMDDHHMMSS[.fraction], UTC), perm,
// unix.mode (octal), unix.owner/unix.ownername/unix.uid and
// unix.group/unix.groupname/unix.gid (names preferred over ids). Other
// facts are ignored. An entry without a type fact has Kind Other.
//
// Tolerated deviations: the ';' after the last fact may be missing (the
// pathname then starts after the first space); a tab instead of the space
// may separate facts and pathname; a symlink target with spaces in
// "type=OS.unix=slink:..." is accepted when a "; " follows it.
//
// A line that starts with a space has no facts: the rest of it is the
// pathname (RFC 3659 section 7.2). An MLST reply line starts with a space
// before its facts, which the caller must remove (Conn.MLST does).
//
// A fact ferry interprets whose value is malformed (a size that is not a
// number, a modify that is not a valid time, a unix.mode that is not
// octal) makes the whole line not understood: the entry would otherwise
// carry a guessed field.
func ParseMLSx(line string) (Entry, error) {
	line = trimEOL(line)
	var e Entry
	if err := parseMLSx(line, &e); err != nil {
		return Entry{Size: -1, Raw: line}, err
	}
	return e, nil
}

func trimEOL(s string) string {
	if n := len(s); n > 0 && s[n-1] == '\n' {
		s = s[:n-1]
	}
	if n := len(s); n > 0 && s[n-1] == '\r' {
		s = s[:n-1]
	}
	return s
}

// looksLikeFact reports whether s starts with "name=" for a plausible
// fact name.
func looksLikeFact(s string) bool {
	for i := 0; i < len(s) && i < 64; i++ {
		c := s[i]
		switch {
		case c == '=':
			return i > 0
		case c == ';' || isSpace(c) || c < 0x21 || c > 0x7e:
			return false
		}
	}
	return false
}

// wellFormedFacts reports whether f holds at least one fact and every
// non-empty ';'-separated segment of f is "name=value" with a non-empty
// name and no blank in the name.
func wellFormedFacts(f string) bool {
	n := 0
	for f != "" {
		seg := f
		if i := strings.IndexByte(f, ';'); i >= 0 {
			seg, f = f[:i], f[i+1:]
		} else {
			f = ""
		}
		if seg == "" {
			continue
		}
		if !looksLikeFact(seg) {
			return false
		}
		n++
	}
	return n > 0
}

// splitMLSx finds the end of the facts and the start of the pathname.
func splitMLSx(s string) (facts, name string, ok bool) {
	sp := strings.IndexByte(s, ' ')
	limit := sp
	if limit < 0 {
		limit = len(s)
	}
	if tab := strings.IndexByte(s[:limit], '\t'); tab >= 0 {
		sp = tab
	}
	switch {
	case sp < 0:
		return "", "", false
	case sp == 0:
		if s[0] == '\t' {
			return "", "", false
		}
		return "", s[1:], true
	case s[sp-1] == ';':
		return s[:sp], s[sp+1:], true // parseMLSx checks the facts
	}
	// A symlink target containing spaces: "type=OS.unix=slink:/a b; name".
	if i := strings.Index(s, "; "); i > sp {
		f := s[:i+1]
		segStart := strings.LastIndexByte(s[:sp], ';') + 1
		if hasPrefixFold(s[segStart:], "type=os.unix=s") && wellFormedFacts(f) {
			return f, s[i+2:], true
		}
	}
	// Last fact without its ';'.
	if wellFormedFacts(s[:sp]) {
		return s[:sp], s[sp+1:], true
	}
	return "", "", false
}

func parseMLSx(raw string, e *Entry) error {
	*e = Entry{Size: -1, Kind: Other}
	s := raw
	facts, name, ok := splitMLSx(s)
	if !ok {
		if strings.IndexByte(s, ' ') < 0 {
			return errNoPathname
		}
		return errBadFacts
	}
	if name == "" {
		return errNoPathname
	}
	e.RawName = name
	sizd := int64(-1)
	nfacts, facts0 := 0, facts
	ownerRank, groupRank := 0, 0
	for facts != "" {
		seg := facts
		if i := strings.IndexByte(facts, ';'); i >= 0 {
			seg, facts = facts[:i], facts[i+1:]
		} else {
			facts = ""
		}
		if seg == "" {
			continue
		}
		eq := strings.IndexByte(seg, '=')
		if eq <= 0 {
			return errBadFacts
		}
		nfacts++
		key, val := seg[:eq], seg[eq+1:]
		switch {
		case equalFold(key, "type"):
			mlsType(e, val)
		case equalFold(key, "size"):
			n, ok := parseUint(val)
			if !ok {
				return errBadValue
			}
			e.Size = n
		case equalFold(key, "sizd"):
			n, ok := parseUint(val)
			if !ok {
				return errBadValue
			}
			sizd = n
		case equalFold(key, "modify"):
			t, ok := parseMLSTime(val)
			if !ok {
				return errBadValue
			}
			e.ModTime, e.Precision = t, TimeSecond
		case equalFold(key, "perm"):
			e.Perm = val
		case equalFold(key, "unique"):
			e.Unique = val
		case equalFold(key, "unix.mode"):
			v, ok := parseOctal(val)
			if !ok {
				return errBadValue
			}
			e.Mode = unixPermBits(v)
			e.HasMode = true
		case equalFold(key, "unix.ownername"):
			setRanked(&e.Owner, &ownerRank, val, 3)
		case equalFold(key, "unix.owner"):
			setRanked(&e.Owner, &ownerRank, val, 2)
		case equalFold(key, "unix.uid"):
			setRanked(&e.Owner, &ownerRank, val, 1)
		case equalFold(key, "unix.groupname"):
			setRanked(&e.Group, &groupRank, val, 3)
		case equalFold(key, "unix.group"):
			setRanked(&e.Group, &groupRank, val, 2)
		case equalFold(key, "unix.gid"):
			setRanked(&e.Group, &groupRank, val, 1)
		}
	}
	if nfacts == 0 && facts0 != "" {
		return errBadFacts
	}
	if e.Size < 0 && sizd >= 0 {
		e.Size = sizd
	}
	finish(e, raw)
	return nil
}

func setRanked(dst *string, rank *int, val string, r int) {
	if val != "" && r > *rank {
		*dst, *rank = val, r
	}
}

// mlsType interprets the value of the type fact.
func mlsType(e *Entry, v string) {
	e.Target = ""
	switch {
	case equalFold(v, "file"):
		e.Kind = File
	case equalFold(v, "dir"):
		e.Kind = Dir
	case equalFold(v, "cdir"), equalFold(v, "pdir"):
		e.Kind, e.Pseudo = Dir, true
	case hasPrefixFold(v, "os.unix="):
		sub := v[len("os.unix="):]
		if hasPrefixFold(sub, "slink") || hasPrefixFold(sub, "symlink") {
			e.Kind = Symlink
			if i := strings.IndexByte(sub, ':'); i >= 0 {
				e.Target = sub[i+1:]
			}
			return
		}
		e.Kind = Other
	default:
		e.Kind = Other
	}
}

// parseMLSTime parses an RFC 3659 time-val: YYYYMMDDHHMMSS[.sss], UTC.
func parseMLSTime(v string) (time.Time, bool) {
	if len(v) < 14 {
		return time.Time{}, false
	}
	for i := 0; i < 14; i++ {
		if !isDigit(v[i]) {
			return time.Time{}, false
		}
	}
	num := func(i, n int) int {
		x := 0
		for _, c := range []byte(v[i : i+n]) {
			x = x*10 + int(c-'0')
		}
		return x
	}
	ns := 0
	if len(v) > 14 {
		if v[14] != '.' {
			return time.Time{}, false
		}
		var ok bool
		if ns, ok = parseFraction(v[15:]); !ok {
			return time.Time{}, false
		}
	}
	h, mi, sec := num(8, 2), num(10, 2), num(12, 2)
	if h > 23 || mi > 59 || sec > 60 {
		return time.Time{}, false
	}
	return mkdate(num(0, 4), num(4, 2), num(6, 2), h, mi, sec, ns, time.UTC)
}
