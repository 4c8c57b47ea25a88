package panes

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/protocol/ftptest"
	"ferry/protocol/listing"
)

func remoteFor(t *testing.T, s *ftptest.Server) *Remote {
	t.Helper()
	opts := protocol.Options{Security: protocol.Plain, Timeout: 10 * time.Second}
	if s.TLS {
		opts = protocol.Options{TLSConfig: &tls.Config{RootCAs: s.CertPool}, Timeout: 10 * time.Second}
	}
	dial := func(ctx context.Context) (*protocol.Conn, error) {
		c, err := protocol.Dial(ctx, s.Addr, opts)
		if err != nil {
			return nil, err
		}
		if err := c.Login(ctx, s.User, s.Password); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	}
	c, err := dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRemote(c, dial, "test", "", s.TLS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

func entryNames(entries []listing.Entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Name)
	}
	slices.Sort(out)
	return out
}

// TestRemoteFileOperationsOnRealServers runs what the pane keys do (list,
// mkdir, upload, download, rename, chmod, recursive copy and delete)
// through Remote on every server.
func TestRemoteFileOperationsOnRealServers(t *testing.T) {
	for _, kind := range ftptest.AllKinds {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			s.WriteFile(t, "tree/a.txt", []byte("aaa"))
			s.WriteFile(t, "tree/sub/b.txt", []byte("bbbb"))
			r := remoteFor(t, s)
			ctx := context.Background()
			home, _ := r.Home(ctx)
			tree := r.Join(home, "tree")

			if err := r.Mkdir(ctx, r.Join(home, "made")); err != nil {
				t.Fatal(err)
			}
			w, err := r.Create(ctx, r.Join(home, "made/up.txt"))
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(w, "uploaded")
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if err := r.Rename(ctx, r.Join(home, "made/up.txt"), r.Join(home, "made/renamed.txt")); err != nil {
				t.Fatal(err)
			}
			if err := r.Chmod(ctx, r.Join(home, "made/renamed.txt"), 0o600); err != nil {
				t.Fatal(err)
			}
			rd, err := r.Open(ctx, r.Join(home, "made/renamed.txt"))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(rd)
			if err := rd.Close(); err != nil || string(got) != "uploaded" {
				t.Fatalf("download %q %v", got, err)
			}

			// Copy a tree within the server (into made/) over a second
			// connection, and delete the original.
			entries, err := r.List(ctx, home)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(entries, func(e listing.Entry) bool { return e.Name == "tree" })
			if err := Copy(ctx, r, tree, r, r.Join(home, "made"), entries[i], nil); !errors.Is(err, ErrOneConnection) {
				t.Fatalf("copy over one connection: %v, want ErrOneConnection", err)
			}
			if err := Copy(ctx, r, tree, remoteFor(t, s), r.Join(home, "made"), entries[i], nil); err != nil {
				t.Fatal(err)
			}
			if err := RemoveAll(ctx, r, tree, entries[i]); err != nil {
				t.Fatal(err)
			}
			top, _ := r.List(ctx, home)
			inner, _ := r.List(ctx, r.Join(home, "made/tree/sub"))
			if !slices.Equal(entryNames(top), []string{"made"}) || !slices.Equal(entryNames(inner), []string{"b.txt"}) {
				t.Fatalf("top %q, made/tree/sub %q", entryNames(top), entryNames(inner))
			}
		})
	}
}

// TestRemoteRedialsAfterTheConnectionDrops breaks the browsing
// connection under the Remote; the next listing dials again and shows
// the same directory.
func TestRemoteRedialsAfterTheConnectionDrops(t *testing.T) {
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	s.WriteFile(t, "dir/x.txt", []byte("x"))
	r := remoteFor(t, s)
	ctx := context.Background()
	home, _ := r.Home(ctx)
	if _, err := r.List(ctx, r.Join(home, "dir")); err != nil {
		t.Fatal(err)
	}
	r.conn.Close() // as if the server had gone away
	entries, err := r.List(ctx, r.Join(home, "dir"))
	if err != nil || !slices.Equal(entryNames(entries), []string{"x.txt"}) {
		t.Fatalf("after the drop: %q %v", entryNames(entries), err)
	}
	if st := r.State(); !st.Connected || !strings.HasPrefix(st.TLSVersion, "TLS") {
		t.Fatalf("state %+v", st)
	}
}

