package protocol

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
)

// TestListFlagsHostileNames: a hostile server sends names that would
// escape a local folder. They come back flagged unsafe, and lines nothing
// understands come back as bad lines, never as entries.
func TestListFlagsHostileNames(t *testing.T) {
	port := dataPort(t, func(d net.Conn) {
		d.Write([]byte("type=file;size=1; ../../etc/passwd\r\n" +
			"type=file;size=2; ..\r\n" +
			"type=file;size=3; a/b\r\n" +
			"type=cdir; .\r\n" +
			"type=file;size=4; fine.txt\r\n" +
			"this is not an MLSD line\r\n"))
	})
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "EPSV", reply: fmt.Sprintf("229 ok (|||%d|)\r\n", port)},
		step{want: "MLSD", reply: "150 listing\r\n226 done\r\n"},
	)
	c, err := dialPlain(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c.features = map[string]string{"MLST": "type*;size*;"}
	l, err := c.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	unsafe := map[string]bool{}
	for _, e := range l.Entries {
		unsafe[e.RawName] = e.Unsafe()
	}
	// ".." is dropped with the pseudo-entries whatever its claimed type.
	want := map[string]bool{"../../etc/passwd": true, "a/b": true, "fine.txt": false}
	if fmt.Sprint(unsafe) != fmt.Sprint(want) {
		t.Fatalf("unsafe flags %v, want %v", unsafe, want)
	}
	if l.BadCount != 1 || l.Bad[0].Text != "this is not an MLSD line" {
		t.Fatalf("bad lines %+v", l.Bad)
	}
}

// TestSourceAddressIsUsed binds the control connection to 127.0.0.2.
func TestSourceAddressIsUsed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	from := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		from <- c.RemoteAddr().(*net.TCPAddr).IP.String()
		c.Write([]byte("220 hi\r\n"))
		c.Close()
	}()
	c, err := Dial(context.Background(), ln.Addr().String(), Options{Security: Plain, LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if got := <-from; got != "127.0.0.2" {
		t.Fatalf("connected from %s", got)
	}
}

// TestEndlessListingIsBounded: a server that keeps sending entries gets
// a protocol error once the limit is passed, and the control connection
// stays usable.
func TestEndlessListingIsBounded(t *testing.T) {
	port := dataPort(t, func(d net.Conn) {
		for i := 0; ; i++ {
			if _, err := fmt.Fprintf(d, "type=file;size=1; f%d\r\n", i); err != nil {
				return
			}
		}
	})
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "EPSV", reply: fmt.Sprintf("229 ok (|||%d|)\r\n", port)},
		step{want: "MLSD", reply: "150 listing forever\r\n"},
		step{want: "ABOR", reply: "426 aborted\r\n226 ABOR ok\r\n"},
		step{want: "NOOP", reply: "200 ok\r\n"},
		step{want: "NOOP", reply: "200 still here\r\n"},
	)
	c, err := dialPlain(t, p, Options{MaxListingEntries: 1000})
	if err != nil {
		t.Fatal(err)
	}
	c.features = map[string]string{"MLST": ""}
	if _, err := c.List(context.Background(), ""); !errors.Is(err, ErrProtocol) {
		t.Fatalf("err = %v, want a protocol error", err)
	}
	if err := c.Noop(context.Background()); err != nil {
		t.Fatalf("connection after the bounded listing: %v", err)
	}
}
