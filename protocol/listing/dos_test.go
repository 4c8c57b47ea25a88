package listing

import "testing"

func TestDOSParsesIISLines(t *testing.T) {
	for _, tc := range []struct {
		line string
		want Entry
	}{
		{"04-27-00  12:09PM       <DIR>          dir",
			Entry{RawName: "dir", Kind: Dir, Size: -1, ModTime: utc(2000, 4, 27, 12, 9, 0), Precision: TimeMinute}},
		{"04-27-2000  12:09PM                 1234 file",
			Entry{RawName: "file", Kind: File, Size: 1234, ModTime: utc(2000, 4, 27, 12, 9, 0), Precision: TimeMinute}},
		{"11-24-26  02:15PM                 1234 file.txt",
			Entry{RawName: "file.txt", Kind: File, Size: 1234, ModTime: utc(2026, 11, 24, 14, 15, 0), Precision: TimeMinute}},
		{"12-31-99  12:01AM                    0 midnight",
			Entry{RawName: "midnight", Kind: File, Size: 0, ModTime: utc(1999, 12, 31, 0, 1, 0), Precision: TimeMinute}},
	} {
		same(t, tc.line, parseAs(t, DOS, tc.line), tc.want)
	}
}

func TestDOS24HourISODateWithThousandsSeparators(t *testing.T) {
	e := parseAs(t, DOS, "2002-09-02  19:06           9,730 file")
	if e.Size != 9730 || !e.ModTime.Equal(utc(2002, 9, 2, 19, 6, 0)) || e.RawName != "file" {
		t.Errorf("got %+v", e)
	}
	e = parseAs(t, DOS, "2002-09-02  19:06       1.234.567 big")
	if e.Size != 1234567 {
		t.Errorf("Size = %d", e.Size)
	}
}

func TestDOSKeepsSpacesInsideNames(t *testing.T) {
	e := parseAs(t, DOS, "04-27-00  12:09PM                 1234 My Documents  v2 .txt")
	if e.RawName != "My Documents  v2 .txt" {
		t.Errorf("RawName = %q", e.RawName)
	}
}

func TestDOSSeparateAMPMToken(t *testing.T) {
	e := parseAs(t, DOS, "04/27/2000  07:09 PM   <DIR>   Program Files")
	if e.Kind != Dir || !e.ModTime.Equal(utc(2000, 4, 27, 19, 9, 0)) || e.RawName != "Program Files" {
		t.Errorf("got %+v", e)
	}
}

func TestDOSEuropeanDotDate(t *testing.T) {
	e := parseAs(t, DOS, "27.04.2000  19:09       <DIR>          Ordner")
	if e.Kind != Dir || !e.ModTime.Equal(utc(2000, 4, 27, 19, 9, 0)) {
		t.Errorf("got %+v", e)
	}
}

func TestDOSJunctionsAreSymlinks(t *testing.T) {
	e := parseAs(t, DOS, `04-27-00  12:09PM    <JUNCTION>     Application Data [C:\Users\x\AppData]`)
	if e.Kind != Symlink || e.RawName != "Application Data" || e.Target != `C:\Users\x\AppData` {
		t.Errorf("got %+v", e)
	}
}

func TestDOSRejectsMalformedLines(t *testing.T) {
	for _, line := range []string{
		"04-27-00  12:09PM       <DIR>",        // no name
		"04-27-00  12:09PM       9,73 file",    // bad grouping
		"04-27-00  13:09PM       12 file",      // 13 PM
		"13-32-00  12:09PM       12 file",      // no such date
		"04-27-00  12:09PM       <FOO>   file", // unknown column
		"04-27-00  12.09PM       12 file",      // bad time
		"04-27-0  12:09PM        12 file",      // one-digit year
		"2002-09-02  19:06       12,,730 file", // double separator
		"2002-09-02  19:06       ,730 file",    // leading separator
	} {
		rejectAll(t, line)
	}
}
