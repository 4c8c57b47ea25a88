package protocol_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"ferry/protocol"
	"ferry/protocol/ftptest"
	"ferry/protocol/listing"
)

// sampleTree is the same tree written on every server.
var sampleTree = map[string]string{
	"plain.txt":            "hello",
	"with space.txt":       "two words",
	" leading space.txt":   "lead",
	"semi;colon.txt":       "semi",
	".hidden":              "dot-file",
	"ünïcödé-名前.txt":       "utf-8",
	"sub dir/inner.bin":    strings.Repeat("x", 12345),
	"sub dir/deeper/z.txt": "z",
	"zero-leading-size":    strings.Repeat("0", 70),
}

func writeSampleTree(t *testing.T, s *ftptest.Server) {
	t.Helper()
	for name, body := range sampleTree {
		s.WriteFile(t, name, []byte(body))
	}
	if err := os.Symlink("plain.txt", s.Path("link to plain")); err != nil {
		t.Fatal(err)
	}
	uid, gid := ownerOf(t, s.Path("plain.txt"))
	if err := os.Lchown(s.Path("link to plain"), uid, gid); err != nil {
		t.Fatal(err)
	}
}

// entryKey is what must agree across servers for the same tree.
func entryKey(e listing.Entry) string {
	size := fmt.Sprint(e.Size)
	if e.Kind != listing.File {
		size = "-" // directory and link sizes are the server's business
	}
	return fmt.Sprintf("%s|%s|%s", e.Kind, size, e.Name)
}

// TestListShowsTheSameEntriesOnEveryServer lists one tree on all four
// servers, plain and over TLS, and expects the same names, kinds and sizes:
// MLSD where offered (proftpd, pure-ftpd, pyftpdlib) and LIST -a on vsftpd.
func TestListShowsTheSameEntriesOnEveryServer(t *testing.T) {
	want := []string{
		"file|5|plain.txt", "file|9|with space.txt", "file|4| leading space.txt",
		"file|4|semi;colon.txt", "file|8|.hidden", "file|5|ünïcödé-名前.txt",
		"dir|-|sub dir", "file|70|zero-leading-size", "symlink|-|link to plain",
	}
	slices.Sort(want)
	for _, kind := range ftptest.AllKinds {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			writeSampleTree(t, s)
			for _, m := range modesFor(s) {
				if m.active || m.maxTLS != 0 {
					continue
				}
				t.Run(m.name, func(t *testing.T) {
					ctx := context.Background()
					c := dial(t, s, m)
					l, err := c.List(ctx, "")
					if err != nil {
						t.Fatal(err)
					}
					if l.BadCount != 0 {
						t.Errorf("%d lines not understood: %+v", l.BadCount, l.Bad)
					}
					var got []string
					for _, e := range l.Entries {
						got = append(got, entryKey(e))
						if e.Unsafe() {
							t.Errorf("entry %q flagged unsafe", e.Name)
						}
					}
					slices.Sort(got)
					want := want
					if kind == ftptest.Pyftpdlib {
						// pyftpdlib's MLSD follows symlinks: it reports the
						// target's type and size, so no client can tell.
						want = slices.Clone(want)
						want[slices.Index(want, "symlink|-|link to plain")] = "file|5|link to plain"
						slices.Sort(want)
					}
					if !slices.Equal(got, want) {
						t.Fatalf("format %s\n got %q\nwant %q", l.Format, got, want)
					}
					sub, err := c.List(ctx, "sub dir")
					if err != nil {
						t.Fatal(err)
					}
					var subNames []string
					for _, e := range sub.Entries {
						subNames = append(subNames, entryKey(e))
					}
					slices.Sort(subNames)
					if w := []string{"dir|-|deeper", "file|12345|inner.bin"}; !slices.Equal(subNames, w) {
						t.Fatalf("sub dir: %q, want %q", subNames, w)
					}
				})
			}
		})
	}
}

// TestLISTLinesFromRealServersParse captures the raw LIST output of each
// server and checks that the parser understands every line and recovers
// each file's size and name, including symlink targets.
func TestLISTLinesFromRealServersParse(t *testing.T) {
	for _, kind := range ftptest.AllKinds {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			writeSampleTree(t, s)
			c := dial(t, s, mode{name: "plain", security: protocol.Plain})
			p := listing.NewParser(listing.Options{})
			var lines []string
			if err := c.Lines(context.Background(), "LIST -a", func(l string) error {
				lines = append(lines, l)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			found := map[string]listing.Entry{}
			for _, l := range lines {
				e, err := p.ParseLine(l)
				if err == listing.ErrNotEntry {
					continue
				}
				if err != nil {
					t.Errorf("line not understood: %q: %v", l, err)
					continue
				}
				found[e.Name] = e
			}
			if e := found["plain.txt"]; e.Kind != listing.File || e.Size != 5 || !e.HasMode || e.Precision < listing.TimeMinute {
				t.Errorf("plain.txt: %+v", e)
			}
			if e := found["link to plain"]; e.Kind != listing.Symlink || e.Target != "plain.txt" {
				t.Errorf("symlink: %+v (lines %q)", e, lines)
			}
			if e := found[".hidden"]; e.Kind != listing.File {
				t.Errorf("LIST -a does not show the dot-file: %q", lines)
			}
			if p.Detected() != listing.Unix {
				t.Errorf("detected %s", p.Detected())
			}
		})
	}
}
