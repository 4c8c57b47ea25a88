package listing

import (
	"io/fs"
	"strings"
	"testing"
	"time"
)

func TestEPLFParsesFilesAndDirectories(t *testing.T) {
	line := "+i8388621.48594,m825718503,r,s280,up755\tfile name"
	same(t, line, parseAs(t, EPLF, line), Entry{
		RawName: "file name", Kind: File, Size: 280, ModTime: time.Unix(825718503, 0), Precision: TimeSecond,
		Mode: 0755, HasMode: true,
	})
	e := parseAs(t, EPLF, "+i8388621.50690,m824255907,/,\t514")
	if e.Kind != Dir || e.RawName != "514" || e.Size != -1 || e.HasMode {
		t.Errorf("dir: %+v", e)
	}
}

func TestEPLFWithoutTypeFactIsOther(t *testing.T) {
	e := parseAs(t, EPLF, "+i1.2,m1\tmystery")
	if e.Kind != Other {
		t.Errorf("Kind = %v", e.Kind)
	}
}

func TestEPLFKeepsTabsAndSpacesInName(t *testing.T) {
	e := parseAs(t, EPLF, "+r,s1\t a\tb ")
	if e.RawName != " a\tb " || e.Name != ` a\x09b ` {
		t.Errorf("RawName %q Name %q", e.RawName, e.Name)
	}
}

func TestEPLFRejectsLinesWithoutTab(t *testing.T) {
	rejectAll(t, "+i1,r,s280 file")
	rejectAll(t, "+i1,r,s280\t")
}

func TestEPLFRejectsMalformedFacts(t *testing.T) {
	for _, line := range []string{
		"+i1,r,s28x\tfile",         // size
		"+i1,r,s\tfile",            // empty size
		"+i1,m-5,r\tfile",          // time
		"+i1,m99999999999999,r\tf", // time past year 9999
		"+i1,r,up999\tfile",        // permissions not octal
	} {
		rejectAll(t, line)
	}
}

func TestVMSParsesFilesAndDirectories(t *testing.T) {
	line := "FILE.TXT;1           2/4      7-JAN-1997 15:46  [GROUP,OWNER]  (RWED,RWED,RWED,RE)"
	same(t, line, parseAs(t, VMS, line), Entry{
		RawName: "FILE.TXT", Kind: File, Size: 1024, ModTime: utc(1997, 1, 7, 15, 46, 0), Precision: TimeMinute,
		Mode: 0775, HasMode: true, Owner: "OWNER", Group: "GROUP",
	})
	line = "SUBDIR.DIR;1         1       17-Jan-1997 15:46:12.34  [OWNER]  (RWE,RWE,RE,)"
	same(t, line, parseAs(t, VMS, line), Entry{
		RawName: "SUBDIR", Kind: Dir, Size: 512, ModTime: time.Date(1997, 1, 17, 15, 46, 12, 340e6, time.UTC),
		Precision: TimeSecond, Mode: fs.ModeDir | 0750, HasMode: true, Owner: "OWNER",
	})
}

func TestVMSWithoutOwnerAndProtection(t *testing.T) {
	e := parseAs(t, VMS, "LOGIN.COM;12   3   7-JAN-1997 15:46")
	if e.RawName != "LOGIN.COM" || e.Size != 1536 || e.HasMode || e.Owner != "" {
		t.Errorf("got %+v", e)
	}
}

func TestVMSRejectsMalformedLines(t *testing.T) {
	for _, line := range []string{
		"FILE.TXT   2/4  7-JAN-1997 15:46",             // no version
		"FILE.TXT;1 2/x  7-JAN-1997 15:46",             // bad blocks
		"FILE.TXT;1 2/4  7-FOO-1997 15:46",             // bad month
		"FILE.TXT;1 2/4  7-JAN-97 15:46",               // two-digit year
		"FILE.TXT;1 2/4  7-JAN-1997 15:46 [OWN ER]",    // a blank in the owner
		"FILE.TXT;1 2/4  7-JAN-1997 15:46 [OWNER,]",    // empty owner
		"FILE.TXT;1 2/4  7-JAN-1997 15:46 [%%%]",       // invalid owner identifier
		"FILE.TXT;1 2/4  7-JAN-1997 15:46 [A] [B]",     // two owners
		"FILE.TXT;1 7-JAN-1997 15:46",                  // no size
		"FILE.TXT;1 2/4 15:46",                         // no date
		"FILE.TXT;1 2/4  7-JAN-1997 15:46 (RWED,RWED)", // short protection
		"FILE.TXT;1 2/4  7-JAN-1997 15:46 junk",        // trailing junk
		"%RMS-E-PRV, insufficient privilege or file protection violation",
	} {
		rejectAll(t, line)
	}
}

