package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry/bookmarks"
	"ferry/config"
	"ferry/protocol/ftptest"
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
