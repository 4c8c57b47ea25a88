package protocol_test

import (
	"bytes"
	"context"
	"testing"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// TestClearCommandChannelAfterLogin protects the login with TLS, returns
// the control connection to plain text with CCC (proftpd supports it), and
// keeps protected data connections working.
func TestClearCommandChannelAfterLogin(t *testing.T) {
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	s.WriteFile(t, "f.txt", []byte("after CCC"))
	c := dial(t, s, mode{name: "ccc", security: protocol.Explicit})
	ctx := context.Background()
	if err := c.ClearCommandChannel(ctx); err != nil {
		t.Fatalf("CCC: %v\n%s", err, s.Log())
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatalf("NOOP in plain text after CCC: %v", err)
	}
	var b bytes.Buffer
	if _, err := c.Retrieve(ctx, "f.txt", &b, 0); err != nil || b.String() != "after CCC" {
		t.Fatalf("%q %v\n%s", b.String(), err, s.Log())
	}
}
