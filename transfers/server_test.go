package transfers

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// Tests against real servers. Each starts its own server with ftptest.

// site returns a Dial for s over TLS when s offers it. opts may change the
// engine options (a throttled dialer, a debug log).
func site(s *ftptest.Server, opts ...func(*protocol.Options)) func(context.Context, string) (*protocol.Conn, error) {
	return func(ctx context.Context, _ string) (*protocol.Conn, error) {
		o := protocol.Options{Security: protocol.Plain, Timeout: 10 * time.Second}
		if s.TLS {
			o.Security = protocol.Explicit
			o.TLSConfig = &tls.Config{RootCAs: s.CertPool, ServerName: s.ServerName}
		}
		for _, f := range opts {
			f(&o)
		}
		c, err := protocol.Dial(ctx, s.Addr, o)
		if err != nil {
			return nil, err
		}
		if err := c.Login(ctx, s.User, s.Password); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	}
}

// sampleTree is the tree the mirror tests copy both ways: nested
// directories, spaces, UTF-8, a dot-file, an empty file and one large
// enough to take several reads.
func sampleTree(t *testing.T) map[string][]byte {
	big := make([]byte, 700<<10)
	rand.Read(big)
	return map[string][]byte{
		"top.txt":                          []byte("top level\n"),
		".hidden":                          []byte("dot-file\n"),
		"empty.txt":                        {},
		"dir with spaces/file with spaces": []byte("spaces\n"),
		"dir with spaces/ünïcödé-名前.txt":   []byte("utf-8\n"),
		"a/b/c/deep.bin":                   big,
		"a/b/sibling.txt":                  []byte("sibling\n"),
	}
}

// readTree returns the regular files under dir, by '/'-separated path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(t *testing.T, got, want map[string][]byte) {
	t.Helper()
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s missing", name)
		case !bytes.Equal(g, w):
			t.Errorf("%s: %d bytes, want %d (sha256 %x, want %x)", name, len(g), len(w), sha256.Sum256(g), sha256.Sum256(w))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected %s", name)
		}
	}
}

// run adds specs to a fresh queue, waits for it and returns the final
// snapshot.
func run(t *testing.T, opts Options, specs ...Spec) Snapshot {
	t.Helper()
	q := New(opts)
	defer q.Close()
	q.Add(specs...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := q.Wait(ctx); err != nil {
		t.Fatalf("queue did not finish: %v\n%s", err, describe(q.Snapshot()))
	}
	return q.Snapshot()
}

// describe lists a snapshot's jobs for failure messages.
func describe(s Snapshot) string {
	var b strings.Builder
	for _, j := range s.Jobs {
		fmt.Fprintf(&b, "  #%d %s %s remote=%q local=%q %d/%d %s\n", j.ID, j.State, j.Direction, j.Remote, j.Local, j.Done, j.Total, j.Reason)
	}
	return b.String()
}

func wantAll(t *testing.T, s Snapshot, states ...State) {
	t.Helper()
	for _, j := range s.Jobs {
		ok := false
		for _, st := range states {
			ok = ok || j.State == st
		}
		if !ok {
			t.Errorf("job #%d %s %q is %s: %s", j.ID, j.Direction, j.Remote, j.State, j.Reason)
		}
	}
}

var mirrorKinds = []ftptest.Kind{ftptest.VSFTPD, ftptest.ProFTPD, ftptest.Pyftpdlib}

func TestMirrorDownloadCopiesNestedTreeKeepingTimes(t *testing.T) {
	for _, kind := range mirrorKinds {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			tree := sampleTree(t)
			for name, data := range tree {
				s.WriteFile(t, "src/"+name, data)
			}
			old := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
			os.Chtimes(s.Path("src/a/b/c/deep.bin"), old, old)
			os.Mkdir(s.Path("src/empty dir"), 0o755)
			s.Chown(s.Path("src/empty dir"))

			dst := t.TempDir()
			snap := run(t, Options{Dial: site(s), Workers: 3, Policy: OverwriteIfNewer},
				Spec{Site: "s", Direction: Download, Remote: "src", LocalRoot: dst, Dir: true})
			wantAll(t, snap, Done)
			sameTree(t, readTree(t, dst), tree)
			if fi, err := os.Stat(filepath.Join(dst, "empty dir")); err != nil || !fi.IsDir() {
				t.Errorf("empty directory not created: %v", err)
			}
			if fi, err := os.Stat(filepath.Join(dst, "a/b/c/deep.bin")); err != nil || !fi.ModTime().Equal(old) {
				t.Errorf("deep.bin mtime %v, want %v (%v)", fi.ModTime(), old, err)
			}
			if snap.Done != snap.Total || snap.Total != int64(700<<10+10+9+7+6+8) {
				t.Errorf("totals %d/%d", snap.Done, snap.Total)
			}

			// A second run finds everything up to date.
			snap = run(t, Options{Dial: site(s), Policy: OverwriteIfNewer},
				Spec{Site: "s", Direction: Download, Remote: "src", LocalRoot: dst, Dir: true})
			for _, j := range snap.Jobs {
				if !j.Dir && j.State != Skipped {
					t.Errorf("second run: %q is %s, want skipped (%s)", j.Remote, j.State, j.Reason)
				}
			}
		})
	}
}

