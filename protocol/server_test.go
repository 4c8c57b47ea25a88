package protocol_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// mode is one way to reach a server in the matrix.
type mode struct {
	name     string
	security protocol.Security
	maxTLS   uint16 // 0: newest
	active   bool
}

func modesFor(s *ftptest.Server) []mode {
	ms := []mode{{name: "plain", security: protocol.Plain}, {name: "plain-active", security: protocol.Plain, active: true}}
	if s.TLS {
		ms = append(ms,
			mode{name: "explicit", security: protocol.Explicit},
			mode{name: "explicit-tls12", security: protocol.Explicit, maxTLS: tls.VersionTLS12},
			mode{name: "explicit-active", security: protocol.Explicit, active: true},
		)
	}
	return ms
}

func dial(t *testing.T, s *ftptest.Server, m mode) *protocol.Conn {
	t.Helper()
	opts := protocol.Options{
		Security:  m.security,
		Active:    m.active,
		Timeout:   10 * time.Second,
		TLSConfig: &tls.Config{RootCAs: s.CertPool, ServerName: s.ServerName, MaxVersion: m.maxTLS},
	}
	if testing.Verbose() {
		opts.Debug, opts.DebugLevel = &testLog{t}, 2
	}
	ctx := context.Background()
	c, err := protocol.Dial(ctx, s.Addr, opts)
	if err != nil {
		t.Fatalf("dial %s: %v\nserver log:\n%s", s.Kind, err, s.Log())
	}
	if err := c.Login(ctx, s.User, s.Password); err != nil {
		t.Fatalf("login: %v\nserver log:\n%s", err, s.Log())
	}
	t.Cleanup(func() { c.Quit(context.Background()) })
	return c
}

type testLog struct{ t *testing.T }

func (l *testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// TestEngineAgainstRealServers runs every engine capability on each server
// in plain text and explicit TLS (TLS 1.3 and capped at 1.2), passive and
// active. TLS modes prove session reuse: vsftpd (require_ssl_reuse=YES)
// and proftpd refuse a data connection that does not resume the control
// connection's session.
func TestEngineAgainstRealServers(t *testing.T) {
	for _, kind := range ftptest.AllKinds {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			for _, m := range modesFor(s) {
				t.Run(m.name, func(t *testing.T) {
					exerciseEngine(t, s, m)
				})
			}
		})
	}
}