func TestOS2ParsesFilesAndDirectories(t *testing.T) {
	for _, tc := range []struct {
		line string
		want Entry
	}{
		{"     0           DIR   04-11-95   16:26  ADDRESS",
			Entry{RawName: "ADDRESS", Kind: Dir, Size: 0, ModTime: utc(1995, 4, 11, 16, 26, 0), Precision: TimeMinute}},
		{" 36611      A          04-23-103  10:57  OS2 test1.file",
			Entry{RawName: "OS2 test1.file", Kind: File, Size: 36611, ModTime: utc(2003, 4, 23, 10, 57, 0), Precision: TimeMinute}},
		{"     0 DIR             02-11-103  16:15  OS2 test1.dir",
			Entry{RawName: "OS2 test1.dir", Kind: Dir, Size: 0, ModTime: utc(2003, 2, 11, 16, 15, 0), Precision: TimeMinute}},
		{"  1123      A          07-14-99   12:37  OS2 test2.file",
			Entry{RawName: "OS2 test2.file", Kind: File, Size: 1123, ModTime: utc(1999, 7, 14, 12, 37, 0), Precision: TimeMinute}},
	} {
		same(t, tc.line, parseAs(t, OS2, tc.line), tc.want)
	}
}

func TestAS400ParsesObjectsAndMembers(t *testing.T) {
	for _, tc := range []struct {
		line string
		want Entry
	}{
		{"QSYS           77824 02/23/00 15:09:55 *DIR       QSYS/",
			Entry{RawName: "QSYS", Kind: Dir, Size: 77824, ModTime: utc(2000, 2, 23, 15, 9, 55), Precision: TimeSecond, Owner: "QSYS"}},
		{"QPGMR          36864 18.09.06 14:21:26 *FILE      XML5ANOTE.FILE",
			Entry{RawName: "XML5ANOTE.FILE", Kind: File, Size: 36864, ModTime: utc(2006, 9, 18, 14, 21, 26), Precision: TimeSecond, Owner: "QPGMR"}},
		{"                                       *MEM       XML5ANOTE.FILE/XML5A.MBR",
			Entry{RawName: "XML5ANOTE.FILE/XML5A.MBR", Kind: File, Size: -1}},
		{"QDOC           12288 11/24/2026 14:15:00 *STMF  my doc.txt",
			Entry{RawName: "my doc.txt", Kind: File, Size: 12288, ModTime: utc(2026, 11, 24, 14, 15, 0), Precision: TimeSecond, Owner: "QDOC"}},
	} {
		same(t, tc.line, parseAs(t, AS400, tc.line), tc.want)
	}
}

func TestAS400RejectsLooseStarLines(t *testing.T) {
	for _, line := range []string{"*** error ***", "* x", "*mem lowercase"} {
		rejectAll(t, line)
	}
}

// Every sample line is recognized by its own dialect when nothing is
// locked in, never by another one.
func TestDetectionPicksTheRightDialect(t *testing.T) {
	for _, tc := range []struct {
		f    Format
		line string
	}{
		{Unix, "-rw-r--r--    1 1000     1000         1234 Nov 24 14:15 file.txt"},
		{Unix, "drwxrwxr-x               folder        2 May 10  1996 network"},
		{DOS, "04-27-00  12:09PM       <DIR>          dir"},
		{DOS, "2002-09-02  19:06           9,730 file"},
		{EPLF, "+i8388621.48594,m825718503,r,s280,up755\tfile"},
		{VMS, "FILE.TXT;1           2/4      7-JAN-1997 15:46  [GROUP,OWNER]  (RWED,RWED,RWED,RE)"},
		{OS2, "     0           DIR   04-11-95   16:26  ADDRESS"},
		{AS400, "QSYS           77824 02/23/00 15:09:55 *DIR       QSYS/"},
	} {
		p := NewParser(Options{Now: testNow})
		if _, err := p.ParseLine(tc.line); err != nil || p.Detected() != tc.f {
			t.Errorf("%q: detected %v (err %v), want %v", tc.line, p.Detected(), err, tc.f)
		}
	}
}

