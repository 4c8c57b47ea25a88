package protocol

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
)

// TestListReportsLinesOfASecondDialect: a server that changes its LIST
// format part way through a listing (no real server here does) gets its
// later lines reported as not understood, never mixed in or dropped.
func TestListReportsLinesOfASecondDialect(t *testing.T) {
	port := dataPort(t, func(d net.Conn) {
		d.Write([]byte("-rw-r--r--   1 ftp      ftp          1234 Nov 24 14:15 unix.txt\r\n" +
			"04-27-00  12:09PM                 1234 dos.txt\r\n" +
			"-rw-r--r--   1 ftp      ftp          1234 Nov 24 14:15 unix2.txt\r\n"))
	})
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "EPSV", reply: fmt.Sprintf("229 ok (|||%d|)\r\n", port)},
		step{want: "LIST -a", reply: "150 listing\r\n226 done\r\n"},
	)
	c, err := dialPlain(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := c.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range l.Entries {
		names = append(names, e.Name)
	}
	if strings.Join(names, "|") != "unix.txt|unix2.txt" || l.BadCount != 1 {
		t.Fatalf("entries %q, bad %+v", names, l.Bad)
	}
	if b := l.Bad[0]; b.Line != 2 || !strings.Contains(b.Err.Error(), "DOS line in a unix listing") {
		t.Errorf("bad line %+v", b)
	}
}

// TestLegacyNameWithUndefinedBytesGoesBackByteForByte: a windows-1252
// name holding a byte the charset leaves undefined (0x81) is shown with
// that byte escaped, and a command on it sends the server's exact bytes.
func TestLegacyNameWithUndefinedBytesGoesBackByteForByte(t *testing.T) {
	port := dataPort(t, func(d net.Conn) {
		d.Write([]byte("-rw-r--r--   1 ftp      ftp          1234 Nov 24 14:15 \x80\x81\xe9.txt\r\n"))
	})
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "EPSV", reply: fmt.Sprintf("229 ok (|||%d|)\r\n", port)},
		step{want: "LIST -a", reply: "150 listing\r\n226 done\r\n"},
		step{want: "DELE \x80\x81\xe9.txt", reply: "250 deleted\r\n"},
	)
	c, err := dialPlain(t, p, Options{Encoding: "windows-1252"})
	if err != nil {
		t.Fatal(err)
	}
	l, err := c.List(context.Background(), "")
	if err != nil || len(l.Entries) != 1 {
		t.Fatalf("%+v, %v", l, err)
	}
	e := l.Entries[0]
	if e.RawName != "€\x81é.txt" || e.Name != `€\x81é.txt` {
		t.Fatalf("RawName %q Name %q", e.RawName, e.Name)
	}
	if err := c.Delete(context.Background(), e.RawName); err != nil {
		t.Fatal(err)
	}
}
