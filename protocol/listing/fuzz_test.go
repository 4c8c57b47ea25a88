package listing

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"unicode/utf8"

	"ferry/internal/safe"
)

// checkEntry asserts what every returned entry must satisfy, whatever
// the input.
func checkEntry(t *testing.T, e Entry, raw string) {
	t.Helper()
	if e.Raw != raw {
		t.Fatalf("Raw = %q, want the input line %q", e.Raw, raw)
	}
	if e.Kind > Other {
		t.Fatalf("invalid Kind %d", e.Kind)
	}
	if e.Precision > TimeSecond {
		t.Fatalf("invalid Precision %d", e.Precision)
	}
	if e.Size < -1 {
		t.Fatalf("Size %d", e.Size)
	}
	if e.RawName == "" && !e.Unsafe() {
		t.Fatal("empty RawName not flagged unsafe")
	}
	if (e.RawName == "." || e.RawName == "..") && (!e.Pseudo || !e.Unsafe()) {
		t.Fatalf("%q: Pseudo %v Unsafe %v", e.RawName, e.Pseudo, e.Unsafe())
	}
	if !utf8.ValidString(e.Name) {
		t.Fatalf("Name %q is not valid UTF-8", e.Name)
	}
	for _, r := range e.Name {
		if safe.Escaped(r) {
			t.Fatalf("Name %q contains unescaped %U", e.Name, r)
		}
	}
	if e.Name == e.RawName && !utf8.ValidString(e.RawName) {
		t.Fatal("invalid RawName shown unescaped")
	}
	if len(e.Name) > 6*len(e.RawName) {
		t.Fatalf("Name grew from %d to %d bytes", len(e.RawName), len(e.Name))
	}
	for _, s := range []string{e.RawName, e.Owner, e.Group, e.Target, e.Perm} {
		if len(s) > len(raw) {
			t.Fatalf("field %q longer than its line", s)
		}
	}
	if !e.HasMode && e.Mode != 0 {
		t.Fatalf("Mode %v without HasMode", e.Mode)
	}
	if e.HasMode {
		if (e.Kind == Dir) != e.Mode.IsDir() || (e.Kind == Symlink) != (e.Mode&fs.ModeSymlink != 0) {
			t.Fatalf("Mode %v disagrees with Kind %v", e.Mode, e.Kind)
		}
		if e.Kind == File && !e.Mode.IsRegular() {
			t.Fatalf("file with Mode %v", e.Mode)
		}
	}
	if e.Precision == TimeUnknown && (!e.ModTime.IsZero() || e.YearGuessed) {
		t.Fatalf("time %v / guessed %v with unknown precision", e.ModTime, e.YearGuessed)
	}
	if e.Precision != TimeUnknown {
		if y := e.ModTime.Year(); y < 1 || y > 10000 {
			t.Fatalf("ModTime %v out of range", e.ModTime)
		}
	}
	if e.YearGuessed && e.ModTime.After(testNow.Add(skew)) {
		t.Fatalf("guessed ModTime %v is in the future", e.ModTime)
	}
}

var fuzzSeeds = []string{
	"-rw-r--r--    1 1000     1000         1234 Nov 24 14:15 file.txt",
	"-rw-r--r--   1 ftp      ftp          1234 Nov 24 14:15 file.txt",
	"drwxr-xr-x   2 ftp      ftp          4096 Jan 25  2005 pub",
	"lrwxrwxrwx   1 u        g              11 2005-06-07 21:22 link -> target",
	"crw-rw-rw-   1 root     root       1,   3 Jan 25 00:17 null",
	"-rw-r--r--+  1 owner    Local Users    12 Jan 25 00:17  leading space",
	"-rw-r--r-- 1 u g 9 2005-06-07 21:22:33.123456789 +0200 full iso",
	"drwxrwxr-x               folder        2 May 10  1996 network",
	"04-27-00  12:09PM       <DIR>          dir",
	"04-27-2000  12:09PM                 1234 file name",
	"2002-09-02  19:06           9,730 file",
	"04-27-00  12:09PM    <JUNCTION>     link [C:\\target]",
	"+i8388621.48594,m825718503,r,s280,up755\tfile",
	"+i8388621.50690,m824255907,/,\tdir",
	"FILE.TXT;1           2/4      7-JAN-1997 15:46  [GROUP,OWNER]  (RWED,RWED,RWED,RE)",
	"SUBDIR.DIR;1         1       17-Jan-1997 15:46:12.34  [OWNER]  (RWE,RWE,RE,)",
	"     0           DIR   04-11-95   16:26  ADDRESS",
	" 36611      A          04-23-103  10:57  OS2 test1.file",
	"QSYS           77824 02/23/00 15:09:55 *DIR       QSYS/",
	"                                       *MEM       XML5ANOTE.FILE/XML5A.MBR",
	"type=file;size=1234;modify=20261124141500;perm=radfw;unix.mode=0644; file.txt",
	"type=cdir;modify=20261124141500; /home/user",
	"type=OS.unix=slink:/path with space;size=7; my link",
	"Type=DIR;Modify=20050607212233.456;UNIX.ownername=a; d",
	"type=file;size=42 no final semicolon",
	" type=file;size=5; /pub/file.txt",
	"-rw-r--r--   1 user     group        1234 26. Juli, 20:10 de",
	"-rw-r--r--   1 user     group        1234 6月 3日 2003年 ja",
	"-rw-r--r--   1 user     group        1234 2005\xb3\xe2  1\xbf\xf9  6\xc0\xcf ko",
	"-rw-r--r--   1 root     other        531 3 29 03:26 README",
	"-rw-r--r--   1 root     other        531 01-jun-99 r",
	"-rwxr-xr-x   1 user     group      1234 Oct 08, 2002 09:47 vshell",
	"-rw-r--r--   1 user     group      33.5k Nov 24 14:15 half",
	"-rw-r--r--   1 owner    longgroup123456 Nov 24 14:15 glued",
	"drwxr-x---+1464 owner    group      4096 Nov 24 14:15 links",
	"d [R----F--] supervisor            512       Jan 16 18:53    login",
	"-C--E-----FTP B BCC3I1       7670  1294495 Jan 13 07:42 BCC3I1.txt",
	"0100644 500 101 12345 123456789 name",
	"DATA.BIN;3  7-JAN-1997 15:46:12 6308/13 [SYSTEM",
	"QSYS           77824 98/12/31 15:09:55 *DIR       QSYS/",
	"type=file;size=1;\tname",
	"WYOSPT 3420   2003/05/21  1  200  FB      80  8053  PS  48-MVS.FILE",
	" MEMBER1   01.03 2002/09/16 2002/09/16 13:27    14    14     0 OWNER",
	"total 12",
	"",
	"\xff\xfe garbage \x00",
}

