package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry/bookmarks"
	"ferry/config"
	"ferry/protocol"
	"ferry/protocol/ftptest"
	"ferry/transfers"
	"ferry/ui"
)

// TestHeadlessKeyringFallsBackToNetrcWithAWarning: a bookmark whose
// password is in the OS keyring, used on a machine without a session bus
// (ssh to a server): ferry says why the keyring was skipped and logs in
// with ~/.netrc, promptly.
func TestHeadlessKeyringFallsBackToNetrcWithAWarning(t *testing.T) {
	dir := configHome(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/ferry-no-bus")
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	s.WriteFile(t, "k.txt", []byte("keyring-less"))
	host, port := "127.0.0.1", mustAtoi(t, strings.Split(s.Addr, ":")[1])
	b := bookmarks.Bookmark{Name: "kr", Host: host, Port: port, User: s.User, TLS: config.TLSOff, Keyring: s.User + "@" + s.Addr}
	addBookmarks(t, dir, b)

	code, out, errOut := ferry(t, "get", "-b", "kr", "k.txt", "-")
	if code != 1 || !strings.Contains(errOut, "could not be read") || !strings.Contains(errOut, "keyring is not available") {
		t.Fatalf("without netrc: exit %d, %q: %s", code, out, errOut)
	}

	netrc := filepath.Join(t.TempDir(), "netrc")
	os.WriteFile(netrc, []byte("machine 127.0.0.1 login "+s.User+" password "+s.Password+"\n"), 0o600)
	t.Setenv("NETRC", netrc)
	code, out, errOut = ferry(t, "get", "-b", "kr", "k.txt", "-")
	if code != 0 || out != "keyring-less" {
		t.Fatalf("with netrc: exit %d, %q: %s", code, out, errOut)
	}
	if !strings.Contains(errOut, "warning") || !strings.Contains(errOut, "keyring") {
		t.Fatalf("no warning about the keyring: %q", errOut)
	}
}

// TestKeyringNoteGoesToStderrOrWithThePrompt: the verbs print why the
// keyring did not serve; the file manager hands it to its password prompt
// once, and never writes on the screen.
func TestKeyringNoteGoesToStderrOrWithThePrompt(t *testing.T) {
	var errOut bytes.Buffer
	c := &cli{stderr: &errOut}
	c.keyringNote("kr", "the keyring is away")
	if !strings.Contains(errOut.String(), "warning: the keyring is away") {
		t.Fatalf("verbs: stderr %q", errOut.String())
	}
	errOut.Reset()
	c.queue = transfers.New(transfers.Options{Dial: func(context.Context, string) (*protocol.Conn, error) { return nil, context.Canceled }})
	defer c.queue.Close()
	c.keyringNote("kr", "the keyring is away")
	if errOut.Len() != 0 {
		t.Fatalf("the file manager's screen was written on: %q", errOut.String())
	}
	err := c.needPassword("kr")
	if !errors.Is(err, ui.ErrNeedPassword) || !strings.Contains(err.Error(), "the keyring is away") {
		t.Fatalf("needPassword = %v", err)
	}
	if err := c.needPassword("kr"); err != ui.ErrNeedPassword {
		t.Fatalf("the note was given twice: %v", err)
	}
}
