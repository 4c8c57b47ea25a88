package transfers

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// hostileSite dials a hostile test server.
func hostileSite(h *ftptest.Hostile) func(context.Context, string) (*protocol.Conn, error) {
	return func(ctx context.Context, _ string) (*protocol.Conn, error) {
		c, err := protocol.Dial(ctx, h.Addr, protocol.Options{Security: protocol.Plain, Timeout: 5 * time.Second})
		if err != nil {
			return nil, err
		}
		if err := c.Login(ctx, "u", "p"); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	}
}

func tree(dir string) Spec {
	return Spec{Site: "h", Direction: Download, Remote: "/top", LocalRoot: dir, Dir: true}
}

func jobFor(t *testing.T, s Snapshot, remote string) JobStatus {
	t.Helper()
	for _, j := range s.Jobs {
		if j.Remote == remote {
			return j
		}
	}
	t.Fatalf("no job for %s:\n%s", remote, describe(s))
	return JobStatus{}
}

func TestPartialNamesNeverMeetListedFiles(t *testing.T) {
	files := map[string]*ftptest.HostileFile{
		"/top/data.bin":        {Data: bytes.Repeat([]byte("D"), 300_000)},
		"/top/data.bin.part":   {Data: bytes.Repeat([]byte("P"), 200_000)},
		"/top/data.bin.1.part": {Data: []byte("one")},
	}
	h := ftptest.NewHostile(t, ftptest.HostileOptions{Files: files})
	for round := range 2 {
		dst := t.TempDir()
		if round == 1 {
			// A file of the same name as the partial already there,
			// with no record of being one: never resumed.
			os.WriteFile(filepath.Join(dst, "data.bin.part"), []byte("DDDD-not-a-part"), 0o644)
		}
		snap := run(t, Options{Dial: hostileSite(h), Workers: 3, Policy: Overwrite}, tree(dst))
		wantAll(t, snap, Done)
		got := readTree(t, dst)
		for name, f := range files {
			if !bytes.Equal(got[strings.TrimPrefix(name, "/top/")], f.Data) {
				t.Errorf("round %d: %s holds %d bytes, not the server's %d", round, name, len(got[strings.TrimPrefix(name, "/top/")]), len(f.Data))
			}
		}
		if len(got) != len(files) {
			t.Errorf("round %d: local tree has %d files, want %d (a partial left behind?)", round, len(got), len(files))
		}
	}
}

func TestStalePartialOfAReplacedFileStartsOver(t *testing.T) {
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	old := make([]byte, 4<<20)
	rand.Read(old)
	s.WriteFile(t, "big.bin", old)
	dst := t.TempDir()
	var log syncBuffer
	q := New(Options{Dial: site(s, throttled, logTo(&log)), PartialsDir: t.TempDir()})
	defer q.Close()
	id := q.Add(Spec{Site: "s", Direction: Download, Remote: "big.bin", LocalRoot: dst, Local: "big.bin"})[0]
	waitFor(t, q, id, "some bytes", func(j JobStatus) bool { return j.Done > 256<<10 })
	q.Cancel(id)
	waitFor(t, q, id, "the cancellation", func(j JobStatus) bool { return j.State == Cancelled })

	// The file is replaced by another of the same size.
	fresh := make([]byte, len(old))
	rand.Read(fresh)
	s.WriteFile(t, "big.bin", fresh)
	later := time.Now().Add(time.Hour).Truncate(time.Second)
	os.Chtimes(s.Path("big.bin"), later, later)

	q.Retry(id)
	j := waitFor(t, q, id, "the retry", func(j JobStatus) bool { return j.State.Finished() })
	if j.State != Done {
		t.Fatalf("retry: %s %s", j.State, j.Reason)
	}
	got, _ := os.ReadFile(filepath.Join(dst, "big.bin"))
	if sha256.Sum256(got) != sha256.Sum256(fresh) {
		t.Fatal("the download spliced the old partial with the new file")
	}
	if !strings.Contains(log.String(), "not proven to be of this file") {
		t.Error("the debug log does not say why the partial was dropped")
	}
}

