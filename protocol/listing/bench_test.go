package listing

import (
	"bytes"
	"fmt"
	"testing"
)

const benchLines = 100000

func benchListing(line func(i int) string) []byte {
	var b bytes.Buffer
	for i := 0; i < benchLines; i++ {
		b.WriteString(line(i))
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func benchScan(b *testing.B, data []byte, f Format) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	r := bytes.NewReader(data)
	b.ResetTimer()
	for b.Loop() {
		r.Reset(data)
		sc := NewScanner(r, f, Options{Now: testNow})
		n := 0
		for sc.Scan() {
			n++
		}
		if n != benchLines || sc.Err() != nil || sc.BadCount() != 0 {
			b.Fatalf("%d entries, err %v, bad %v", n, sc.Err(), sc.Bad())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchLines, "ns/line")
	b.ReportMetric(0, "ns/op") // per-listing time is not useful next to ns/line
}

// BenchmarkScanUnix scans 100,000 LIST lines in vsftpd's style.
func BenchmarkScanUnix(b *testing.B) {
	data := benchListing(func(i int) string {
		return fmt.Sprintf("-rw-r--r--    1 1000     1000     %8d Nov 24 14:15 file %06d.txt", i*37, i)
	})
	benchScan(b, data, LIST)
}

// BenchmarkScanMLSD scans 100,000 MLSD lines in pyftpdlib's style.
func BenchmarkScanMLSD(b *testing.B) {
	data := benchListing(func(i int) string {
		return fmt.Sprintf("type=file;size=%d;modify=20261124141500;perm=radfw;unix.mode=0644;unix.uid=1000;unix.gid=1000; file %06d.txt", i*37, i)
	})
	benchScan(b, data, MLSD)
}

// BenchmarkScanDOS scans 100,000 IIS LIST lines.
func BenchmarkScanDOS(b *testing.B) {
	data := benchListing(func(i int) string {
		return fmt.Sprintf("11-24-26  02:15PM             %8d file %06d.txt", i*37, i)
	})
	benchScan(b, data, LIST)
}

// BenchmarkScanUnixForeignDates scans 100,000 LIST lines whose dates are
// German (day first) and Japanese, the slower paths of the date search.
func BenchmarkScanUnixForeignDates(b *testing.B) {
	data := benchListing(func(i int) string {
		if i%2 == 0 {
			return fmt.Sprintf("-rw-r--r--    1 benutzer gruppe   %8d 26. Juli 20:10 datei %06d.txt", i*37, i)
		}
		return fmt.Sprintf("-rw-r--r--    1 user     group    %8d 6月 3日 2003年 file %06d.txt", i*37, i)
	})
	benchScan(b, data, LIST)
}