func exerciseEngine(t *testing.T, s *ftptest.Server, m mode) {
	ctx := context.Background()
	c := dial(t, s, m)
	if _, ok := c.TLSState(); ok != (m.security != protocol.Plain) {
		t.Fatalf("TLS state %v for %s", ok, m.name)
	}
	if c.Welcome() == "" {
		t.Error("empty welcome")
	}
	dir := "d-" + m.name
	start, err := c.CurrentDir(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.MakeDir(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if err := c.ChangeDir(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if wd, err := c.CurrentDir(ctx); err != nil || !strings.HasSuffix(wd, "/"+dir) {
		t.Fatalf("PWD after CWD = %q, %v", wd, err)
	}

	// Binary round trip, then SIZE and the announced size.
	data := randomBytes(t, 3<<20+17)
	if n, err := c.Store(ctx, "a file.bin", bytes.NewReader(data), 0); err != nil || n != int64(len(data)) {
		t.Fatalf("STOR: %d %v", n, err)
	}
	if size, err := c.Size(ctx, "a file.bin"); err != nil || size != int64(len(data)) {
		t.Fatalf("SIZE = %d, %v", size, err)
	}
	tr, err := c.Open(ctx, "a file.bin", 0)
	if err != nil {
		t.Fatal(err)
	}
	// vsftpd and proftpd announce "(N bytes)" in their 150 reply;
	// pure-ftpd says "3072.0 kbytes" and pyftpdlib nothing: unknown.
	announces := s.Kind == ftptest.VSFTPD || s.Kind == ftptest.ProFTPD
	if announced := tr.Size; (announces && announced != int64(len(data))) || (!announces && announced != -1) {
		t.Errorf("announced size %d, want %d", announced, len(data))
	}
	var got bytes.Buffer
	if _, err := io.Copy(&got, tr); err != nil || !bytes.Equal(got.Bytes(), data) {
		t.Fatalf("RETR: %d bytes, %v", got.Len(), err)
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	onDisk, err := os.ReadFile(s.Path(dir + "/a file.bin"))
	if err != nil || !bytes.Equal(onDisk, data) {
		t.Fatalf("the server's copy differs: %v", err)
	}

	// REST in both directions.
	half := int64(len(data) / 2)
	got.Reset()
	if _, err := c.Retrieve(ctx, "a file.bin", &got, half); err != nil || !bytes.Equal(got.Bytes(), data[half:]) {
		t.Fatalf("RETR from %d: %d bytes, %v", half, got.Len(), err)
	}
	if _, err := c.Store(ctx, "resumed.bin", bytes.NewReader(data[:half]), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Store(ctx, "resumed.bin", bytes.NewReader(data[half:]), half); err != nil {
		t.Fatalf("STOR with REST: %v", err)
	}
	if b, _ := os.ReadFile(s.Path(dir + "/resumed.bin")); !bytes.Equal(b, data) {
		t.Fatalf("resumed upload differs (%d of %d bytes)", len(b), len(data))
	}

	// APPE.
	if _, err := c.Store(ctx, "log.txt", strings.NewReader("one\n"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Append(ctx, "log.txt", strings.NewReader("two\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(s.Path(dir + "/log.txt")); string(b) != "one\ntwo\n" {
		t.Fatalf("after APPE: %q", b)
	}

	// A zero-byte upload must still finish its TLS handshake.
	if _, err := c.Store(ctx, "empty", bytes.NewReader(nil), 0); err != nil {
		t.Fatalf("empty STOR: %v", err)
	}
	if st, err := os.Stat(s.Path(dir + "/empty")); err != nil || st.Size() != 0 {
		t.Fatalf("empty file on server: %v", err)
	}

	// Line mode both ways.
	if err := c.StoreLines(ctx, "lines.txt", strings.NewReader("alpha\nbeta\r\ngamma")); err != nil {
		t.Fatal(err)
	}
	var lines []string
	if err := c.RetrieveLines(ctx, "lines.txt", func(l string) error { lines = append(lines, l); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(lines, []string{"alpha", "beta", "gamma"}) {
		t.Fatalf("lines = %q", lines)
	}

	// MDTM, and MFMT when offered.
	mt, err := c.ModTime(ctx, "a file.bin")
	if err != nil || time.Since(mt) > time.Hour || time.Since(mt) < -time.Hour {
		t.Fatalf("MDTM = %v, %v", mt, err)
	}
	if c.HasFeature("MFMT") {
		want := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
		if err := c.SetModTime(ctx, "a file.bin", want); err != nil {
			t.Fatal(err)
		}
		if mt, err := c.ModTime(ctx, "a file.bin"); err != nil || !mt.Equal(want) {
			t.Fatalf("MDTM after MFMT = %v, %v", mt, err)
		}
	}

	// Listings as raw lines.
	names, err := c.NameList(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"a file.bin", "resumed.bin", "log.txt", "empty", "lines.txt"} {
		if !slices.ContainsFunc(names, func(n string) bool { return n == want || strings.HasSuffix(n, "/"+want) }) {
			t.Errorf("NLST lacks %q: %q", want, names)
		}
	}
	var listing []string
	if err := c.Lines(ctx, "LIST", func(l string) error { listing = append(listing, l); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(listing, func(l string) bool { return strings.HasSuffix(l, " a file.bin") }) {
		t.Errorf("LIST lacks the file: %q", listing)
	}
	if c.HasFeature("MLST") {
		var facts []string
		if err := c.Lines(ctx, "MLSD", func(l string) error { facts = append(facts, l); return nil }); err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(facts, func(l string) bool {
			return strings.HasSuffix(l, "; a file.bin") && strings.Contains(strings.ToLower(l), fmt.Sprintf("size=%d;", len(data)))
		}) {
			t.Errorf("MLSD lacks the file with its size: %q", facts)
		}
		line, err := c.MLST(ctx, "a file.bin")
		if err != nil || !strings.Contains(strings.ToLower(line), "type=file;") {
			t.Errorf("MLST = %q, %v", line, err)
		}
	}

	// Permissions, rename, delete, and errors classed as permanent.
	if err := c.Chmod(ctx, "log.txt", 0o600); err != nil {
		t.Errorf("SITE CHMOD: %v", err)
	} else if st, err := os.Stat(s.Path(dir + "/log.txt")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode after SITE CHMOD: %v %v", st.Mode(), err)
	}
	if err := c.Rename(ctx, "log.txt", "renamed.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Path(dir + "/renamed.txt")); err != nil {
		t.Fatal(err)
	}
	var ferr *protocol.Error
	if _, err := c.Size(ctx, "no such file"); !errors.As(err, &ferr) || !errors.Is(err, protocol.ErrPermanent) {
		t.Fatalf("SIZE of a missing file: %v", err)
	}
	for _, f := range []string{"a file.bin", "resumed.bin", "renamed.txt", "empty", "lines.txt"} {
		if err := c.Delete(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.ChangeDirUp(ctx); err != nil {
		t.Fatal(err)
	}
	if wd, err := c.CurrentDir(ctx); err != nil || wd != start {
		t.Fatalf("PWD after CDUP = %q, %v; want %q", wd, err, start)
	}
	if err := c.RemoveDir(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Path(dir)); !os.IsNotExist(err) {
		t.Fatalf("directory still there: %v", err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
	if r, err := c.Cmd(ctx, "SYST"); err != nil || r.Code != 215 {
		t.Errorf("SYST: %v %v", r, err)
	}
	if r, err := c.CmdExpect(ctx, "FOOBAR", 2); !errors.Is(err, protocol.ErrPermanent) {
		t.Errorf("unknown command: %v %v", r, err)
	}
}

// TestAbortMidTransferKeepsControlInStep aborts a download in progress on
// every server; afterwards a NOOP must get its own 200 and another
// transfer must work.
func TestAbortMidTransferKeepsControlInStep(t *testing.T) {
	type server struct {
		name string
		kind ftptest.Kind
		opts ftptest.Options
	}
	servers := []server{{"vsftpd-async-abor", ftptest.VSFTPD, ftptest.Options{AsyncAbort: true}}}
	for _, k := range ftptest.AllKinds {
		servers = append(servers, server{string(k), k, ftptest.Options{}})
	}
	for _, sv := range servers {
		t.Run(sv.name, func(t *testing.T) {
			s := ftptest.Start(t, sv.kind, sv.opts)
			big := randomBytes(t, 64<<20)
			s.WriteFile(t, "big.bin", big)
			s.WriteFile(t, "small.txt", []byte("still works"))
			for _, m := range modesFor(s) {
				if m.active {
					continue
				}
				t.Run(m.name, func(t *testing.T) {
					ctx := context.Background()
					c := dial(t, s, m)
					tr, err := c.Open(ctx, "big.bin", 0)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := io.ReadFull(tr, make([]byte, 1<<20)); err != nil {
						t.Fatal(err)
					}
					if err := tr.Abort(); err != nil {
						t.Fatalf("abort: %v\n%s", err, s.Log())
					}
					r, err := c.Cmd(ctx, "NOOP")
					if err != nil || r.Code != 200 {
						t.Fatalf("NOOP after abort: %v %v", r, err)
					}
					var b bytes.Buffer
					if _, err := c.Retrieve(ctx, "small.txt", &b, 0); err != nil || b.String() != "still works" {
						t.Fatalf("transfer after abort: %q %v", b.String(), err)
					}
				})
			}
		})
	}
}

// TestImplicitTLS connects with TLS from the first byte.
func TestImplicitTLS(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{Implicit: true})
	s.WriteFile(t, "hello.txt", []byte("implicit hello"))
	c := dial(t, s, mode{name: "implicit", security: protocol.Implicit})
	var b bytes.Buffer
	if _, err := c.Retrieve(context.Background(), "hello.txt", &b, 0); err != nil || b.String() != "implicit hello" {
		t.Fatalf("%q %v", b.String(), err)
	}
	if _, err := c.Store(context.Background(), "up.txt", strings.NewReader("up"), 0); err != nil {
		t.Fatal(err)
	}
}

// TestDataConnectionsResumeTheControlSession checks the property strict
// servers enforce, from the client side, many times in a row and after
// uploads (where TLS 1.3 tickets arrive on the data connection).
func TestDataConnectionsResumeTheControlSession(t *testing.T) {
	for _, kind := range []ftptest.Kind{ftptest.VSFTPD, ftptest.ProFTPD, ftptest.PureFTPD} {
		for _, maxTLS := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
			t.Run(fmt.Sprintf("%s/%s", kind, tls.VersionName(maxTLS)), func(t *testing.T) {
				s := ftptest.Start(t, kind, ftptest.Options{})
				c := dial(t, s, mode{security: protocol.Explicit, maxTLS: maxTLS})
				ctx := context.Background()
				for i := range 6 {
					name := fmt.Sprintf("f%d", i)
					if _, err := c.Store(ctx, name, strings.NewReader(name), 0); err != nil {
						t.Fatalf("upload %d: %v\n%s", i, err, s.Log())
					}
					var b bytes.Buffer
					if _, err := c.Retrieve(ctx, name, &b, 0); err != nil || b.String() != name {
						t.Fatalf("download %d: %q %v\n%s", i, b.String(), err, s.Log())
					}
				}
				st, _ := c.TLSState()
				if st.Version != maxTLS && maxTLS == tls.VersionTLS12 {
					t.Fatalf("negotiated %s", tls.VersionName(st.Version))
				}
			})
		}
	}
}