func fuzzDialect(f *testing.F, parse func(*ctx, string, *Entry) bool) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		c := newCtx(testNow, testLoc)
		var e Entry
		if parse(&c, line, &e) {
			finish(&e, line)
			checkEntry(t, e, line)
		}
	})
}

func FuzzParseUnix(f *testing.F)  { fuzzDialect(f, parseUnix) }
func FuzzParseDOS(f *testing.F)   { fuzzDialect(f, parseDOS) }
func FuzzParseEPLF(f *testing.F)  { fuzzDialect(f, parseEPLF) }
func FuzzParseVMS(f *testing.F)   { fuzzDialect(f, parseVMS) }
func FuzzParseOS2(f *testing.F)   { fuzzDialect(f, parseOS2) }
func FuzzParseAS400(f *testing.F) { fuzzDialect(f, parseAS400) }
func FuzzParseMVS(f *testing.F)   { fuzzDialect(f, parseMVS) }

func FuzzParseMLSx(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		e, err := ParseMLSx(line)
		if err != nil {
			return
		}
		checkEntry(t, e, trimEOL(line))
		if e.RawName == "" {
			t.Fatal("MLSx entry without pathname")
		}
	})
}

func FuzzParseLine(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		p := NewParser(Options{Now: testNow, Location: testLoc})
		e, err := p.ParseLine(line)
		if err != nil {
			if p.Detected() != LIST {
				t.Fatalf("failed line locked in %v", p.Detected())
			}
			return
		}
		checkEntry(t, e, trimEOL(line))
		if p.Detected() == LIST || p.Detected() == MLSD {
			t.Fatalf("entry without a detected dialect: %v", p.Detected())
		}
	})
}

func FuzzScanner(f *testing.F) {
	f.Add([]byte(strings.Join(fuzzSeeds, "\r\n")), false)
	f.Add([]byte(strings.Join(fuzzSeeds, "\n")), true)
	f.Add([]byte("LONG-NAME.TXT;1\r\n   2/4  7-JAN-1997 15:46\r\nX;1"), false)
	f.Fuzz(func(t *testing.T, data []byte, mlsd bool) {
		format := LIST
		if mlsd {
			format = MLSD
		}
		const maxLine = 512
		sc := NewScanner(bytes.NewReader(data), format, Options{Now: testNow, Location: testLoc, MaxLine: maxLine})
		lines := bytes.Count(data, []byte{'\n'}) + 1
		n := 0
		for sc.Scan() {
			n++
			e := sc.Entry()
			checkEntry(t, e, e.Raw)
			if len(e.Raw) > 2*maxLine+1 {
				t.Fatalf("Raw of %d bytes exceeds the line limit", len(e.Raw))
			}
			if strings.ContainsAny(e.Raw, "\n") {
				t.Fatalf("Raw %q holds a line break", e.Raw)
			}
		}
		if n+sc.BadCount() > lines {
			t.Fatalf("%d entries + %d bad from %d lines", n, sc.BadCount(), lines)
		}
		if len(sc.Bad()) > MaxBadLines || len(sc.Bad()) > sc.BadCount() {
			t.Fatalf("kept %d bad lines of %d", len(sc.Bad()), sc.BadCount())
		}
		for _, b := range sc.Bad() {
			if b.Line < 1 || b.Line > lines || b.Err == nil {
				t.Fatalf("bad line %+v", b)
			}
		}
		if sc.Err() == nil && bytes.Count(data, []byte{'\n'}) == 0 && len(trimEOL(string(data))) > maxLine {
			t.Fatal("over-long single line not reported")
		}
	})
}