func TestMirrorUploadCopiesNestedTreeKeepingTimes(t *testing.T) {
	for _, kind := range mirrorKinds {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			src := t.TempDir()
			tree := sampleTree(t)
			for name, data := range tree {
				p := filepath.Join(src, filepath.FromSlash(name))
				os.MkdirAll(filepath.Dir(p), 0o755)
				os.WriteFile(p, data, 0o644)
			}
			old := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
			os.Chtimes(filepath.Join(src, "a/b/c/deep.bin"), old, old)

			// Into a directory whose parent does not exist yet.
			snap := run(t, Options{Dial: site(s), Workers: 3, Policy: OverwriteIfNewer},
				Spec{Site: "s", Direction: Upload, Remote: "backup/tree", LocalRoot: src, Dir: true})
			wantAll(t, snap, Done)
			sameTree(t, readTree(t, s.Path("backup/tree")), tree)
			fi, err := os.Stat(s.Path("backup/tree/a/b/c/deep.bin"))
			if err != nil {
				t.Fatal(err)
			}
			if c, _ := site(s)(context.Background(), ""); c != nil {
				if c.HasFeature("MFMT") && !fi.ModTime().Equal(old) {
					t.Errorf("server mtime %v, want %v", fi.ModTime(), old)
				}
				c.Quit(context.Background())
			}

			// Again: nothing to send.
			snap = run(t, Options{Dial: site(s), Policy: OverwriteIfNewer},
				Spec{Site: "s", Direction: Upload, Remote: "backup/tree", LocalRoot: src, Dir: true})
			for _, j := range snap.Jobs {
				if !j.Dir && j.State != Skipped {
					t.Errorf("second run: %q is %s, want skipped (%s)", j.Remote, j.State, j.Reason)
				}
			}
		})
	}
}

// throttled slows every connection down to about 16 KiB per millisecond,
// so that a test can act in the middle of a transfer.
func throttled(o *protocol.Options) {
	o.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return slowConn{c}, nil
	}
}

type slowConn struct{ net.Conn }

const slowChunk = 16 << 10

func (c slowConn) Read(p []byte) (int, error) {
	time.Sleep(time.Millisecond)
	return c.Conn.Read(p[:min(len(p), slowChunk)])
}

func (c slowConn) Write(p []byte) (int, error) {
	var n int
	for len(p) > 0 {
		time.Sleep(time.Millisecond)
		m, err := c.Conn.Write(p[:min(len(p), slowChunk)])
		n += m
		if err != nil {
			return n, err
		}
		p = p[m:]
	}
	return n, nil
}

// syncBuffer collects a debug log written from several workers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func logTo(b *syncBuffer) func(*protocol.Options) {
	return func(o *protocol.Options) { o.Debug, o.DebugLevel = b, 1 }
}

