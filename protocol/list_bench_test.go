package protocol_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"testing"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// BenchmarkList100kVSFTPD lists a directory of 100,000 files on vsftpd
// (LIST -a, parsed into entries) and, in the same run, fetches the same
// raw LIST with curl. It also reports the heap the engine holds at the
// end of a listing (the parsed entries), the figure that bounds ferry's
// memory for huge directories:
//
//	go test -run=NONE -bench=List100k -benchtime=5x ./protocol/
func BenchmarkList100kVSFTPD(b *testing.B) {
	const n = 100_000
	s := ftptest.Start(b, ftptest.VSFTPD, ftptest.Options{})
	s.WriteFile(b, "many/.keep", nil)
	for i := range n {
		f, err := os.Create(s.Path(fmt.Sprintf("many/file-%06d.dat", i)))
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	b.Run("ferry", func(b *testing.B) {
		ctx := context.Background()
		c, err := protocol.Dial(ctx, s.Addr, protocol.Options{
			Security:  protocol.Plain,
			TLSConfig: &tls.Config{RootCAs: s.CertPool, ServerName: s.ServerName},
		})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Quit(ctx)
		if err := c.Login(ctx, s.User, s.Password); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		var held uint64
		for b.Loop() {
			l, err := c.List(ctx, "many")
			if err != nil || len(l.Entries) != n+1 {
				b.Fatalf("%v entries, %v", l, err)
			}
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			held = ms.HeapAlloc
			runtime.KeepAlive(l)
		}
		b.ReportMetric(float64(held)/(1<<20), "MiB-heap-held")
	})
	b.Run("curl", func(b *testing.B) {
		curl, err := exec.LookPath("curl")
		if err != nil {
			b.Skip("curl not installed") // a peer for comparison, not a test
		}
		url := fmt.Sprintf("ftp://%s/many/", s.Addr)
		for b.Loop() {
			cmd := exec.Command(curl, "-sS", "--fail", "-o", "/dev/null", "--user", s.User+":"+s.Password, url)
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("curl: %v\n%s", err, out)
			}
		}
	})
}