// TestAbortingAPartialReadKeepsTheConnection reads the start of a large
// file, aborts the rest, and goes on browsing on the same connection.
func TestAbortingAPartialReadKeepsTheConnection(t *testing.T) {
	for _, kind := range []ftptest.Kind{ftptest.ProFTPD, ftptest.VSFTPD} {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			s.WriteFile(t, "big.bin", make([]byte, 32<<20))
			r := remoteFor(t, s)
			ctx := context.Background()
			home, _ := r.Home(ctx)
			rd, err := r.Open(ctx, r.Join(home, "big.bin"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadFull(rd, make([]byte, 1<<20)); err != nil {
				t.Fatal(err)
			}
			if err := rd.(interface{ Abort() error }).Abort(); err != nil {
				t.Fatalf("abort: %v\n%s", err, s.Log())
			}
			conn := r.conn
			if _, err := r.List(ctx, home); err != nil || r.conn != conn {
				t.Fatalf("after the abort: %v (same connection: %v)", err, r.conn == conn)
			}
		})
	}
}

func TestRemoteRenameRefusesToReplaceAnExistingName(t *testing.T) {
	for _, kind := range []ftptest.Kind{ftptest.VSFTPD, ftptest.ProFTPD} { // both rename over a file silently
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			s.WriteFile(t, "a.txt", []byte("aaa"))
			s.WriteFile(t, "b.txt", []byte("bbb"))
			s.WriteFile(t, "dir/x", []byte("x"))
			r := remoteFor(t, s)
			ctx := context.Background()
			home, _ := r.Home(ctx)
			for _, to := range []string{"b.txt", "dir"} {
				err := r.Rename(ctx, r.Join(home, "a.txt"), r.Join(home, to))
				if !errors.Is(err, fs.ErrExist) {
					t.Errorf("rename onto existing %s: %v; want fs.ErrExist", to, err)
				}
			}
			if got, _ := os.ReadFile(s.Path("b.txt")); string(got) != "bbb" {
				t.Errorf("b.txt now holds %q", got)
			}
			if err := r.Rename(ctx, r.Join(home, "a.txt"), r.Join(home, "c.txt")); err != nil {
				t.Errorf("rename to a free name: %v", err)
			}
		})
	}
}

// TestQuoteSendsARawCommandAndRefusesOnesThatDisturbTheSession sends
// commands as lftp's quote does, on a real server, and checks the browsing
// connection still works after a refused and a failed one.
func TestQuoteSendsARawCommandAndRefusesOnesThatDisturbTheSession(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	s.WriteFile(t, "f.txt", []byte("12345"))
	r := remoteFor(t, s)
	ctx := context.Background()
	home, _ := r.Home(ctx)
	for _, tc := range []struct {
		line, reply string
		refused     bool
		failed      bool
	}{
		{line: "SIZE " + r.Join(home, "f.txt"), reply: "213 5"},
		{line: "syst", reply: "215 "},
		{line: "LIST", refused: true},
		{line: "pasv", refused: true},
		{line: "AUTH TLS", refused: true},
		{line: "SIZE " + r.Join(home, "missing"), failed: true, reply: "550"},
	} {
		reply, err := r.Quote(ctx, tc.line)
		switch {
		case tc.refused:
			if !errors.Is(err, ErrQuoteRefused) {
				t.Errorf("%q: %q, %v; want it refused", tc.line, reply, err)
			}
		case tc.failed:
			if err == nil || !strings.HasPrefix(reply, tc.reply) {
				t.Errorf("%q: %q, %v; want a %s error", tc.line, reply, err, tc.reply)
			}
		default:
			if err != nil || !strings.HasPrefix(reply, tc.reply) {
				t.Errorf("%q: %q, %v; want %q…", tc.line, reply, err, tc.reply)
			}
		}
	}
	if _, err := r.List(ctx, home); err != nil {
		t.Fatalf("browsing after raw commands: %v", err)
	}
}

func TestRemoveAllOnTheServerNeverFollowsALinkToAFolder(t *testing.T) {
	// pyftpdlib's MLSD lists a link to a folder as type=dir.
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	s.WriteFile(t, "keep/precious.txt", []byte("keep me"))
	s.WriteFile(t, "tree/a.txt", []byte("a"))
	if err := os.Symlink("../keep", s.Path("tree/inner")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("keep", s.Path("top")); err != nil {
		t.Fatal(err)
	}
	r := remoteFor(t, s)
	ctx := context.Background()
	home, _ := r.Home(ctx)
	entries, err := r.List(ctx, home)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"tree", "top"} {
		for _, e := range entries {
			if e.RawName == name {
				if err := RemoveAll(ctx, r, r.Join(home, name), e); err != nil {
					t.Fatalf("remove %s: %v", name, err)
				}
			}
		}
	}
	if b, err := os.ReadFile(s.Path("keep/precious.txt")); err != nil || string(b) != "keep me" {
		t.Fatalf("a link's target lost its file: %q %v", b, err)
	}
	for _, p := range []string{"tree", "top"} {
		if _, err := os.Lstat(s.Path(p)); err == nil {
			t.Errorf("%s is still there", p)
		}
	}
}
