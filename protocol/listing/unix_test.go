package listing

import (
	"errors"
	"io/fs"
	"testing"
	"time"
)

// Lines as the servers the engine is tested against print them (the year
// is left out because the date is within six months of testNow).
func TestUnixParsesTypicalServerLines(t *testing.T) {
	mod := utc(2026, 11, 24, 14, 15, 0)
	for _, tc := range []struct {
		server, line, owner, group string
	}{
		{"vsftpd", "-rw-r--r--    1 1000     1000         1234 Nov 24 14:15 file.txt", "1000", "1000"},
		{"proftpd", "-rw-r--r--   1 ftp      ftp          1234 Nov 24 14:15 file.txt", "ftp", "ftp"},
		{"pure-ftpd", "-rw-r--r--    1 1000       1000             1234 Nov 24 14:15 file.txt", "1000", "1000"},
		{"pyftpdlib", "-rw-r--r--   1 root     root         1234 Nov 24 14:15 file.txt", "root", "root"},
	} {
		t.Run(tc.server, func(t *testing.T) {
			same(t, tc.line, parseAs(t, Unix, tc.line), Entry{
				RawName: "file.txt", Kind: File, Size: 1234, ModTime: mod, Precision: TimeMinute,
				YearGuessed: true, Mode: 0644, HasMode: true, Owner: tc.owner, Group: tc.group,
			})
		})
	}
}

func TestUnixParsesDirectoryWithYearDate(t *testing.T) {
	line := "drwxr-xr-x   2 ftp      ftp          4096 Jan 25  2005 pub"
	same(t, line, parseAs(t, Unix, line), Entry{
		RawName: "pub", Kind: Dir, Size: 4096, ModTime: utc(2005, 1, 25, 0, 0, 0), Precision: TimeDay,
		Mode: fs.ModeDir | 0755, HasMode: true, Owner: "ftp", Group: "ftp",
	})
}

func TestUnixWithoutGroupColumn(t *testing.T) {
	e := parseAs(t, Unix, "-rw-r--r--   1 owner        1234 Nov 24 14:15 file")
	if e.Owner != "owner" || e.Group != "" || e.Size != 1234 || e.RawName != "file" {
		t.Errorf("got %+v", e)
	}
}

func TestUnixWithoutLinkCount(t *testing.T) {
	e := parseAs(t, Unix, "-rw-r--r-- owner group 1234 Nov 24 14:15 file")
	if e.Owner != "owner" || e.Group != "group" || e.Size != 1234 {
		t.Errorf("got %+v", e)
	}
}

func TestUnixMacWebStarLines(t *testing.T) {
	e := parseAs(t, Unix, "-------r--         326  1391972  1392298 Nov 22  1995 MegaPhone.sit")
	if e.Size != 1392298 || e.RawName != "MegaPhone.sit" || e.Precision != TimeDay {
		t.Errorf("file: %+v", e)
	}
	e = parseAs(t, Unix, "drwxrwxr-x               folder        2 May 10  1996 network")
	if e.Kind != Dir || e.RawName != "network" || e.Owner != "folder" {
		t.Errorf("folder: %+v", e)
	}
}

func TestUnixDeviceFilesHaveNoSize(t *testing.T) {
	for _, line := range []string{
		"crw-rw-rw-   1 root     root       1,   3 Nov 24 14:15 null",
		"brw-rw----   1 root     disk       8,0 Nov 24 14:15 sda",
		"crw-------   1 root     root     136,   0 Nov 24 14:15 with space",
	} {
		e := parseAs(t, Unix, line)
		if e.Kind != Other || e.Size != -1 || e.Mode&fs.ModeDevice == 0 || e.Owner != "root" {
			t.Errorf("%q: got %+v", line, e)
		}
	}
}

func TestUnixParsesSymlinkWithSpaces(t *testing.T) {
	e := parseAs(t, Unix, "lrwxrwxrwx   1 user     group          20 Nov 24 14:15 my link -> ../my target")
	if e.Kind != Symlink || e.RawName != "my link" || e.Target != "../my target" || e.Mode&fs.ModeSymlink == 0 {
		t.Errorf("got %+v", e)
	}
	// Only symlinks are split; a file may contain " -> ".
	e = parseAs(t, Unix, "-rw-r--r--   1 user     group          20 Nov 24 14:15 a -> b")
	if e.RawName != "a -> b" || e.Target != "" {
		t.Errorf("file split at arrow: %+v", e)
	}
}

