package listing

import (
	"io/fs"
	"testing"
)

// Unix lines whose dates come from a non-English locale: ls prints the
// locale's month abbreviation, with or without a dot, and CJK locales
// write numbers with year, month and day characters, in UTF-8 or in the
// server's legacy charset. Year-less dates are resolved against testNow
// (2026-11-24 15:00 UTC).
func TestUnixParsesDatesInOtherLanguages(t *testing.T) {
	const mode = "-rw-r--r--   1 user     group        1234 "
	for _, tc := range []struct {
		lang, date string
		y, mo, d   int
		h, mi      int
		prec       Precision
	}{
		{"German", "Juli 26 20:10", 2026, 7, 26, 20, 10, TimeMinute},
		{"German dot", "Okt. 12  2003", 2003, 10, 12, 0, 0, TimeDay},
		{"German day first", "26. Juli 20:10", 2026, 7, 26, 20, 10, TimeMinute},
		{"German day first comma", "26. Juli, 20:10", 2026, 7, 26, 20, 10, TimeMinute},
		{"German März UTF-8", "Mär 3  2004", 2004, 3, 3, 0, 0, TimeDay},
		{"German März Latin-1", "M\xe4r 3  2004", 2004, 3, 3, 0, 0, TimeDay},
		{"German Dez", "Dez 31  1999", 1999, 12, 31, 0, 0, TimeDay},
		{"Hungarian", "szept 5 12:01", 2026, 9, 5, 12, 1, TimeMinute},
		{"Hungarian márc", "márc 5 12:01", 2026, 3, 5, 12, 1, TimeMinute},
		{"French", "févr. 14  2005", 2005, 2, 14, 0, 0, TimeDay},
		{"French Latin-1", "f\xe9vr. 14  2005", 2005, 2, 14, 0, 0, TimeDay},
		{"French août", "août 1 09:30", 2026, 8, 1, 9, 30, TimeMinute},
		{"French juil", "juil. 14 09:30", 2026, 7, 14, 9, 30, TimeMinute},
		{"Spanish", "ene 2  2006", 2006, 1, 2, 0, 0, TimeDay},
		{"Spanish dic", "dic 24 18:00", 2025, 12, 24, 18, 0, TimeMinute},
		{"Italian", "giu 10  2001", 2001, 6, 10, 0, 0, TimeDay},
		{"Italian ott", "ott 3 07:07", 2026, 10, 3, 7, 7, TimeMinute},
		{"Dutch", "mrt 8  2002", 2002, 3, 8, 0, 0, TimeDay},
		{"Dutch mei", "mei 8 11:11", 2026, 5, 8, 11, 11, TimeMinute},
		{"Swedish", "maj 17  2010", 2010, 5, 17, 0, 0, TimeDay},
		{"Polish", "lis 11  2011", 2011, 11, 11, 0, 0, TimeDay},
		{"Polish paź", "paź 9 10:00", 2026, 10, 9, 10, 0, TimeMinute},
		{"Russian", "янв 15  2012", 2012, 1, 15, 0, 0, TimeDay},
		{"Russian дек", "дек 1 23:59", 2025, 12, 1, 23, 59, TimeMinute},
		{"Russian day first", "15 янв 2012", 2012, 1, 15, 0, 0, TimeDay},
		{"Japanese", "6月 3日 2003年", 2003, 6, 3, 0, 0, TimeDay},
		{"Japanese time", "3月 2日 15:13", 2026, 3, 2, 15, 13, TimeMinute},
		{"Chinese", "3月 2 2003", 2003, 3, 2, 0, 0, TimeDay},
		{"Korean", "2005년  1월  6일", 2005, 1, 6, 0, 0, TimeDay},
		{"Japanese Shift-JIS", "6\x8c\x8e 3\x93\xfa 2003\x94\x4e", 2003, 6, 3, 0, 0, TimeDay},
		{"Japanese EUC-JP", "3\xb7\xee 2\xc6\xfc 15:13", 2026, 3, 2, 15, 13, TimeMinute},
		{"Chinese GBK", "3\xd4\xc2 2 2003", 2003, 3, 2, 0, 0, TimeDay},
		{"Chinese Big5", "3\xa4\xeb 2\xa4\xe9 2003\xa6\x7e", 2003, 3, 2, 0, 0, TimeDay},
		{"Korean EUC-KR", "2005\xb3\xe2  1\xbf\xf9  6\xc0\xcf", 2005, 1, 6, 0, 0, TimeDay},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			line := mode + tc.date + " file name.txt"
			want := Entry{RawName: "file name.txt", Kind: File, Size: 1234, ModTime: utc(tc.y, tc.mo, tc.d, tc.h, tc.mi, 0),
				Precision: tc.prec, YearGuessed: tc.prec == TimeMinute, Mode: 0644, HasMode: true, Owner: "user", Group: "group"}
			same(t, line, parseAs(t, Unix, line), want)
		})
	}
}

