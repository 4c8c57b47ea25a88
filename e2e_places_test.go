package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferry/protocol/ftptest"
)

// TestTUIPlacesEndToEndInTmux runs the built binary in tmux, started with a
// URL that carries its password: F5 copies a file down and another up over
// the queue's own connections (which must get that password), then the
// other pane opens a second server, of another kind, and F5 copies between
// the two servers.
func TestTUIPlacesEndToEndInTmux(t *testing.T) {
	tmux := lookTmux(t)
	a := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	b := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	a.WriteFile(t, "src/a-down.txt", []byte("down\n"))
	a.WriteFile(t, "src/b-cross.txt", []byte("from one server to the other\n"))
	b.WriteFile(t, "dst/existing.txt", []byte("x"))

	dir := t.TempDir()
	bin := buildFerry(t, dir)
	local := filepath.Join(dir, "local")
	os.Mkdir(local, 0o755)
	os.WriteFile(filepath.Join(local, "up.txt"), []byte("up\n"), 0o644)
	withPassword := func(s *ftptest.Server, p string) string {
		return fmt.Sprintf("ftp://%s:%s@%s/%s", s.User, url.QueryEscape(s.Password), s.Addr, p)
	}

	tm := tmuxServer(t, tmux, "ferry-places")
	script := fmt.Sprintf("cd %q && XDG_CONFIG_HOME=%q XDG_STATE_HOME=%q TERM=xterm-256color %q --tls off %q",
		local, filepath.Join(dir, "config"), filepath.Join(dir, "state"), bin, withPassword(a, "src"))
	tm("new-session", "-d", "-s", "places", "-x", "120", "-y", "35", script)
	screen := func() string { return tm("capture-pane", "-p", "-t", "places") }
	waitFor := func(what string) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); ; {
			sc := screen()
			if strings.Contains(sc, what) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("screen never showed %q:\n%s", what, sc)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitFile := func(path, want string) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); ; {
			got, err := os.ReadFile(path)
			if err == nil && string(got) == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %q, %v; want %q; screen:\n%s", path, got, err, want, screen())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	keys := func(k ...string) { tm(append([]string{"send-keys", "-t", "places"}, k...)...) }
	copyHere := func() {
		t.Helper()
		keys("F5")
		waitFor("Copy 1 item(s) to")
		keys("Enter") // the offered folder: the other pane's
	}

	// Down: the right pane is on the first server, the cursor on "..".
	waitFor("a-down.txt")
	keys("Home", "Down")
	copyHere()
	waitFile(filepath.Join(local, "a-down.txt"), "down\n")

	// Up: from the local pane.
	keys("Tab", "Home", "Down") // .., a-down.txt, up.txt after the refresh
	waitFor("up.txt")
	keys("End")
	copyHere()
	waitFile(a.Path("src/up.txt"), "up\n")

	// The left pane opens the second server; the right one is still on
	// the first.
	keys("C-o")
	waitFor("Connect to")
	keys("-l", withPassword(b, "dst"))
	keys("Enter")
	waitFor("existing.txt")
	waitFor(fmt.Sprintf("ftp://%s@%s/dst", b.User, b.Addr))

	// Between the servers: b-cross.txt from the first to the second.
	keys("Tab", "Home", "Down", "Down")
	copyHere()
	waitFile(b.Path("dst/b-cross.txt"), "from one server to the other\n")
	if _, err := os.Stat(filepath.Join(local, "b-cross.txt")); err == nil {
		t.Error("the server-to-server copy went through the local folder")
	}
}
