package listing

import "strings"

// IBM z/OS (MVS) lines, as its FTP server lists data sets and the members
// of a partitioned data set:
//
//	Volume Unit    Referred Ext Used Recfm Lrecl BlkSz Dsorg Dsname
//	WYOSPT 3420   2003/05/21  1  200  FB      80  8053  PS  48-MVS.FILE
//	WPTA01 3390   2004/03/04  1    1  FB     128  6144  PO  BORK.LOADLIB
//	TSO004 3390   VSAM FOO.BAR
//	Migrated                                                SOME.FILE
//	 Name     VV.MM   Created       Changed      Size  Init   Mod   Id
//	 MEMBER1   01.03 2002/09/16 2002/09/16 13:27    14    14     0 OWNER
//
// The size columns count tracks or records, not bytes, so Size is -1. A
// partitioned data set (Dsorg PO or PO-E) is a directory: CWD enters it
// and LIST shows its members. The header lines carry no entry.

func parseMVS(c *ctx, s string, e *Entry) bool {
	var tk [10]span
	n := tokenize(s, 0, tk[:])
	if n < 2 {
		return false
	}
	tok := func(k int) string { return s[tk[k].start:tk[k].end] }
	switch {
	case n == 2 && tok(0) == "Migrated":
		*e = Entry{Kind: File, Size: -1, RawName: tok(1)}
		return true
	case n == 4 && tok(2) == "VSAM" && allDigits(tok(1)) && isMVSName(tok(0)):
		*e = Entry{Kind: File, Size: -1, Owner: "", RawName: tok(3)}
		return true
	case n == 10:
		return mvsDataSet(c, tok, e) || mvsMember(c, tok, e)
	case n == 9:
		return mvsMember(c, tok, e)
	}
	return false
}

// mvsDataSet reads volume, unit, referred date, extents, used, record
// format, record length, block size, organisation and name.
func mvsDataSet(c *ctx, tok func(int) string, e *Entry) bool {
	if !isMVSName(tok(0)) || !allDigits(tok(1)) || !allDigits(tok(3)) || !allDigits(tok(4)) ||
		!isRecfm(tok(5)) || !allDigits(tok(6)) || !allDigits(tok(7)) {
		return false
	}
	y, mo, d, ok := mvsDate(tok(2))
	if !ok {
		return false
	}
	t, ok := mkdate(y, mo, d, 0, 0, 0, 0, c.loc)
	if !ok {
		return false
	}
	kind := File
	switch tok(8) {
	case "PO", "PO-E":
		kind = Dir
	case "PS", "DA", "VS", "IS", "U", "??":
	default:
		return false
	}
	*e = Entry{Kind: kind, Size: -1, ModTime: t, Precision: TimeDay, RawName: tok(9)}
	return true
}

// mvsMember reads a member line: name, version.modification, created,
// changed date and time, size, initial size, modified lines, user id
// (the id may be missing).
func mvsMember(c *ctx, tok func(int) string, e *Entry) bool {
	v := tok(1)
	if k := strings.IndexByte(v, '.'); k != 2 || len(v) != 5 || !allDigits(v[:2]) || !allDigits(v[3:]) {
		return false
	}
	if !isMVSName(tok(0)) {
		return false
	}
	if _, _, _, ok := mvsDate(tok(2)); !ok {
		return false
	}
	y, mo, d, ok := mvsDate(tok(3))
	if !ok {
		return false
	}
	h, mi, _, _, _, ok := parseClock(tok(4), false)
	if !ok || !allDigits(tok(5)) || !allDigits(tok(6)) || !allDigits(tok(7)) {
		return false
	}
	t, ok := mkdate(y, mo, d, h, mi, 0, 0, c.loc)
	if !ok {
		return false
	}
	*e = Entry{Kind: File, Size: -1, ModTime: t, Precision: TimeMinute, RawName: tok(0)}
	return true
}

// mvsDate parses yyyy/mm/dd.
func mvsDate(a string) (y, mo, d int, ok bool) {
	if len(a) != 10 || a[4] != '/' || a[7] != '/' {
		return
	}
	return parseNumDate(a)
}

// isMVSName accepts volume serials, member names and data set name
// qualifiers: 1-8 letters, digits, '$', '#', '@' (and '-' seen in
// volume names).
func isMVSName(t string) bool {
	if t == "" || len(t) > 8 {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'A' && c <= 'Z' || isDigit(c) || c == '$' || c == '#' || c == '@' || c == '-') {
			return false
		}
	}
	return true
}

// isRecfm accepts record formats: F, V or U, then B, S, A or M.
func isRecfm(t string) bool {
	if t == "" || len(t) > 4 || strings.IndexByte("FVU", t[0]) < 0 {
		return false
	}
	for i := 1; i < len(t); i++ {
		if strings.IndexByte("BSAM", t[i]) < 0 {
			return false
		}
	}
	return true
}