// Numeric and other date layouts some servers print in the date columns.
func TestUnixParsesOtherDateLayouts(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       Entry
	}{
		{"numeric month and day", "-rw-r--r--   1 root     other        531 3 29 03:26 README",
			Entry{RawName: "README", Size: 531, ModTime: utc(2026, 3, 29, 3, 26, 0), Precision: TimeMinute, YearGuessed: true}},
		{"month-day and year", "-rw-r--r--   1 root     other        531 09-26 2000 README2",
			Entry{RawName: "README2", Size: 531, ModTime: utc(2000, 9, 26, 0, 0, 0), Precision: TimeDay}},
		{"month-day and time", "-rw-r--r--   1 root     other        531 09-26 13:45 README3",
			Entry{RawName: "README3", Size: 531, ModTime: utc(2026, 9, 26, 13, 45, 0), Precision: TimeMinute, YearGuessed: true}},
		{"slashed year first", "-rw-r--r--   1 root     other        531 1999/10/12 17:12 README4",
			Entry{RawName: "README4", Size: 531, ModTime: utc(1999, 10, 12, 17, 12, 0), Precision: TimeMinute}},
		{"day-month-year", "-rw-r--r--   1 root     other        531 24-04-2003 17:12 README5",
			Entry{RawName: "README5", Size: 531, ModTime: utc(2003, 4, 24, 17, 12, 0), Precision: TimeMinute}},
		{"dotted, no time", "-rw-r--r--   1 root     other        531 2004.07.15 README6",
			Entry{RawName: "README6", Size: 531, ModTime: utc(2004, 7, 15, 0, 0, 0), Precision: TimeDay}},
		{"day-month name-year", "-rw-r--r--   1 root     other        531 01-jun-99 README7",
			Entry{RawName: "README7", Size: 531, ModTime: utc(1999, 6, 1, 0, 0, 0), Precision: TimeDay}},
		{"VShell", "-rwxr-xr-x   1 user     group      1234 Oct 08, 2002 09:47 vshell file",
			Entry{RawName: "vshell file", Size: 1234, ModTime: utc(2002, 10, 8, 9, 47, 0), Precision: TimeMinute, Owner: "user", Group: "group", Mode: 0755}},
		{"24:00 is the end of the day", "-rw-r--r--   1 root     other        531 Jan 9 24:00 midnight",
			Entry{RawName: "midnight", Size: 531, ModTime: utc(2026, 1, 10, 0, 0, 0), Precision: TimeMinute, YearGuessed: true}},
		{"ls --full-time", "-rw-r--r--   1 root     other        531 Tue Feb 17 12:39:07 2004 full time",
			Entry{RawName: "full time", Size: 531, ModTime: utc(2004, 2, 17, 12, 39, 7), Precision: TimeSecond}},
		{"Hungarian year first", "-rw-r--r--   1 root     other        531 2005. márc. 3. 12:01 hu",
			Entry{RawName: "hu", Size: 531, ModTime: utc(2005, 3, 3, 12, 1, 0), Precision: TimeMinute}},
		{"Hungarian year first, no time", "-rw-r--r--   1 root     other        531 2005. szept. 13. hu",
			Entry{RawName: "hu", Size: 531, ModTime: utc(2005, 9, 13, 0, 0, 0), Precision: TimeDay}},
		{"no date at all", "-rw-r--r--   1 root     other        531 no date.txt",
			Entry{RawName: "no date.txt", Size: 531}},
		{"year 1 numeric day first", "-rw-r--r--   1 root     other        531 12 Nov 2005 r",
			Entry{RawName: "r", Size: 531, ModTime: utc(2005, 11, 12, 0, 0, 0), Precision: TimeDay}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.want
			w.Kind, w.HasMode = File, true
			if w.Mode == 0 {
				w.Mode = 0644
			}
			if w.Owner == "" {
				w.Owner, w.Group = "root", "other"
			}
			same(t, tc.line, parseAs(t, Unix, tc.line), w)
		})
	}
}

// Owner and group columns that look like parts of a date do not make
// one: uid 1, gid 1 and a size of 2000 are not 1 January 2000, and uid 1
// with a group called "jan" or "mai" is not a day and a month.
func TestUnixOwnersThatLookLikeADateAreNotTakenForOne(t *testing.T) {
	for _, tc := range []struct {
		line, owner, group string
		size               int64
	}{
		{"-rw-r--r--   2 1 1 2000 Jan 25  2005 x", "1", "1", 2000},
		{"-rw-r--r--   1 1 jan 2048 Jan 25  2005 x", "1", "jan", 2048},
		{"-rw-r--r--   1 12 mai 1999 Jan 25  2005 x", "12", "mai", 1999},
	} {
		e := parseAs(t, Unix, tc.line)
		if e.Size != tc.size || e.Owner != tc.owner || e.Group != tc.group || e.RawName != "x" || !e.ModTime.Equal(utc(2005, 1, 25, 0, 0, 0)) {
			t.Errorf("%q: got %+v", tc.line, e)
		}
	}
}

