package protocol_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// TestIPv6AgainstARealServer lists, uploads and downloads over IPv6 with
// pyftpdlib on [::1], passive (EPSV only: there is no PASV on IPv6) and
// active (EPRT).
func TestIPv6AgainstARealServer(t *testing.T) {
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{IPv6: true})
	if !strings.HasPrefix(s.Addr, "[::1]:") {
		t.Fatalf("server on %s", s.Addr)
	}
	s.WriteFile(t, "v6.txt", []byte("over IPv6"))
	for _, active := range []bool{false, true} {
		var log bytes.Buffer
		ctx := context.Background()
		c, err := protocol.Dial(ctx, s.Addr, protocol.Options{Security: protocol.Plain, Active: active, Timeout: 5 * time.Second, Debug: &log, DebugLevel: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Login(ctx, s.User, s.Password); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := c.Retrieve(ctx, "v6.txt", &b, 0); err != nil || b.String() != "over IPv6" {
			t.Fatalf("active=%v: %q %v\n%s", active, b.String(), err, log.String())
		}
		if _, err := c.Store(ctx, "up.txt", strings.NewReader("up"), 0); err != nil {
			t.Fatal(err)
		}
		l, err := c.List(ctx, "")
		if err != nil || len(l.Entries) != 2 {
			t.Fatalf("list: %+v %v", l, err)
		}
		want := "> EPSV"
		if active {
			want = "> EPRT |2|::1|"
		}
		if !strings.Contains(log.String(), want) || strings.Contains(log.String(), "> PASV") || strings.Contains(log.String(), "> PORT") {
			t.Fatalf("active=%v: conversation lacks %q or used PASV/PORT:\n%s", active, want, log.String())
		}
		c.Quit(ctx)
	}
}
