package listing

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func scanAll(t *testing.T, sc *Scanner) []Entry {
	t.Helper()
	var out []Entry
	for sc.Scan() {
		out = append(out, sc.Entry())
	}
	return out
}

func names(es []Entry) string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('|')
		}
		b.WriteString(e.RawName)
	}
	return b.String()
}

func TestScannerHandlesCRLFAndBareLF(t *testing.T) {
	in := "total 2\r\n" +
		"-rw-r--r-- 1 u g 1 Nov 24 14:15 crlf\r\n" +
		"-rw-r--r-- 1 u g 1 Nov 24 14:15 lf\n" +
		"-rw-r--r-- 1 u g 1 Nov 24 14:15 last without newline"
	sc := NewScanner(strings.NewReader(in), LIST, Options{Now: testNow})
	es := scanAll(t, sc)
	if got := names(es); got != "crlf|lf|last without newline" {
		t.Errorf("names = %q", got)
	}
	if sc.Err() != nil || sc.BadCount() != 0 {
		t.Errorf("Err %v, bad %v", sc.Err(), sc.Bad())
	}
	if es[0].Raw != "-rw-r--r-- 1 u g 1 Nov 24 14:15 crlf" {
		t.Errorf("Raw kept the line ending: %q", es[0].Raw)
	}
}

func TestScannerReportsUnknownLinesAsBad(t *testing.T) {
	in := "-rw-r--r-- 1 u g 1 Nov 24 14:15 a\n" +
		"this is not a listing line\n" +
		"\n" +
		"-rw-r--r-- 1 u g 1 Nov 24 14:15 b\n"
	sc := NewScanner(strings.NewReader(in), LIST, Options{Now: testNow})
	if got := names(scanAll(t, sc)); got != "a|b" {
		t.Errorf("names = %q", got)
	}
	bad := sc.Bad()
	if sc.BadCount() != 1 || len(bad) != 1 || bad[0].Line != 2 || bad[0].Text != "this is not a listing line" || !errors.Is(bad[0].Err, ErrUnrecognized) {
		t.Errorf("Bad = %+v, count %d", bad, sc.BadCount())
	}
}

func TestScannerBadLinesAreBounded(t *testing.T) {
	in := strings.Repeat("garbage\n", 250)
	sc := NewScanner(strings.NewReader(in), LIST, Options{Now: testNow})
	if es := scanAll(t, sc); len(es) != 0 {
		t.Errorf("got %d entries from garbage", len(es))
	}
	if len(sc.Bad()) != MaxBadLines || sc.BadCount() != 250 {
		t.Errorf("kept %d, counted %d", len(sc.Bad()), sc.BadCount())
	}
}

func TestScannerStopsOnTooLongLine(t *testing.T) {
	long := "-rw-r--r-- 1 u g 1 Nov 24 14:15 " + strings.Repeat("x", 100)
	for _, in := range []string{long + "\n-rw-r--r-- 1 u g 1 Nov 24 14:15 after\n", long} {
		sc := NewScanner(strings.NewReader("-rw-r--r-- 1 u g 1 Nov 24 14:15 ok\n"+in), LIST, Options{Now: testNow, MaxLine: 64})
		es := scanAll(t, sc)
		if names(es) != "ok" || !errors.Is(sc.Err(), ErrLineTooLong) {
			t.Errorf("names %q, Err %v", names(es), sc.Err())
		}
	}
	// A line of exactly MaxLine bytes plus CR LF is fine.
	line := "-rw-r--r-- 1 u g 1 Nov 24 14:15 " + strings.Repeat("y", 32)
	sc := NewScanner(strings.NewReader(line+"\r\n"), LIST, Options{Now: testNow, MaxLine: len(line)})
	if es := scanAll(t, sc); len(es) != 1 || sc.Err() != nil {
		t.Errorf("exact-limit line: %d entries, Err %v", len(es), sc.Err())
	}
}