// waitFor polls the queue until cond holds for the job.
func waitFor(t *testing.T, q *Queue, id ID, what string, cond func(JobStatus) bool) JobStatus {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, j := range q.Snapshot().Jobs {
			if j.ID == id && cond(j) {
				return j
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s:\n%s", what, describe(q.Snapshot()))
	return JobStatus{}
}

func TestDownloadResumesAfterServerIsKilledAndRestarted(t *testing.T) {
	for _, kind := range []ftptest.Kind{ftptest.VSFTPD, ftptest.Pyftpdlib} {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			// Larger than what socket buffers hold, so the kill loses data.
			data := make([]byte, 32<<20)
			rand.Read(data)
			s.WriteFile(t, "big.bin", data)
			dst := t.TempDir()
			var log syncBuffer
			q := New(Options{Dial: site(s, throttled, logTo(&log)), RetryDelay: 100 * time.Millisecond, Retries: 20})
			defer q.Close()
			id := q.Add(Spec{Site: "s", Direction: Download, Remote: "big.bin", LocalRoot: dst, Local: "big.bin"})[0]

			final := filepath.Join(dst, "big.bin")
			waitFor(t, q, id, "a quarter of the file", func(j JobStatus) bool {
				if _, err := os.Stat(final); err == nil {
					t.Fatal("the final name exists before the download completed")
				}
				return j.Done > int64(len(data)/4)
			})
			if err := s.Restart(); err != nil {
				t.Fatal(err)
			}
			for {
				snap := q.Snapshot()
				if !snap.Pending() {
					break
				}
				if snap.Jobs[0].Done < int64(len(data)) {
					if _, err := os.Stat(final); err == nil {
						t.Fatal("the final name exists before the download completed")
					}
				}
				time.Sleep(2 * time.Millisecond)
			}
			j := q.Snapshot().Jobs[0]
			if j.State != Done || j.Attempts < 2 {
				t.Fatalf("job %s after %d attempts: %s", j.State, j.Attempts, j.Reason)
			}
			got, err := os.ReadFile(final)
			if err != nil || sha256.Sum256(got) != sha256.Sum256(data) {
				t.Fatalf("sha256 differs (%d bytes, %v)", len(got), err)
			}
			if !strings.Contains(log.String(), "> REST ") {
				t.Errorf("the retry did not resume with REST:\n%s", log.String())
			}
			if _, err := os.Stat(final + ".part"); err == nil {
				t.Error("the .part remains")
			}
		})
	}
}

func TestUploadResumesAfterServerIsKilledAndRestarted(t *testing.T) {
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	src := t.TempDir()
	data := make([]byte, 4<<20)
	rand.Read(data)
	os.WriteFile(filepath.Join(src, "up.bin"), data, 0o644)
	var log syncBuffer
	q := New(Options{Dial: site(s, throttled, logTo(&log)), RetryDelay: 100 * time.Millisecond, Retries: 20, Policy: Ask})
	defer q.Close()
	id := q.Add(Spec{Site: "s", Direction: Upload, Remote: "up.bin", LocalRoot: src, Local: "up.bin"})[0]
	waitFor(t, q, id, "a quarter of the file", func(j JobStatus) bool { return j.Done > int64(len(data)/4) })
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	j := waitFor(t, q, id, "the end", func(j JobStatus) bool { return j.State.Finished() || j.State == Conflict })
	if j.State != Done {
		t.Fatalf("job %s: %s", j.State, j.Reason)
	}
	got, _ := os.ReadFile(s.Path("up.bin"))
	if sha256.Sum256(got) != sha256.Sum256(data) {
		t.Fatalf("server has %d bytes, sha256 differs", len(got))
	}
	if !strings.Contains(log.String(), "> REST ") {
		t.Errorf("the retry did not resume with REST")
	}
}

func TestPermissionDeniedFileFailsAloneWhileTheRestFinish(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	for i := range 6 {
		s.WriteFile(t, fmt.Sprintf("d/f%d.txt", i), []byte(strings.Repeat("x", i)))
	}
	if err := os.Chmod(s.Path("d/f3.txt"), 0); err != nil {
		t.Fatal(err)
	}
	os.Chown(s.Path("d/f3.txt"), 0, 0) // root's, unreadable for the server's user
	dst := t.TempDir()
	snap := run(t, Options{Dial: site(s), Workers: 2, Policy: Overwrite, RetryDelay: 10 * time.Millisecond},
		Spec{Site: "s", Direction: Download, Remote: "d", LocalRoot: dst, Dir: true})
	for _, j := range snap.Jobs {
		switch {
		case j.Remote == "d/f3.txt":
			if j.State != Failed || !strings.Contains(j.Reason, "550") || j.Attempts != 1 {
				t.Errorf("f3: %s after %d attempts: %q; want failed at once with the 550 reply", j.State, j.Attempts, j.Reason)
			}
		case j.State != Done:
			t.Errorf("%s: %s %s", j.Remote, j.State, j.Reason)
		}
	}
	if _, err := os.Stat(filepath.Join(dst, "f3.txt.part")); err == nil {
		t.Error("an empty .part was left for the refused file")
	}
	if snap.Counts[Done] != 6 || snap.Counts[Failed] != 1 {
		t.Errorf("counts %v", snap.Counts)
	}
}