func TestNoiseLinesAreNotEntries(t *testing.T) {
	p := NewParser(Options{Now: testNow})
	for _, line := range []string{
		"", "   ", "\r\n", "total 8",
		"Directory DISK$USER:[USER.FTP]",
		"Total of 3 files, 10/12 blocks.",
		"Grand total of 1 directory, 3 files, 10/12 blocks.",
		"Status of /home/user:",
	} {
		if _, err := p.ParseLine(line); err != ErrNotEntry {
			t.Errorf("ParseLine(%q) err = %v, want ErrNotEntry", strings.TrimSpace(line), err)
		}
	}
}

func TestVMSParsesOtherLayouts(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       Entry
	}{
		{"no time", "FILE.TXT;1           2/4      7-JAN-1997  [GROUP,OWNER]  (RWED,RWED,RWED,RE)",
			Entry{RawName: "FILE.TXT", Kind: File, Size: 1024, ModTime: utc(1997, 1, 7, 0, 0, 0), Precision: TimeDay, Mode: 0775, HasMode: true, Owner: "OWNER", Group: "GROUP"}},
		{"owner before the size", "FILE.TXT;1 [OWNER] 1/3 7-JAN-1997 15:46 (RWED,RWED,RE,)",
			Entry{RawName: "FILE.TXT", Kind: File, Size: 512, ModTime: utc(1997, 1, 7, 15, 46, 0), Precision: TimeMinute, Mode: 0750, HasMode: true, Owner: "OWNER"}},
		{"size after the date", "DATA.BIN;3  7-JAN-1997 15:46:12 6308/13 [SYSTEM]",
			Entry{RawName: "DATA.BIN", Kind: File, Size: 6308 * 512, ModTime: utc(1997, 1, 7, 15, 46, 12), Precision: TimeSecond, Owner: "SYSTEM"}},
		{"size with a unit", "BIG.ZIP;1  12KB  7-JAN-1997 15:46",
			Entry{RawName: "BIG.ZIP", Kind: File, Size: 12288, ModTime: utc(1997, 1, 7, 15, 46, 0), Precision: TimeMinute}},
		{"size with a fractional unit", "BIG.ZIP;1  1.5MB  7-JAN-1997 15:46",
			Entry{RawName: "BIG.ZIP", Kind: File, Size: 1572864, ModTime: utc(1997, 1, 7, 15, 46, 0), Precision: TimeMinute}},
		{"unclosed owner bracket", "FILE.TXT;1 2/4  7-JAN-1997 15:46 [GROUP,OWNER (RWED,RWED,RWED,RE)",
			Entry{RawName: "FILE.TXT", Kind: File, Size: 1024, ModTime: utc(1997, 1, 7, 15, 46, 0), Precision: TimeMinute, Mode: 0775, HasMode: true, Owner: "OWNER", Group: "GROUP"}},
		{"numeric UIC", "LOGIN.COM;2  1/3  7-JAN-1997 15:46 [300,11] (RWED,RWED,RE,RE)",
			Entry{RawName: "LOGIN.COM", Kind: File, Size: 512, ModTime: utc(1997, 1, 7, 15, 46, 0), Precision: TimeMinute, Mode: 0755, HasMode: true, Owner: "11", Group: "300"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			same(t, tc.line, parseAs(t, VMS, tc.line), tc.want)
		})
	}
}