func TestSameSizeSameTimeReplacementIsCaughtByTheServersHash(t *testing.T) {
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	old := make([]byte, 4<<20)
	rand.Read(old)
	s.WriteFile(t, "big.bin", old)
	stamp := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	os.Chtimes(s.Path("big.bin"), stamp, stamp)
	dst := t.TempDir()
	var log syncBuffer
	q := New(Options{Dial: site(s, throttled, logTo(&log)), PartialsDir: t.TempDir(), Retries: -1})
	defer q.Close()
	id := q.Add(Spec{Site: "s", Direction: Download, Remote: "big.bin", LocalRoot: dst, Local: "big.bin"})[0]
	waitFor(t, q, id, "some bytes", func(j JobStatus) bool { return j.Done > 256<<10 })
	q.Cancel(id)
	waitFor(t, q, id, "the cancellation", func(j JobStatus) bool { return j.State == Cancelled })

	fresh := bytes.Clone(old)
	for i := range 1000 { // the start changes: the partial holds it
		fresh[i] ^= 0xff
	}
	s.WriteFile(t, "big.bin", fresh)
	os.Chtimes(s.Path("big.bin"), stamp, stamp)

	q.Retry(id)
	j := waitFor(t, q, id, "the retry", func(j JobStatus) bool { return j.State.Finished() })
	if j.State != Failed || !strings.Contains(j.Reason, "checksum mismatch") {
		t.Fatalf("retry over a same-size same-time replacement: %s %q; want failed with a checksum mismatch", j.State, j.Reason)
	}
	if _, err := os.Stat(filepath.Join(dst, "big.bin")); err == nil {
		t.Error("a file that failed its checksum is under the final name")
	}
	if _, err := os.Stat(filepath.Join(dst, "big.bin.part")); err == nil {
		t.Error("a partial that failed its checksum was kept for resuming")
	}
	// Retried again, it starts over and verifies.
	q.Retry(id)
	j = waitFor(t, q, id, "the second retry", func(j JobStatus) bool { return j.State.Finished() })
	got, _ := os.ReadFile(filepath.Join(dst, "big.bin"))
	if j.State != Done || sha256.Sum256(got) != sha256.Sum256(fresh) {
		t.Fatalf("second retry: %s %q", j.State, j.Reason)
	}
	if !strings.Contains(log.String(), "SHA-256 verified with HASH") {
		t.Error("the debug log does not say which check verified the file")
	}
}

func TestDownloadsFailWhenTheDataDisagreesWithTheSize(t *testing.T) {
	h := ftptest.NewHostile(t, ftptest.HostileOptions{Files: map[string]*ftptest.HostileFile{
		"/top/early226": {Data: bytes.Repeat([]byte("e"), 1000), Send: 500},
		"/top/liar":     {Data: bytes.Repeat([]byte("l"), 500), Size: 1000, Announce: -1},
		"/top/endless":  {Data: []byte("abcdef"), Endless: true},
		"/top/fine":     {Data: []byte("fine")},
	}})
	dst := t.TempDir()
	snap := run(t, Options{Dial: hostileSite(h), Workers: 2, Policy: Overwrite, Retries: -1}, tree(dst))
	for _, name := range []string{"early226", "liar", "endless"} {
		j := jobFor(t, snap, "/top/"+name)
		if j.State != Failed {
			t.Errorf("%s: %s %q; want failed", name, j.State, j.Reason)
		}
		if j.Done > 1000 {
			t.Errorf("%s: %d bytes taken in", name, j.Done)
		}
	}
	got := readTree(t, dst)
	if len(got) != 1 || string(got["fine"]) != "fine" {
		t.Errorf("local tree %v; want only the file that was whole", keys(got))
	}
}

func TestFileFailingTheServersHashIsNotKept(t *testing.T) {
	h := ftptest.NewHostile(t, ftptest.HostileOptions{
		Features: []string{"MLST type*;size*;modify*;", "SIZE", "MDTM", "XSHA256"},
		Files: map[string]*ftptest.HostileFile{
			"/top/bad":  {Data: []byte("payload"), Hash: strings.Repeat("ab", 32)},
			"/top/good": {Data: []byte("payload")},
		},
	})
	dst := t.TempDir()
	snap := run(t, Options{Dial: hostileSite(h), Policy: Overwrite, Retries: -1}, tree(dst))
	if j := jobFor(t, snap, "/top/bad"); j.State != Failed || !strings.Contains(j.Reason, "checksum mismatch") {
		t.Errorf("bad: %s %q; want a checksum mismatch", j.State, j.Reason)
	}
	if j := jobFor(t, snap, "/top/good"); j.State != Done {
		t.Errorf("good: %s %q", j.State, j.Reason)
	}
	if got := readTree(t, dst); len(got) != 1 || got["good"] == nil {
		t.Errorf("local tree %v; want only good", keys(got))
	}
}

func TestFolderThatContainsItselfEndsTheWalk(t *testing.T) {
	for _, tc := range []struct {
		name     string
		features []string // nil: MLSD with unique facts
		want     string
	}{
		{"mlsd-unique", nil, "folder loop"},
		{"list-depth", []string{"SIZE", "MDTM"}, "deeper than 5 folders"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := ftptest.NewHostile(t, ftptest.HostileOptions{
				Features: tc.features,
				Files:    map[string]*ftptest.HostileFile{"/top/f": {Data: []byte("f")}},
				Links:    map[string]string{"/top/self": "/top"},
			})
			dst := t.TempDir()
			snap := run(t, Options{Dial: hostileSite(h), Policy: Overwrite, MaxDepth: 5}, tree(dst))
			failed := 0
			for _, j := range snap.Jobs {
				if j.State == Failed {
					failed++
					if !strings.Contains(j.Reason, tc.want) {
						t.Errorf("%s failed: %q; want %q", j.Remote, j.Reason, tc.want)
					}
				}
			}
			if failed != 1 || len(snap.Jobs) > 20 {
				t.Errorf("%d failures in %d jobs; want the one loop branch to fail\n%s", failed, len(snap.Jobs), describe(snap))
			}
		})
	}
}