func TestUnixKeepsLeadingInnerAndTrailingSpaces(t *testing.T) {
	for _, tc := range []struct{ line, name string }{
		{"-rw-r--r--   1 u g 1 Nov 24 14:15  leading", " leading"},
		{"-rw-r--r--   1 u g 1 Nov 24 14:15 two  inner  spaces", "two  inner  spaces"},
		{"-rw-r--r--   1 u g 1 Nov 24 14:15 trailing ", "trailing "},
		{"-rw-r--r--   1 u g 1 Jan 25  2005   year form", "  year form"},
		{"-rw-r--r--   1 u g 1 Nov 24 14:15 Nov 24 14:15 date-like name", "Nov 24 14:15 date-like name"},
	} {
		if e := parseAs(t, Unix, tc.line); e.RawName != tc.name {
			t.Errorf("%q: RawName = %q, want %q", tc.line, e.RawName, tc.name)
		}
	}
}

// pure-ftpd replaces a trailing space with '_' in LIST output; that is
// taken as the name the server chose to show.
func TestUnixPureFTPdTrailingUnderscoreIsKept(t *testing.T) {
	if e := parseAs(t, Unix, "-rw-r--r--    1 1000       1000   1 Nov 24 14:15 name_"); e.RawName != "name_" {
		t.Errorf("RawName = %q", e.RawName)
	}
}

func TestUnixTotalLineIsNotAnEntry(t *testing.T) {
	p := NewParser(Options{Now: testNow})
	for _, line := range []string{"total 123", "total 0", "Total 12K", "   total 4"} {
		if _, err := p.ParseLine(line); err != ErrNotEntry {
			t.Errorf("ParseLine(%q) err = %v, want ErrNotEntry", line, err)
		}
	}
	if _, err := p.ParseLine("total garbage"); !errors.Is(err, ErrUnrecognized) {
		t.Errorf("\"total garbage\" err = %v, want ErrUnrecognized", err)
	}
}

func TestUnixYearlessDateResolvesToMostRecentPast(t *testing.T) {
	for _, tc := range []struct {
		now  time.Time
		date string
		want time.Time
	}{
		// Within the current year, in the past.
		{testNow, "Nov 24 14:15", utc(2026, 11, 24, 14, 15, 0)},
		{testNow, "Jun  1 08:00", utc(2026, 6, 1, 8, 0, 0)},
		// Up to a day ahead is clock skew, not last year.
		{testNow, "Nov 25 10:00", utc(2026, 11, 25, 10, 0, 0)},
		// More than a day ahead: last year (the naive current-year rule
		// would put it in the future).
		{testNow, "Nov 26 10:00", utc(2025, 11, 26, 10, 0, 0)},
		{utc(2026, 1, 2, 10, 0, 0), "Dec 31 23:00", utc(2025, 12, 31, 23, 0, 0)},
		// Server already in the new year while our clock is not.
		{utc(2026, 12, 31, 23, 30, 0), "Jan  1 00:30", utc(2027, 1, 1, 0, 30, 0)},
		// Feb 29 only exists in leap years.
		{utc(2026, 3, 1, 0, 0, 0), "Feb 29 12:00", utc(2024, 2, 29, 12, 0, 0)},
	} {
		p := NewParser(Options{Now: tc.now})
		line := "-rw-r--r-- 1 u g 1 " + tc.date + " f"
		e, err := p.ParseLine(line)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if !e.ModTime.Equal(tc.want) || !e.YearGuessed || e.Precision != TimeMinute {
			t.Errorf("now %v, %q: ModTime %v guessed=%v %v, want %v", tc.now, tc.date, e.ModTime, e.YearGuessed, e.Precision, tc.want)
		}
	}
}

func TestUnixDateInServerTimeZone(t *testing.T) {
	loc := time.FixedZone("UTC+2", 2*3600)
	p := NewParser(Options{Now: testNow, Location: loc})
	e, err := p.ParseLine("-rw-r--r-- 1 u g 1 Jan 25  2005 f")
	if err != nil {
		t.Fatal(err)
	}
	if want := utc(2005, 1, 24, 22, 0, 0); !e.ModTime.Equal(want) {
		t.Errorf("ModTime = %v, want %v", e.ModTime, want)
	}
}

func TestUnixISODates(t *testing.T) {
	e := parseAs(t, Unix, "-rw-r--r-- 1 u g 9 2005-06-07 21:22 long iso")
	if !e.ModTime.Equal(utc(2005, 6, 7, 21, 22, 0)) || e.Precision != TimeMinute || e.YearGuessed || e.RawName != "long iso" {
		t.Errorf("long-iso: %+v", e)
	}
	e = parseAs(t, Unix, "-rw-r--r-- 1 u g 9 2005-06-07 21:22:33.123456789 +0200 full iso")
	want := time.Date(2005, 6, 7, 19, 22, 33, 123456789, time.UTC)
	if !e.ModTime.Equal(want) || e.Precision != TimeSecond || e.RawName != "full iso" {
		t.Errorf("full-iso: %+v", e)
	}
}

func TestUnixDayBeforeMonth(t *testing.T) {
	e := parseAs(t, Unix, "-rw-r--r-- 1 u g 9 25 Jan  2005 f")
	if !e.ModTime.Equal(utc(2005, 1, 25, 0, 0, 0)) {
		t.Errorf("ModTime = %v", e.ModTime)
	}
}