func TestCancelAbortsAndLeavesAPartThatRetryResumes(t *testing.T) {
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	data := make([]byte, 4<<20)
	rand.Read(data)
	s.WriteFile(t, "big.bin", data)
	dst := t.TempDir()
	var log syncBuffer
	q := New(Options{Dial: site(s, throttled, logTo(&log))})
	defer q.Close()
	id := q.Add(Spec{Site: "s", Direction: Download, Remote: "big.bin", LocalRoot: dst, Local: "big.bin"})[0]
	waitFor(t, q, id, "some bytes", func(j JobStatus) bool { return j.Done > 256<<10 })
	if err := q.Cancel(id); err != nil {
		t.Fatal(err)
	}
	j := waitFor(t, q, id, "the cancellation", func(j JobStatus) bool { return j.State != Active })
	if j.State != Cancelled {
		t.Fatalf("state %s: %s", j.State, j.Reason)
	}
	if !strings.Contains(log.String(), "> ABOR") {
		t.Error("no ABOR sent")
	}
	fi, err := os.Stat(filepath.Join(dst, "big.bin.part"))
	if err != nil || fi.Size() == 0 || fi.Size() >= int64(len(data)) {
		t.Fatalf("part: %v %v", fi, err)
	}
	if _, err := os.Stat(filepath.Join(dst, "big.bin")); err == nil {
		t.Fatal("final name exists after cancel")
	}
	if err := q.Retry(id); err != nil {
		t.Fatal(err)
	}
	j = waitFor(t, q, id, "the retry", func(j JobStatus) bool { return j.State.Finished() })
	if j.State != Done {
		t.Fatalf("retry: %s %s", j.State, j.Reason)
	}
	if !strings.Contains(log.String(), fmt.Sprintf("> REST %d", fi.Size())) {
		t.Errorf("the retry did not continue from the part's %d bytes", fi.Size())
	}
	got, _ := os.ReadFile(filepath.Join(dst, "big.bin"))
	if sha256.Sum256(got) != sha256.Sum256(data) {
		t.Fatal("sha256 differs")
	}
}

