package protocol_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// TestUnreadableFolderErrorIsEscaped: the 226 that tells a folder could
// not be read carries the server's text into the error, escaped like
// every other reply.
func TestUnreadableFolderErrorIsEscaped(t *testing.T) {
	srv := ftptest.NewHostile(t, ftptest.HostileOptions{Unreadable: []string{"/locked"}, ReplyText: " \x1b]0;owned\x07\u202e"})
	var log bytes.Buffer
	c, err := protocol.Dial(context.Background(), srv.Addr, protocol.Options{Security: protocol.Plain, Timeout: 5 * time.Second, Debug: &log, DebugLevel: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(context.Background(), "u", "p"); err != nil {
		t.Fatal(err)
	}
	_, err = c.List(context.Background(), "/locked")
	if !errors.Is(err, protocol.ErrNotListable) {
		t.Fatalf("err = %v, want ErrNotListable", err)
	}
	for what, s := range map[string]string{"error": err.Error(), "debug log": log.String()} {
		if strings.ContainsAny(s, "\x1b\x07\u202e") {
			t.Errorf("the %s holds control characters: %q", what, s)
		}
		if !strings.Contains(s, `\x1b]0;owned\x07\u202e`) {
			t.Errorf("the %s does not show the reply escaped: %q", what, s)
		}
	}
}