func TestUnixModeMarkersAfterPermissions(t *testing.T) {
	for _, m := range []string{"+", "@", "."} {
		line := "-rw-r--r--" + m + " 1 u g 9 Nov 24 14:15 f"
		if e := parseAs(t, Unix, line); e.Mode != 0644 || e.RawName != "f" {
			t.Errorf("%q: got %+v", line, e)
		}
	}
}

func TestUnixSpecialPermissionBits(t *testing.T) {
	for _, tc := range []struct {
		mode string
		want fs.FileMode
	}{
		{"-rwsr-sr-t", fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky | 0755},
		{"-rwSr-Sr-T", fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky | 0644},
		{"drwxrwxrwt", fs.ModeDir | fs.ModeSticky | 0777},
		{"-rw-r-lr--", fs.ModeSetgid | 0644},
	} {
		e := parseAs(t, Unix, tc.mode+" 1 u g 9 Nov 24 14:15 f")
		if e.Mode != tc.want {
			t.Errorf("%s: Mode = %v, want %v", tc.mode, e.Mode, tc.want)
		}
	}
}

// Windows servers imitating ls put group names with spaces in the group
// column; the size/date anchor still finds the right columns.
func TestUnixOwnerGroupWithSpacesDoNotBreakSizeAndDate(t *testing.T) {
	e := parseAs(t, Unix, "-rwxrwxrwx   1 owner    Local Users      512 Nov 24 14:15 report 2026.doc")
	if e.Owner != "owner" || e.Group != "Local Users" || e.Size != 512 || e.RawName != "report 2026.doc" {
		t.Errorf("got %+v", e)
	}
	e = parseAs(t, Unix, "drwxr-xr-x   1 Domain Users   Domain Admins      0 Jan 25  2005 x")
	if e.Size != 0 || e.Owner != "Domain" || e.Group != "Users   Domain Admins" || e.RawName != "x" {
		t.Errorf("got %+v", e)
	}
}

func TestUnixSizeWithLeadingZeroIsDecimal(t *testing.T) {
	if e := parseAs(t, Unix, "-rw-r--r-- 1 u g 0755 Nov 24 14:15 f"); e.Size != 755 {
		t.Errorf("Size = %d, want 755", e.Size)
	}
}

func TestUnixLargeSizes(t *testing.T) {
	if e := parseAs(t, Unix, "-rw-r--r-- 1 u g 9223372036854775807 Nov 24 14:15 f"); e.Size != 1<<63-1 {
		t.Errorf("Size = %d", e.Size)
	}
	if e := parseAs(t, Unix, "-rw-r--r-- 1 u g 4294967296000 Nov 24 14:15 f"); e.Size != 4294967296000 {
		t.Errorf("Size = %d", e.Size)
	}
	// Beyond int64 (servers print up to 2^64-1): the size saturates and
	// the columns stay where they are.
	for _, big := range []string{"9223372036854775808", "18446744073709551615", "99999999999999999999"} {
		e := parseAs(t, Unix, "-rw-r--r-- 1 u g "+big+" Nov 24 14:15 f")
		if e.Size != 1<<63-1 || e.RawName != "f" || e.Group != "g" {
			t.Errorf("%s: Size = %d, name %q, group %q", big, e.Size, e.RawName, e.Group)
		}
	}
}

func TestUnixDotEntriesArePseudo(t *testing.T) {
	for _, n := range []string{".", ".."} {
		e := parseAs(t, Unix, "drwxr-xr-x 2 u g 4096 Nov 24 14:15 "+n)
		if !e.Pseudo || !e.Unsafe() {
			t.Errorf("%q: Pseudo=%v Unsafe=%v", n, e.Pseudo, e.Unsafe())
		}
	}
}

func TestUnixRejectsMalformedLines(t *testing.T) {
	for _, line := range []string{
		"-rw-r--r-- 1 u g 1234 Nov 24 14:15",   // no name
		"-rw-r--r-- 1 u g 1234 Nov 24 14:15 ",  // name missing after the separator
		"-rw-r--r-- 1 u g 1234 Foo 24 14:15 f", // no month
		"-rw-r--r-- 1 u g size Nov 24 14:15 f", // no size
		"-rw-r--r-- 1 u g 1234 Nov 32 14:15 f", // no such day
		"-rw-r--r-- 1 u g 1234 Nov 24 25:15 f", // no such hour
		"-rw-r--r-- 1 u g 1234 Feb 30  2005 f", // no such date
		"xrw-r--r-- 1 u g 1234 Nov 24 14:15 f", // unknown type
		"-rw-r--r-x1 u g 1234 Nov 24 14:15 f",  // mode glued to links
		"-rwqr--r-- 1 u g 1234 Nov 24 14:15 f", // bad permission letter
	} {
		rejectAll(t, line)
	}
}
