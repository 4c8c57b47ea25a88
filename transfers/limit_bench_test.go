package transfers

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ferry/protocol/ftptest"
	"ferry/ratelimit"
)

// BenchmarkRateLimitSharedByConnections moves 10 s worth of data at a
// limit of 1 MiB/s over two parallel TLS connections to vsftpd, each way,
// and reports the achieved rate as a share of the limit (limit_%). It
// fails when that is more than 5% off: the limit is shared (two
// connections do not get twice the rate) and is neither overshot by the
// token bucket's burst nor undershot by the waits. Run it with
//
//	CI=true go test -run '^$' -bench RateLimit -benchtime 1x ./transfers/
func BenchmarkRateLimitSharedByConnections(b *testing.B) {
	const limit = 1 << 20
	const file = 5 << 20 // two files: 10 s at the limit
	s := ftptest.Start(b, ftptest.VSFTPD, ftptest.Options{})
	data := make([]byte, file)
	rand.Read(data)
	up := b.TempDir()
	for i := range 2 {
		name := fmt.Sprintf("f%d.bin", i)
		s.WriteFile(b, "down/"+name, data)
		if err := os.WriteFile(filepath.Join(up, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for _, dir := range []Direction{Download, Upload} {
		b.Run(dir.String(), func(b *testing.B) {
			for i := range b.N {
				spec := Spec{Site: "s", Direction: dir, Dir: true}
				if dir == Download {
					spec.Remote, spec.LocalRoot = "down", b.TempDir()
				} else {
					spec.Remote, spec.LocalRoot = fmt.Sprintf("up%d", i), up
				}
				q := New(Options{Dial: site(s), Workers: 2, Policy: Overwrite, Limit: ratelimit.New(limit)})
				start := time.Now()
				q.Add(spec)
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				err := q.Wait(ctx)
				elapsed := time.Since(start)
				cancel()
				snap := q.Snapshot()
				q.Close()
				if err != nil {
					b.Fatalf("queue did not finish: %v\n%s", err, describe(snap))
				}
				for _, j := range snap.Jobs {
					if j.State != Done {
						b.Fatalf("job %q is %s: %s", j.Remote, j.State, j.Reason)
					}
				}
				if snap.Done != 2*file {
					b.Fatalf("moved %d bytes, want %d\n%s", snap.Done, 2*file, describe(snap))
				}
				achieved := float64(snap.Done) / elapsed.Seconds()
				share := 100 * achieved / limit
				b.ReportMetric(achieved, "B/s")
				b.ReportMetric(share, "limit_%")
				b.ReportMetric(elapsed.Seconds(), "s")
				if share < 95 || share > 105 {
					b.Errorf("achieved %.0f B/s in %v: %.1f%% of the %d B/s limit, want 95-105%%", achieved, elapsed, share, limit)
				}
			}
		})
	}
}