func TestUnreadableFolderIsAFailureNotAnEmptyFolder(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	s.WriteFile(t, "d/ok.txt", []byte("ok"))
	s.WriteFile(t, "d/locked/secret.txt", []byte("secret"))
	if err := os.Chmod(s.Path("d/locked"), 0); err != nil {
		t.Fatal(err)
	}
	os.Chown(s.Path("d/locked"), 0, 0)
	t.Cleanup(func() { os.Chmod(s.Path("d/locked"), 0o755) })
	dst := t.TempDir()
	snap := run(t, Options{Dial: site(s), Policy: Overwrite, Retries: -1},
		Spec{Site: "s", Direction: Download, Remote: "d", LocalRoot: dst, Dir: true})
	j := jobFor(t, snap, "d/locked")
	if j.State != Failed {
		t.Errorf("unreadable folder: %s %q; want failed", j.State, j.Reason)
	}
	if jobFor(t, snap, "d/ok.txt").State != Done {
		t.Errorf("the readable file was not copied:\n%s", describe(snap))
	}
}

func TestNameListedTwiceIsCopiedOnce(t *testing.T) {
	h := ftptest.NewHostile(t, ftptest.HostileOptions{
		Files: map[string]*ftptest.HostileFile{"/top/a": {Data: []byte("a")}},
		Listings: map[string]func(w io.Writer){"/top": func(w io.Writer) {
			fmt.Fprint(w, "type=file;size=1;modify=20240102030405; a\r\ntype=file;size=1;modify=20240102030405; a\r\n")
		}},
	})
	dst := t.TempDir()
	snap := run(t, Options{Dial: hostileSite(h), Policy: Overwrite, Workers: 2}, tree(dst))
	if snap.Counts[Done] != 2 || snap.Counts[Skipped] != 1 { // the folder, a, and the duplicate
		t.Errorf("counts %v\n%s", snap.Counts, describe(snap))
	}
}

func keys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestHugeNestedListingsBecomeJobsAFewAtATime(t *testing.T) {
	const n, batch = 600, 100
	h := ftptest.NewHostile(t, ftptest.HostileOptions{
		Features: []string{"MLST type*;size*;modify*;", "SIZE", "MDTM"},
		Listings: map[string]func(io.Writer){"/top": ftptest.HugeListing(n, 4, "sub")},
		Links:    map[string]string{"/top/sub": "/top"}, // listed without a unique fact: it nests
		AnyFile:  &ftptest.HostileFile{Data: []byte("data")},
	})
	dst := t.TempDir()
	q := New(Options{Dial: hostileSite(h), Workers: 4, Policy: Overwrite, ForgetDone: true, MaxDepth: 1})
	q.lazyBatch = batch
	defer q.Close()
	q.Add(tree(dst))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	waited := make(chan error, 1)
	go func() { waited <- q.Wait(ctx) }()
	most := 0
	for done := false; !done; {
		select {
		case err := <-waited:
			if err != nil {
				t.Fatal(err)
			}
			done = true
		case <-q.Changed():
		}
		q.mu.Lock()
		most = max(most, len(q.jobs)-q.nForgotten) // the jobs held, not yet compacted away
		q.mu.Unlock()
	}
	if most > 3*batch {
		t.Errorf("the queue held %d jobs at once for folders of %d entries; want them made a batch at a time", most, n)
	}
	s := q.Snapshot()
	if s.Files[Done] != 2*n || s.Counts[Failed] != 1 {
		t.Errorf("%d files done, %d failed; want %d done over two levels and the third refused by MaxDepth\n%s", s.Files[Done], s.Counts[Failed], 2*n, describe(s))
	}
}

func TestUploadIsVerifiedWithTheServersHash(t *testing.T) {
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	src := t.TempDir()
	data := make([]byte, 300_000)
	rand.Read(data)
	os.WriteFile(filepath.Join(src, "up.bin"), data, 0o644)
	var log syncBuffer
	snap := run(t, Options{Dial: site(s, logTo(&log)), Policy: Overwrite},
		Spec{Site: "s", Direction: Upload, Remote: "up.bin", LocalRoot: src, Local: "up.bin"})
	wantAll(t, snap, Done)
	if !strings.Contains(log.String(), "up.bin: SHA-256 verified with HASH") {
		t.Errorf("the upload was not verified with the server's hash:\n%s", log.String())
	}
}

func TestUploadFailingTheServersHashFails(t *testing.T) {
	h := ftptest.NewHostile(t, ftptest.HostileOptions{Features: []string{"SIZE", "XSHA256"}, WrongHashes: true})
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "up.bin"), []byte("payload"), 0o644)
	snap := run(t, Options{Dial: hostileSite(h), Policy: Overwrite, Retries: -1},
		Spec{Site: "h", Direction: Upload, Remote: "/up.bin", LocalRoot: src, Local: "up.bin"})
	if j := snap.Jobs[0]; j.State != Failed || !strings.Contains(j.Reason, "checksum mismatch") {
		t.Errorf("upload the server hashes differently: %s %q; want failed with a checksum mismatch", j.State, j.Reason)
	}
}