func TestAS400DatesAndMembers(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       Entry
	}{
		{"yy/mm/dd", "QSYS           77824 98/12/31 15:09:55 *DIR       QSYS/",
			Entry{RawName: "QSYS", Kind: Dir, Size: 77824, ModTime: utc(1998, 12, 31, 15, 9, 55), Precision: TimeSecond, Owner: "QSYS"}},
		{"yy.mm.dd", "QPGMR          36864 99.02.28 14:21:26 *FILE      X.FILE",
			Entry{RawName: "X.FILE", Kind: File, Size: 36864, ModTime: utc(1999, 2, 28, 14, 21, 26), Precision: TimeSecond, Owner: "QPGMR"}},
		{"dd.mm.yy", "QPGMR          36864 18.09.06 14:21:26 *FILE      XML5ANOTE.FILE",
			Entry{RawName: "XML5ANOTE.FILE", Kind: File, Size: 36864, ModTime: utc(2006, 9, 18, 14, 21, 26), Precision: TimeSecond, Owner: "QPGMR"}},
		{"mm/dd/yy", "BAILEYSE     5263360 06/11/97 12:27:39 *FILE     BPTFSAVF",
			Entry{RawName: "BPTFSAVF", Kind: File, Size: 5263360, ModTime: utc(1997, 6, 11, 12, 27, 39), Precision: TimeSecond, Owner: "BAILEYSE"}},
		{"member without size or date", "                                        *MEM       MYLIB.FILE/MYMBR.MBR",
			Entry{RawName: "MYLIB.FILE/MYMBR.MBR", Kind: File, Size: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			same(t, tc.line, parseAs(t, AS400, tc.line), tc.want)
		})
	}
}

func TestAS400RejectsMembersWithSizeAndDate(t *testing.T) {
	rejectAll(t, "QPGMR          36864 18.09.06 14:21:26 *MEM       XML5ANOTE.FILE/XML5A.MBR")
	rejectAll(t, "QSYS           77824 13/13/13 15:09:55 *DIR       QSYS/") // no order gives a date
}

func TestMVSParsesDataSetsAndMembers(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       Entry
	}{
		{"sequential data set", "WYOSPT 3420   2003/05/21  1  200  FB      80  8053  PS  48-MVS.FILE",
			Entry{RawName: "48-MVS.FILE", Kind: File, Size: -1, ModTime: utc(2003, 5, 21, 0, 0, 0), Precision: TimeDay}},
		{"partitioned data set", "WPTA01 3390   2004/03/04  1    1  FB     128  6144  PO  BORK.LOADLIB",
			Entry{RawName: "BORK.LOADLIB", Kind: Dir, Size: -1, ModTime: utc(2004, 3, 4, 0, 0, 0), Precision: TimeDay}},
		{"VSAM", "TSO004 3390   VSAM FOO.BAR",
			Entry{RawName: "FOO.BAR", Kind: File, Size: -1}},
		{"migrated", "Migrated                                                SOME.FILE",
			Entry{RawName: "SOME.FILE", Kind: File, Size: -1}},
		{"member", " MEMBER1   01.03 2002/09/16 2002/09/17 13:27    14    14     0 OWNER",
			Entry{RawName: "MEMBER1", Kind: File, Size: -1, ModTime: utc(2002, 9, 17, 13, 27, 0), Precision: TimeMinute}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			same(t, tc.line, parseAs(t, MVS, tc.line), tc.want)
		})
	}
	p := NewParser(Options{Now: testNow})
	for _, header := range []string{
		"Volume Unit    Referred Ext Used Recfm Lrecl BlkSz Dsorg Dsname",
		" Name     VV.MM   Created       Changed      Size  Init   Mod   Id",
	} {
		if _, err := p.ParseLine(header); err != ErrNotEntry {
			t.Errorf("%q: %v, want ErrNotEntry", header, err)
		}
	}
}

func TestMVSRejectsMalformedLines(t *testing.T) {
	for _, line := range []string{
		"WYOSPT 3420   2003/05/21  1  200  XB      80  8053  PS  BAD.RECFM",
		"WYOSPT 3420   2003/05/21  1  200  FB      80  8053  ZZ  BAD.DSORG",
		"WYOSPT 3420   2003/02/30  1  200  FB      80  8053  PS  BAD.DATE",
		" member1   01.03 2002/09/16 2002/09/17 13:27    14    14     0 OWNER", // lower case
		"Migrated",
	} {
		rejectAll(t, line)
	}
}