func TestUnsafeNamesAndSymlinksFromTheServerAreNeverWritten(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	s.WriteFile(t, "d/ok.txt", []byte("ok"))
	s.WriteFile(t, `d/back\slash.txt`, []byte("unsafe on Windows"))
	if err := os.Symlink("/etc", s.Path("d/etc-link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("ok.txt", s.Path("d/inner-link")); err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	snap := run(t, Options{Dial: site(s), Policy: Overwrite},
		Spec{Site: "s", Direction: Download, Remote: "d", LocalRoot: dst, Dir: true})
	reasons := map[string]string{}
	for _, j := range snap.Jobs {
		reasons[j.Remote] = j.State.String() + ": " + j.Reason
	}
	for remote, want := range map[string]string{
		`d/back\slash.txt`: "skipped: unsafe name",
		"d/etc-link":       "skipped: symbolic link",
		"d/inner-link":     "skipped: symbolic link",
		"d/ok.txt":         "done",
	} {
		if !strings.HasPrefix(reasons[remote], want) {
			t.Errorf("%s: %q, want %q", remote, reasons[remote], want)
		}
	}
	if got := readTree(t, dst); len(got) != 1 || string(got["ok.txt"]) != "ok" {
		t.Errorf("local tree: %v", got)
	}
}

func TestAskPolicyWaitsForResolve(t *testing.T) {
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	s.WriteFile(t, "a.txt", []byte("new content"))
	s.WriteFile(t, "b.txt", []byte("bbb"))
	dst := t.TempDir()
	os.WriteFile(filepath.Join(dst, "a.txt"), []byte("old"), 0o644)
	os.WriteFile(filepath.Join(dst, "b.txt"), []byte("old"), 0o644)
	q := New(Options{Dial: site(s)})
	defer q.Close()
	ids := q.Add(
		Spec{Site: "s", Direction: Download, Remote: "a.txt", LocalRoot: dst, Local: "a.txt"},
		Spec{Site: "s", Direction: Download, Remote: "b.txt", LocalRoot: dst, Local: "b.txt"},
	)
	j := waitFor(t, q, ids[0], "the conflict", func(j JobStatus) bool { return j.State == Conflict })
	if j.Conflict.Exists.Size != 3 || j.Conflict.Source.Size != 11 || j.Conflict.Target != "a.txt" {
		t.Errorf("conflict info %+v", j.Conflict)
	}
	waitFor(t, q, ids[1], "the second conflict", func(j JobStatus) bool { return j.State == Conflict })
	if err := q.Resolve(ids[0], RenameNew, false); err != nil {
		t.Fatal(err)
	}
	j = waitFor(t, q, ids[0], "the rename", func(j JobStatus) bool { return j.State == Done })
	if j.Local != "a (1).txt" {
		t.Errorf("renamed to %q", j.Local)
	}
	if err := q.Resolve(ids[1], Overwrite, true); err != nil {
		t.Fatal(err)
	}
	waitFor(t, q, ids[1], "the overwrite", func(j JobStatus) bool { return j.State == Done })
	got := readTree(t, dst)
	if string(got["a.txt"]) != "old" || string(got["a (1).txt"]) != "new content" || string(got["b.txt"]) != "bbb" {
		t.Errorf("tree %q", got)
	}
	// "Apply to all" was for that batch: a later copy asks again.
	os.WriteFile(filepath.Join(dst, "c.txt"), []byte("old"), 0o644)
	later := q.Add(Spec{Site: "s", Direction: Download, Remote: "b.txt", LocalRoot: dst, Local: "c.txt"})[0]
	waitFor(t, q, later, "a later copy's own conflict", func(j JobStatus) bool { return j.State == Conflict })
	if q.Snapshot().Policy != Ask {
		t.Errorf("apply to all changed the queue's policy to %s", q.Snapshot().Policy)
	}
}

// countingConn tracks how many connections are open.
type countingConn struct {
	net.Conn
	open *atomic.Int64
	once sync.Once
}

func (c *countingConn) Close() error {
	c.once.Do(func() { c.open.Add(-1) })
	return c.Conn.Close()
}

func TestWorkersKeepTheirConnectionWhileBusyAndCloseItWhenIdle(t *testing.T) {
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	for i := range 5 {
		s.WriteFile(t, fmt.Sprintf("f%d", i), []byte("x"))
	}
	var open, dials atomic.Int64
	counting := func(o *protocol.Options) {
		o.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			var d net.Dialer
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			open.Add(1)
			return &countingConn{Conn: c, open: &open}, nil
		}
	}
	dial := site(s, counting)
	q := New(Options{Dial: func(ctx context.Context, site string) (*protocol.Conn, error) {
		dials.Add(1)
		return dial(ctx, site)
	}, Workers: 1, IdleTimeout: 300 * time.Millisecond, Policy: Overwrite})
	defer q.Close()
	dst := t.TempDir()
	for i := range 5 {
		q.Add(Spec{Site: "s", Direction: Download, Remote: fmt.Sprintf("f%d", i), LocalRoot: dst, Local: fmt.Sprintf("f%d", i)})
	}
	wait(t, q)
	if n := dials.Load(); n != 1 {
		t.Errorf("%d logins for 5 files on one worker, want 1", n)
	}
	if n := open.Load(); n != 1 {
		t.Errorf("%d connections open right after the queue emptied, want the worker's 1", n)
	}
	time.Sleep(time.Second)
	if n := open.Load(); n != 0 {
		t.Errorf("%d connections open after the idle timeout, want 0", n)
	}
	q.Add(Spec{Site: "s", Direction: Download, Remote: "f0", LocalRoot: dst, Local: "again"})
	wait(t, q)
	if n := dials.Load(); n != 2 {
		t.Errorf("%d logins after new work, want 2", n)
	}
}
