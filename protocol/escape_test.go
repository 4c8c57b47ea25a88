package protocol

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// hostile holds what a server could send to take over the user's
// terminal: an OSC title change ended by BEL, a screen clear, a C1 CSI,
// and a right-to-left override.
const hostile = "\x1b]0;owned\x07\x1b[2J\u009b31m\u202etxt.exe"

// noControls fails when s holds a byte or rune a terminal would obey.
func noControls(t *testing.T, what, s string) {
	t.Helper()
	for _, r := range s {
		if r == '\n' {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Errorf("%s holds %U: %q", what, r, s)
			return
		}
	}
}

func TestServerTextIsEscapedInErrorsAndTheDebugLog(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []step
		run   func(c *Conn) error
	}{
		{"single-line reply", []step{
			{reply: "220 hi\r\n"},
			{want: "CWD x", reply: "550 " + hostile + "\r\n"},
		}, func(c *Conn) error { return c.ChangeDir(context.Background(), "x") }},
		{"multi-line reply", []step{
			{reply: "220 hi\r\n"},
			{want: "CWD x", reply: "550-first " + hostile + "\r\n middle " + hostile + "\r\n550 last " + hostile + "\r\n"},
		}, func(c *Conn) error { return c.ChangeDir(context.Background(), "x") }},
		{"name in a command", []step{
			{reply: "220 hi\r\n"},
			{want: "DELE " + hostile, reply: "550 no\r\n"},
		}, func(c *Conn) error { return c.Delete(context.Background(), hostile) }},
		{"greeting", []step{
			{reply: "421 " + hostile + "\r\n"},
		}, nil},
		{"not a reply", []step{
			{reply: "220 hi\r\n"},
			{want: "NOOP", reply: hostile + "\r\n"},
		}, func(c *Conn) error { return c.Noop(context.Background()) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			p := newScriptedPeer(t, tc.steps...)
			c, err := dialPlain(t, p, Options{Debug: &log, DebugLevel: 2})
			if err == nil {
				defer c.Close()
				err = tc.run(c)
			}
			if err == nil {
				t.Fatal("no error from a failing reply")
			}
			noControls(t, "error", err.Error())
			noControls(t, "debug log", log.String())
			if !strings.Contains(err.Error()+log.String(), `\x1b]0;owned\x07`) {
				t.Errorf("the escaped text is not shown: error %q, log %q", err, log.String())
			}
			var fe *Error
			if errors.As(err, &fe) && fe.Code == 550 && strings.Contains(tc.steps[1].reply, hostile) && !strings.Contains(fe.Msg, hostile) {
				t.Errorf("Error.Msg = %q, want the reply as sent (escaping is for display)", fe.Msg)
			}
		})
	}
}
