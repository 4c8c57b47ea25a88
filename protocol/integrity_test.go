package protocol_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// dialHostile logs in to a hostile test server over plain FTP.
func dialHostile(t *testing.T, h *ftptest.Hostile) *protocol.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := protocol.Dial(ctx, h.Addr, protocol.Options{Security: protocol.Plain, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(ctx, "u", "p"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestRetrieveStopsAtTheAnnouncedSize(t *testing.T) {
	h := ftptest.NewHostile(t, ftptest.HostileOptions{Files: map[string]*ftptest.HostileFile{
		"/endless": {Data: []byte("abcdef"), Endless: true},
	}})
	c := dialHostile(t, h)
	var buf bytes.Buffer
	n, err := c.Retrieve(context.Background(), "/endless", &buf, 0)
	if !errors.Is(err, protocol.ErrDataOverrun) {
		t.Fatalf("Retrieve of endless data: %d bytes, err %v; want ErrDataOverrun", n, err)
	}
	if buf.Len() != 6 || n != 6 {
		t.Errorf("wrote %d bytes (returned %d); want exactly the announced 6", buf.Len(), n)
	}
	if err := c.Noop(context.Background()); err != nil {
		t.Errorf("connection not usable after the overrun: %v", err)
	}
}

func TestRetrieveFailsWhenDataEndsBeforeTheAnnouncedSize(t *testing.T) {
	h := ftptest.NewHostile(t, ftptest.HostileOptions{Files: map[string]*ftptest.HostileFile{
		"/short": {Data: bytes.Repeat([]byte("x"), 1000), Send: 500},
	}})
	c := dialHostile(t, h)
	_, err := c.Retrieve(context.Background(), "/short", io.Discard, 0)
	if !errors.Is(err, protocol.ErrDataShort) {
		t.Fatalf("early 226 after 500 of 1000 announced bytes: err %v; want ErrDataShort", err)
	}
}

func TestExpectBoundsATransferWithoutAnAnnouncement(t *testing.T) {
	h := ftptest.NewHostile(t, ftptest.HostileOptions{Files: map[string]*ftptest.HostileFile{
		"/endless": {Data: []byte("abc"), Endless: true, Announce: -1},
		"/short":   {Data: []byte("abcdef"), Send: 3, Announce: -1},
	}})
	c := dialHostile(t, h)
	ctx := context.Background()
	for _, tc := range []struct {
		path   string
		expect int64
		want   error
	}{
		{"/endless", 10, protocol.ErrDataOverrun},
		{"/short", 6, protocol.ErrDataShort},
	} {
		tr, err := c.Open(ctx, tc.path, 0)
		if err != nil {
			t.Fatal(err)
		}
		tr.Expect(tc.expect)
		n, err := io.Copy(io.Discard, tr)
		if err == nil {
			err = tr.Close()
		} else {
			tr.Abort()
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%s expecting %d: read %d, err %v; want %v", tc.path, tc.expect, n, err, tc.want)
		}
		if n > tc.expect {
			t.Errorf("%s: read %d bytes past the expected %d", tc.path, n, tc.expect)
		}
	}
}

func TestEndlessGarbageListingIsBounded(t *testing.T) {
	h := ftptest.NewHostile(t, ftptest.HostileOptions{
		Features: []string{"SIZE"}, // LIST, not MLSD
		Listings: map[string]func(io.Writer){
			"/junk": func(w io.Writer) {
				for {
					if _, err := io.WriteString(w, "this is not a listing line\r\n"); err != nil {
						return
					}
				}
			},
		},
	})
	ctx := context.Background()
	c, err := protocol.Dial(ctx, h.Addr, protocol.Options{Security: protocol.Plain, Timeout: 5 * time.Second, MaxListingEntries: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "u", "p"); err != nil {
		t.Fatal(err)
	}
	_, err = c.List(ctx, "/junk")
	if !errors.Is(err, protocol.ErrProtocol) {
		t.Fatalf("endless garbage listing: err %v; want a protocol error", err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Errorf("connection not usable after the bounded listing: %v", err)
	}
}

func TestListingThatFailedToOpenTheFolderIsAnError(t *testing.T) {
	h := ftptest.NewHostile(t, ftptest.HostileOptions{
		Features:   []string{"SIZE"},
		Unreadable: []string{"/locked"},
		Files:      map[string]*ftptest.HostileFile{"/locked/secret": {Data: []byte("x")}},
	})
	c := dialHostile(t, h)
	for _, p := range []string{"/locked", "/missing"} {
		_, err := c.List(context.Background(), p)
		if !errors.Is(err, protocol.ErrNotListable) {
			t.Errorf("List %s: err %v; want ErrNotListable", p, err)
		}
	}
}

func TestVSFTPDListingOfAMissingFolderIsAnError(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	c := dial(t, s, mode{name: "plain", security: protocol.Plain})
	_, err := c.List(context.Background(), "no-such-folder")
	if !errors.Is(err, protocol.ErrNotListable) {
		t.Fatalf("vsftpd LIST of a missing folder: err %v; want ErrNotListable", err)
	}
}

func TestHashOnProFTPDMatchesTheFile(t *testing.T) {
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	data := randomBytes(t, 100_000)
	s.WriteFile(t, "h.bin", data)
	c := dial(t, s, mode{name: "plain", security: protocol.Plain})
	if algo, cmd := c.HashMethod(); algo != "SHA-256" || cmd != "HASH" {
		t.Errorf("HashMethod on proftpd with mod_digest = %q, %q; want SHA-256, HASH", algo, cmd)
	}
	d, err := c.Hash(context.Background(), "h.bin")
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(data)
	if d.Algo != "SHA-256" || !d.Equal(want[:]) {
		t.Errorf("Hash = %v; want SHA-256 %x", d, want)
	}
}

func TestHashFallsBackToLegacyCommands(t *testing.T) {
	data := []byte("integrity")
	for _, cmd := range []string{"XSHA256", "XSHA1", "XMD5", "XCRC"} {
		h := ftptest.NewHostile(t, ftptest.HostileOptions{
			Features: []string{"SIZE", cmd},
			Files:    map[string]*ftptest.HostileFile{"/f": {Data: data}},
		})
		c := dialHostile(t, h)
		d, err := c.Hash(context.Background(), "/f")
		if err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		hh := protocol.NewHash(d.Algo)
		hh.Write(data)
		if d.Command != cmd || !d.Equal(hh.Sum(nil)) {
			t.Errorf("%s: got %v; want the %s of the data", cmd, d, d.Algo)
		}
	}
	h := ftptest.NewHostile(t, ftptest.HostileOptions{Features: []string{"SIZE"}})
	if _, err := dialHostile(t, h).Hash(context.Background(), "/f"); !errors.Is(err, protocol.ErrNoHash) {
		t.Errorf("no hash feature: err %v; want ErrNoHash", err)
	}
}

func TestMalformedHashReplyIsAProtocolError(t *testing.T) {
	h := ftptest.NewHostile(t, ftptest.HostileOptions{
		Features: []string{"XSHA256"},
		Files:    map[string]*ftptest.HostileFile{"/f": {Data: []byte("x"), Hash: "nothex"}},
	})
	_, err := dialHostile(t, h).Hash(context.Background(), "/f")
	if !errors.Is(err, protocol.ErrProtocol) {
		t.Errorf("malformed digest: err %v; want ErrProtocol", err)
	}
	if !strings.Contains(fmt.Sprint(err), "XSHA256") {
		t.Errorf("error %q does not name the command", err)
	}
}