func TestScannerReportsReadErrors(t *testing.T) {
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader("-rw-r--r-- 1 u g 1 Nov 24 14:15 a\n"), iotest.ErrReader(boom))
	sc := NewScanner(r, LIST, Options{Now: testNow})
	if got := names(scanAll(t, sc)); got != "a" || !errors.Is(sc.Err(), boom) {
		t.Errorf("names %q, Err %v", got, sc.Err())
	}
}

func TestScannerWorksOneByteAtATime(t *testing.T) {
	in := "type=file;size=1; a\r\ntype=dir; b c\r\n"
	sc := NewScanner(iotest.OneByteReader(strings.NewReader(in)), MLSD, Options{})
	if got := names(scanAll(t, sc)); got != "a|b c" || sc.Err() != nil {
		t.Errorf("names %q, Err %v", got, sc.Err())
	}
}

func TestScannerMLSDSkipsBlankLinesAndCollectsBadOnes(t *testing.T) {
	in := "type=cdir; /pub\r\n\r\ntype=file;size=3; x\r\nnot mlsd\r\n"
	sc := NewScanner(strings.NewReader(in), MLSD, Options{})
	es := scanAll(t, sc)
	if names(es) != "/pub|x" || !es[0].Pseudo || sc.Detected() != MLSD {
		t.Errorf("entries %q, detected %v", names(es), sc.Detected())
	}
	if sc.BadCount() != 1 || sc.Bad()[0].Line != 4 {
		t.Errorf("Bad = %+v", sc.Bad())
	}
}

func TestScannerLocksInDetectedDialect(t *testing.T) {
	in := "04-27-00  12:09PM       <DIR>          dir\r\n04-27-00  12:09PM       12 file\r\n"
	sc := NewScanner(strings.NewReader(in), LIST, Options{Now: testNow})
	if sc.Detected() != LIST {
		t.Errorf("detected %v before scanning", sc.Detected())
	}
	scanAll(t, sc)
	if sc.Detected() != DOS {
		t.Errorf("detected %v, want DOS", sc.Detected())
	}
}

func TestParserRemembersDialectAcrossListings(t *testing.T) {
	p := NewParser(Options{Now: testNow})
	scanAll(t, p.NewScanner(strings.NewReader("+i1,r,s1\tfirst\n"), LIST))
	if p.Detected() != EPLF {
		t.Fatalf("detected %v", p.Detected())
	}
	sc := p.NewScanner(strings.NewReader("+/,m1\tsecond\n"), LIST)
	if sc.Detected() != EPLF {
		t.Errorf("second listing starts with %v, want EPLF", sc.Detected())
	}
	if got := names(scanAll(t, sc)); got != "second" {
		t.Errorf("names %q", got)
	}
}

// A listing that changes family part way is not mixed together: the
// lines of the second dialect are reported, naming both, and never
// silently dropped.
func TestScannerReportsLinesOfAnotherDialect(t *testing.T) {
	for _, tc := range []struct {
		name, in, entries string
		family            Format
		badLines          []int
	}{
		{"DOS line in a Unix listing",
			"-rw-r--r-- 1 u g 1 Nov 24 14:15 unix\n04-27-00  12:09PM       12 dos\n-rw-r--r-- 1 u g 1 Nov 24 14:15 unix2\n",
			"unix|unix2", Unix, []int{2}},
		{"Unix lines after the first DOS ones",
			"04-27-00  12:09PM       12 dos\n-rw-r--r-- 1 u g 1 Nov 24 14:15 unix\n-rw-r--r-- 1 u g 1 Nov 24 14:15 unix2\n",
			"dos", DOS, []int{2, 3}},
		{"EPLF in VMS",
			"FILE.TXT;1  2/4  7-JAN-1997 15:46\n+i1,r,s1\teplf\n",
			"FILE.TXT", VMS, []int{2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := NewScanner(strings.NewReader(tc.in), LIST, Options{Now: testNow})
			if got := names(scanAll(t, sc)); got != tc.entries {
				t.Errorf("entries %q, want %q", got, tc.entries)
			}
			if sc.Detected() != tc.family {
				t.Errorf("detected %v, want %v", sc.Detected(), tc.family)
			}
			var lines []int
			for _, b := range sc.Bad() {
				lines = append(lines, b.Line)
				if !errors.Is(b.Err, ErrUnrecognized) || !strings.Contains(b.Err.Error(), "listing") {
					t.Errorf("line %d: %v", b.Line, b.Err)
				}
			}
			if fmt.Sprint(lines) != fmt.Sprint(tc.badLines) || sc.BadCount() != len(tc.badLines) {
				t.Errorf("bad lines %v, want %v", lines, tc.badLines)
			}
		})
	}
}