func TestUnixParsesUnusualColumns(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       Entry
	}{
		{"size in kilobytes with a fraction", "-rw-r--r--   1 user     group      33.5k Nov 24 14:15 half",
			Entry{RawName: "half", Size: 34304, Owner: "user", Group: "group"}},
		{"size in KB", "-rw-r--r--   1 user     group        2KB Nov 24 14:15 two",
			Entry{RawName: "two", Size: 2048, Owner: "user", Group: "group"}},
		{"size in MB", "-rw-r--r--   1 user     group      1.25M Nov 24 14:15 m",
			Entry{RawName: "m", Size: 1310720, Owner: "user", Group: "group"}},
		{"size glued to a long group", "-rw-r--r--   1 owner    longgroup123456 Nov 24 14:15 glued",
			Entry{RawName: "glued", Size: 123456, Owner: "owner", Group: "longgroup"}},
		{"link count glued to the mode", "drwxr-x---+1464 owner    group      4096 Nov 24 14:15 many links",
			Entry{RawName: "many links", Kind: Dir, Size: 4096, Owner: "owner", Group: "group", Mode: fs.ModeDir | 0750}},
		{"Cygwin group of several words", "-rw-r--r--   1 Administrator None of the above    99 Nov 24 14:15 cyg",
			Entry{RawName: "cyg", Size: 99, Owner: "Administrator", Group: "None of the above"}},
		{"size 2^64-1", "-rw-r--r--   1 user     group 18446744073709551615 Nov 24 14:15 huge",
			Entry{RawName: "huge", Size: 1<<63 - 1, Owner: "user", Group: "group"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.want
			w.HasMode, w.ModTime, w.Precision, w.YearGuessed = true, utc(2026, 11, 24, 14, 15, 0), TimeMinute, true
			if w.Mode == 0 {
				w.Mode = 0644
			}
			same(t, tc.line, parseAs(t, Unix, tc.line), w)
		})
	}
}

func TestUnixParsesNetWareConnectEnterpriseAndNumericModes(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       Entry
	}{
		{"NetWare directory", "d [R----F--] supervisor            512       Jan 16 18:53    login",
			Entry{RawName: "login", Kind: Dir, Size: 512, ModTime: utc(2026, 1, 16, 18, 53, 0), Precision: TimeMinute, YearGuessed: true, Owner: "supervisor"}},
		{"NetWare file", "- [RWCEAFMS] rhesus             214059       Oct 20 15:27    cx.exe",
			Entry{RawName: "cx.exe", Kind: File, Size: 214059, ModTime: utc(2026, 10, 20, 15, 27, 0), Precision: TimeMinute, YearGuessed: true, Owner: "rhesus"}},
		{"Connect:Enterprise", "-C--E-----FTP B BCC3I1       7670  1294495 Jan 13 07:42 BCC3I1.20070504.064747.txt",
			Entry{RawName: "BCC3I1.20070504.064747.txt", Kind: File, Size: 1294495, ModTime: utc(2026, 1, 13, 7, 42, 0), Precision: TimeMinute, YearGuessed: true, Owner: "BCC3I1"}},
		{"numeric mode file", "0100644 500 101 12345 123456789 name with space",
			Entry{RawName: "name with space", Kind: File, Size: 12345, ModTime: utc(1973, 11, 29, 21, 33, 9), Precision: TimeSecond, Mode: 0644, HasMode: true, Owner: "500", Group: "101"}},
		{"numeric mode directory", "040755 0 0 4096 1000000000 dir",
			Entry{RawName: "dir", Kind: Dir, Size: 4096, ModTime: utc(2001, 9, 9, 1, 46, 40), Precision: TimeSecond, Mode: fs.ModeDir | 0755, HasMode: true, Owner: "0", Group: "0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			same(t, tc.line, parseAs(t, Unix, tc.line), tc.want)
		})
	}
}

// Lines that look almost like Unix listings but whose columns cannot be
// told apart must be refused, never turned into entries.
func TestUnixRejectsAmbiguousColumns(t *testing.T) {
	for _, line := range []string{
		"-rw-r--r--   1ftp      ftp          1234 Nov 24 14:15 f",   // link count glued to the owner
		"-rw-r--r--   12ftp     ftp          1234 Jan 25  2005 f",   // the same, with a year
		"-rw-r--r--   1 ftp     ftp          1234 Nov 24 14:15",     // no name
		"-rw-r--r--   1 ftp     ftp          33.5q Nov 24 14:15 f",  // no such unit
		"- [RWXYZ] owner 1 Jan 16 18:53 n",                          // not NetWare rights
		"-C--E-----FTP B BCC3I1 7670 size Jan 13 07:42 f",           // Connect:Enterprise without a size
		"0100644 500 101 12345 name",                                // numeric mode without a time
		"0170644 500 101 12345 123456789 name",                      // no such file type
		"-rw-r--r--   1 root     other        531 Feb 30 12:00 bad", // a date that does not exist
		"-rw-r--r--   1 root     other        531 Foo 30 12:00 bad", // a date that is not one
		"-rw-r--r--   1 root     other        531 led 5  2005 cz",   // a month in a language not known here
		"-rw-r--r--   1 root     other531 name without a date",      // no size column
		"-rw-r--r--   1 root     other        531 5 led  2005 cz",   // the same, day first
	} {
		rejectAll(t, line)
	}
}
