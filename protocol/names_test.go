package protocol_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"ferry/protocol/ftptest"
	"ferry/protocol/listing"
)

// TestInvalidUTF8NameStaysUsable puts a file whose name is not UTF-8 on
// each server. The listing shows it escaped, and its raw bytes still name
// it for download, rename and delete.
func TestInvalidUTF8NameStaysUsable(t *testing.T) {
	const raw = "caf\xe9 latin1.txt" // "café" in Latin-1
	// Not pyftpdlib: it decodes names as UTF-8 and sends "?" for bytes it
	// cannot decode, so such a file cannot be named through it at all.
	for _, kind := range []ftptest.Kind{ftptest.VSFTPD, ftptest.ProFTPD, ftptest.PureFTPD} {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			s.WriteFile(t, raw, []byte("bytes kept"))
			c := dial(t, s, modesFor(s)[0])
			ctx := context.Background()
			l, err := c.List(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			var e *listing.Entry
			for i := range l.Entries {
				if l.Entries[i].RawName == raw {
					e = &l.Entries[i]
				}
			}
			if e == nil {
				t.Fatalf("no entry with the raw name; entries %+v, bad %+v", l.Entries, l.Bad)
			}
			if !strings.Contains(e.Name, `\xe9`) || e.Unsafe() {
				t.Errorf("Name = %q (unsafe %v), want the byte shown escaped", e.Name, e.Unsafe())
			}
			var b bytes.Buffer
			if _, err := c.Retrieve(ctx, e.RawName, &b, 0); err != nil || b.String() != "bytes kept" {
				t.Fatalf("download by raw name: %q %v", b.String(), err)
			}
			if err := c.Rename(ctx, e.RawName, "renamed\xe9.txt"); err != nil {
				t.Fatal(err)
			}
			if err := c.Delete(ctx, "renamed\xe9.txt"); err != nil {
				t.Fatal(err)
			}
			if entries, _ := os.ReadDir(s.Root); len(entries) != 0 {
				t.Fatalf("left on the server: %v", entries)
			}
		})
	}
}
