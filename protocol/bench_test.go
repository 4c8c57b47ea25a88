package protocol_test

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"io"
	"os/exec"
	"testing"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// BenchmarkDownloadVSFTPD downloads one large file from vsftpd on loopback
// with the engine and, in the same run and from the same server, with
// curl, plain and over explicit TLS. Compare the MB/s columns:
//
//	go test -run=NONE -bench=DownloadVSFTPD -benchtime=5x ./protocol/
func BenchmarkDownloadVSFTPD(b *testing.B) {
	const size = 256 << 20
	s := ftptest.Start(b, ftptest.VSFTPD, ftptest.Options{})
	data := make([]byte, size)
	rand.Read(data)
	s.WriteFile(b, "big.bin", data)

	for _, sec := range []protocol.Security{protocol.Plain, protocol.Explicit} {
		b.Run("ferry/"+sec.String(), func(b *testing.B) {
			ctx := context.Background()
			c, err := protocol.Dial(ctx, s.Addr, protocol.Options{
				Security:  sec,
				TLSConfig: &tls.Config{RootCAs: s.CertPool, ServerName: s.ServerName},
			})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Quit(ctx)
			if err := c.Login(ctx, s.User, s.Password); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				n, err := c.Retrieve(ctx, "big.bin", io.Discard, 0)
				if err != nil || n != size {
					b.Fatalf("%d bytes, %v", n, err)
				}
			}
		})
		b.Run("curl/"+sec.String(), func(b *testing.B) {
			curl, err := exec.LookPath("curl")
			if err != nil {
				b.Skip("curl not installed") // a peer for comparison, not a test
			}
			args := []string{"-sS", "--fail", "-o", "/dev/null", "--user", s.User + ":" + s.Password}
			if sec == protocol.Explicit {
				args = append(args, "--ssl-reqd", "--cacert", s.CAFile)
			}
			url := fmt.Sprintf("ftp://%s/big.bin", s.Addr)
			b.SetBytes(size)
			for b.Loop() {
				if out, err := exec.Command(curl, append(args, url)...).CombinedOutput(); err != nil {
					b.Fatalf("curl: %v\n%s", err, out)
				}
			}
		})
	}
}
