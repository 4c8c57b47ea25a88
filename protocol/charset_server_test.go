package protocol_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// legacyNames are file names stored on disk in a legacy charset: the
// bytes the server sends, and the name ferry must show and accept.
var legacyNames = []struct {
	charset string
	raw     string // on disk and on the wire
	name    string // decoded
	upload  string // a new name to upload, rename and delete by
	uploadB string // its bytes in the charset
	foreign string // a name the charset cannot write
}{
	{"latin1", "caf\xe9 cr\xe8me.txt", "café crème.txt", "naïve.txt", "na\xefve.txt", "名前.txt"},
	{"shift_jis", "\x93\xfa\x96\x7b\x8c\xea.txt", "日本語.txt", "新規.txt", "\x90\x56\x8b\x4b.txt", "café ☃.txt"},
	// 表 is 0x95 0x5C: its second byte is ASCII '\', which must neither
	// split nor escape the name. (pure-ftpd refuses any name with that
	// byte, so it is not tried there.)
	{"sjis-backslash", "\x95\x5c.txt", "表.txt", "表2.txt", "\x95\x5c2.txt", "€.txt"},
}

// charsetOf maps a test case to the --encoding name it uses.
func charsetOf(tc string) string {
	if tc == "sjis-backslash" {
		return "shift_jis"
	}
	return tc
}

func dialEncoding(t *testing.T, s *ftptest.Server, encoding string) *protocol.Conn {
	t.Helper()
	opts := protocol.Options{
		Security:  protocol.Plain,
		Encoding:  encoding,
		Timeout:   10 * time.Second,
		TLSConfig: &tls.Config{RootCAs: s.CertPool, ServerName: s.ServerName},
	}
	if testing.Verbose() {
		opts.Debug, opts.DebugLevel = &testLog{t}, 2
	}
	ctx := context.Background()
	c, err := protocol.Dial(ctx, s.Addr, opts)
	if err != nil {
		t.Fatalf("dial %s: %v", s.Kind, err)
	}
	if err := c.Login(ctx, s.User, s.Password); err != nil {
		t.Fatalf("login: %v\nserver log:\n%s", err, s.Log())
	}
	t.Cleanup(func() { c.Quit(context.Background()) })
	return c
}

func diskNames(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		out = append(out, de.Name())
	}
	return out
}

// TestLegacyCharsetNamesRoundTripOnEveryServer puts files named in
// Latin-1 and Shift-JIS bytes on each real server and works with them by
// their decoded names: list, change into a directory, download, upload,
// rename, delete. The bytes on disk prove what went over the wire.
func TestLegacyCharsetNamesRoundTripOnEveryServer(t *testing.T) {
	// pyftpdlib is left out: it decodes names from disk as UTF-8 and
	// sends '?' for every other byte, so no client can reach such files.
	for _, kind := range []ftptest.Kind{ftptest.VSFTPD, ftptest.ProFTPD, ftptest.PureFTPD} {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			for _, tc := range legacyNames {
				s.WriteFile(t, filepath.Join(tc.charset, tc.raw), []byte("body of "+tc.charset))
				// A directory named in the charset too, to CWD into.
				s.WriteFile(t, filepath.Join(tc.charset, tc.raw+".d", "inner"), []byte("x"))
			}
			for _, tc := range legacyNames {
				if tc.charset == "sjis-backslash" && kind == ftptest.PureFTPD {
					continue
				}
				t.Run(tc.charset, func(t *testing.T) {
					ctx := context.Background()
					c := dialEncoding(t, s, charsetOf(tc.charset))
					dir := s.Path(tc.charset)

					l, err := c.List(ctx, tc.charset)
					if err != nil {
						t.Fatal(err)
					}
					var names, shown []string
					for _, e := range l.Entries {
						names, shown = append(names, e.RawName), append(shown, e.Name)
					}
					want := []string{tc.name, tc.name + ".d"}
					slices.Sort(names)
					slices.Sort(shown)
					if !slices.Equal(names, want) || !slices.Equal(shown, want) || l.BadCount != 0 {
						t.Fatalf("%s listing: RawName %q, Name %q (bad %v), want %q", l.Format, names, shown, l.Bad, want)
					}

					var got bytes.Buffer
					if _, err := c.Retrieve(ctx, tc.charset+"/"+tc.name, &got, 0); err != nil {
						t.Fatalf("download %q: %v", tc.name, err)
					}
					if got.String() != "body of "+tc.charset {
						t.Errorf("downloaded %q", got.String())
					}

					if err := c.ChangeDir(ctx, tc.charset+"/"+tc.name+".d"); err != nil {
						t.Fatalf("CWD into %q: %v", tc.name+".d", err)
					}
					if pwd, err := c.CurrentDir(ctx); err != nil || pwd != "/"+tc.charset+"/"+tc.name+".d" {
						t.Errorf("PWD = %q, %v", pwd, err)
					}
					if err := c.ChangeDir(ctx, "/"+tc.charset); err != nil {
						t.Fatal(err)
					}
					if nl, err := c.NameList(ctx, ""); err != nil || !slices.Contains(nl, tc.name) {
						t.Errorf("NLST = %q, %v; want it to hold %q", nl, err, tc.name)
					}

					if _, err := c.Store(ctx, tc.upload, bytes.NewReader([]byte("up")), 0); err != nil {
						t.Fatalf("upload %q: %v", tc.upload, err)
					}
					if b, err := os.ReadFile(filepath.Join(dir, tc.uploadB)); err != nil || string(b) != "up" {
						t.Fatalf("upload not stored under its %s bytes %q: %v (on disk: %q)", tc.charset, tc.uploadB, err, diskNames(t, dir))
					}
					if n, err := c.Size(ctx, tc.upload); err != nil || n != 2 {
						t.Errorf("SIZE %q = %d, %v", tc.upload, n, err)
					}
					if err := c.Rename(ctx, tc.upload, "renamed "+tc.name); err != nil {
						t.Fatalf("rename: %v", err)
					}
					if _, err := os.Stat(filepath.Join(dir, "renamed "+tc.raw)); err != nil {
						t.Fatalf("rename target not in %s bytes: %v (on disk: %q)", tc.charset, err, diskNames(t, dir))
					}
					if err := c.Delete(ctx, "renamed "+tc.name); err != nil {
						t.Fatalf("delete: %v", err)
					}
					if err := c.Delete(ctx, tc.name); err != nil {
						t.Fatalf("delete: %v", err)
					}
					if left := diskNames(t, dir); !slices.Equal(left, []string{tc.raw + ".d"}) {
						t.Errorf("left on disk: %q", left)
					}

					// A name the charset cannot write is refused before
					// anything is sent, and the connection goes on.
					_, err = c.Store(ctx, tc.foreign, bytes.NewReader(nil), 0)
					var ee *protocol.EncodingError
					if !errors.Is(err, protocol.ErrUnencodable) || !errors.As(err, &ee) || ee.Name != tc.foreign {
						t.Errorf("upload of %q: %v, want an encoding error naming it", tc.foreign, err)
					}
					if err := c.Noop(ctx); err != nil {
						t.Errorf("connection unusable after the refusal: %v", err)
					}
				})
			}
		})
	}
}