// The dialect a Parser remembers is a first guess for the next listing,
// not a verdict: a server that lists another directory in another format
// is detected again.
func TestParserDetectsAgainWhenTheNextListingChangesFormat(t *testing.T) {
	p := NewParser(Options{Now: testNow})
	scanAll(t, p.NewScanner(strings.NewReader("-rw-r--r-- 1 u g 1 Nov 24 14:15 unix\n"), LIST))
	sc := p.NewScanner(strings.NewReader("04-27-00  12:09PM       12 dos\n"), LIST)
	if got := names(scanAll(t, sc)); got != "dos" || sc.BadCount() != 0 {
		t.Errorf("names %q, bad %v", got, sc.Bad())
	}
	if p.Detected() != DOS {
		t.Errorf("parser remembers %v, want DOS", p.Detected())
	}
}

func TestScannerGivenDialectIsTriedFirst(t *testing.T) {
	p := NewParser(Options{Now: testNow})
	sc := p.NewScanner(strings.NewReader("     0           DIR   04-11-95   16:26  ADDRESS\n"), OS2)
	if sc.Detected() != OS2 {
		t.Errorf("Detected %v before scanning", sc.Detected())
	}
	if got := names(scanAll(t, sc)); got != "ADDRESS" {
		t.Errorf("names %q", got)
	}
}

func TestScannerJoinsVMSEntriesSplitOverTwoLines(t *testing.T) {
	in := "Directory DISK$USER:[USER]\r\n" +
		"\r\n" +
		"A-VERY-LONG-FILE-NAME-INDEED.TXT;12\r\n" +
		"                    10/12     7-JAN-1997 15:46  [GROUP,OWNER]  (RWED,RWED,RWED,RE)\r\n" +
		"SHORT.TXT;1          2/4      7-JAN-1997 15:46  [GROUP,OWNER]  (RWED,RWED,RWED,RE)\r\n" +
		"ANOTHER-LONG-DIRECTORY-NAME.DIR;1\r\n" +
		"                     1/4      7-JAN-1997 15:46  [GROUP,OWNER]  (RWE,RWE,RE,RE)\r\n" +
		"\r\n" +
		"Total of 3 files, 13/20 blocks.\r\n"
	sc := NewScanner(strings.NewReader(in), LIST, Options{Now: testNow})
	es := scanAll(t, sc)
	if got := names(es); got != "A-VERY-LONG-FILE-NAME-INDEED.TXT|SHORT.TXT|ANOTHER-LONG-DIRECTORY-NAME" {
		t.Errorf("names %q", got)
	}
	if sc.BadCount() != 0 || sc.Detected() != VMS {
		t.Errorf("bad %+v, detected %v", sc.Bad(), sc.Detected())
	}
	if len(es) == 3 {
		if es[0].Size != 5120 || es[2].Kind != Dir {
			t.Errorf("joined entries: %+v / %+v", es[0], es[2])
		}
		if want := "A-VERY-LONG-FILE-NAME-INDEED.TXT;12 10/12     7-JAN-1997 15:46  [GROUP,OWNER]  (RWED,RWED,RWED,RE)"; es[0].Raw != want {
			t.Errorf("Raw = %q", es[0].Raw)
		}
	}
}

