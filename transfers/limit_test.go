package transfers

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ferry/protocol/ftptest"
	"ferry/ratelimit"
)

// TestRateLimitHoldsTransfersBackUntilLifted: at 4 KiB/s a 2 MiB download
// would take over eight minutes; lifting the limit while it runs lets it
// finish at once, intact.
func TestRateLimitHoldsTransfersBackUntilLifted(t *testing.T) {
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	data := make([]byte, 2<<20)
	rand.Read(data)
	s.WriteFile(t, "big.bin", data)
	local := t.TempDir()
	q := New(Options{Dial: site(s), Workers: 1, Policy: Overwrite, Limit: ratelimit.New(4 << 10)})
	defer q.Close()
	if q.RateLimit() != 4<<10 {
		t.Fatalf("RateLimit = %d", q.RateLimit())
	}
	id := q.Add(Spec{Site: "s", Direction: Download, Remote: "big.bin", LocalRoot: local, Local: "big.bin"})[0]
	st := waitFor(t, q, id, "some bytes", func(j JobStatus) bool { return j.Done > 0 })
	if st.State == Done || st.Done > 1<<20 {
		t.Fatalf("at 4 KiB/s the job is %s with %d bytes already", st.State, st.Done)
	}
	q.SetRateLimit(0)
	if q.RateLimit() != 0 {
		t.Fatalf("RateLimit after lifting = %d", q.RateLimit())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := q.Wait(ctx); err != nil {
		t.Fatalf("the lifted job did not finish: %v\n%s", err, describe(q.Snapshot()))
	}
	got, err := os.ReadFile(filepath.Join(local, "big.bin"))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("downloaded %d bytes (%v), want the %d sent", len(got), err, len(data))
	}
}