func TestScannerReportsVMSNameWithoutContinuation(t *testing.T) {
	for _, in := range []string{
		"LONELY.TXT;1\r\n",
		"LONELY.TXT;1\r\nSHORT.TXT;1  2/4  7-JAN-1997 15:46\r\n",
		"LONELY.TXT;1\r\n    not a continuation\r\n",
	} {
		sc := NewScanner(strings.NewReader(in), LIST, Options{Now: testNow})
		scanAll(t, sc)
		bad := sc.Bad()
		if len(bad) == 0 || bad[0].Line != 1 || !strings.HasPrefix(bad[0].Text, "LONELY.TXT;1") {
			t.Errorf("%q: Bad = %+v", in, bad)
		}
	}
}

// The hot path costs one allocation per line: the line as a string, which
// the entry's string fields share.
func TestScannerAllocatesOncePerLine(t *testing.T) {
	for _, tc := range []struct {
		f    Format
		line string
	}{
		{LIST, "-rw-r--r--    1 1000     1000         1234 Nov 24 14:15 file.txt\r\n"},
		{LIST, "-rw-r--r--   1 ftp      Domain Users         1234 Nov 24 14:15 file.txt\r\n"},
		{LIST, "-rw-r--r--   1 user     group        1234 26. Juli 20:10 file.txt\r\n"},
		{LIST, "-rw-r--r--   1 user     group        1234 6月 3日 2003年 file.txt\r\n"},
		{MLSD, "type=file;size=1234;modify=20261124141500;perm=radfw;unix.mode=0644; file.txt\r\n"},
	} {
		const n = 1000
		sc := NewScanner(bytes.NewReader(bytes.Repeat([]byte(tc.line), n+10)), tc.f, Options{Now: testNow})
		sc.Scan()
		allocs := testing.AllocsPerRun(n, func() {
			if !sc.Scan() {
				panic("scan ended early")
			}
		})
		if allocs > 1 {
			t.Errorf("%v: %.1f allocations per line, want 1", tc.f, allocs)
		}
	}
}

func ExampleScanner() {
	listingText := "type=cdir;modify=20261124141500; /pub\r\n" +
		"type=dir;modify=20261124141500;perm=flcdmpe; incoming\r\n" +
		"type=file;size=1234;modify=20261124141500;perm=radfw; read me.txt\r\n"
	sc := NewScanner(strings.NewReader(listingText), MLSD, Options{})
	for sc.Scan() {
		e := sc.Entry()
		if e.Pseudo || e.Unsafe() {
			continue
		}
		fmt.Printf("%-4s %5d %s %q\n", e.Kind, e.Size, e.ModTime.Format("2006-01-02 15:04"), e.Name)
	}
	if err := sc.Err(); err != nil {
		fmt.Println("error:", err)
	}
	// Output:
	// dir     -1 2026-11-24 14:15 "incoming"
	// file  1234 2026-11-24 14:15 "read me.txt"
}

func ExampleParser() {
	p := NewParser(Options{})
	e, err := p.ParseLine("04-27-00  12:09PM       <DIR>          Program Files")
	fmt.Println(e.Kind, e.Name, err, p.Detected())
	// Output: dir Program Files <nil> DOS
}

// Some VMS servers start the continuation of a long name at the margin.
func TestScannerJoinsVMSContinuationThatIsNotIndented(t *testing.T) {
	in := "A-VERY-LONG-FILE-NAME-INDEED.TXT;12\r\n" +
		"10/12     7-JAN-1997 15:46  [GROUP,OWNER]  (RWED,RWED,RWED,RE)\r\n" +
		"SHORT.TXT;1          2/4      7-JAN-1997 15:46  [GROUP,OWNER]  (RWED,RWED,RWED,RE)\r\n"
	sc := NewScanner(strings.NewReader(in), LIST, Options{Now: testNow})
	es := scanAll(t, sc)
	if got := names(es); got != "A-VERY-LONG-FILE-NAME-INDEED.TXT|SHORT.TXT" || sc.BadCount() != 0 {
		t.Fatalf("names %q, bad %+v", got, sc.Bad())
	}
	if es[0].Size != 5120 || es[0].Owner != "OWNER" {
		t.Errorf("joined entry: %+v", es[0])
	}
}
