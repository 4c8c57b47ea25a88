package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferry/protocol/ftptest"
)

// TestTUISyncDialogInTmux runs the built binary in tmux against vsftpd:
// the compare key marks the entries, the sync dialog from the server's
// pane plans the download of a changed file and the deletion of a local
// extra one, asks before deleting, and runs both (the copy through the
// transfer queue, replacing the local file without a conflict question).
func TestTUISyncDialogInTmux(t *testing.T) {
	tmux := lookTmux(t)
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	s.WriteFile(t, "site/index.html", []byte("<h1>the server's, longer</h1>"))
	s.WriteFile(t, "site/same.txt", []byte("same"))

	dir := t.TempDir()
	bin := buildFerry(t, dir)
	local := filepath.Join(dir, "local")
	tree(t, local, map[string]string{"index.html": "<h1>old</h1>", "same.txt": "same", "extra.txt": "only here"})
	st, _ := os.Stat(s.Path("site/same.txt"))
	os.Chtimes(filepath.Join(local, "same.txt"), st.ModTime(), st.ModTime())

	tm := tmuxServer(t, tmux, "ferry-e2e-sync")
	script := fmt.Sprintf("cd %q && XDG_CONFIG_HOME=%q XDG_STATE_HOME=%q FERRY_PASSWORD=%q TERM=xterm-256color %q --ca %q %q",
		local, filepath.Join(dir, "config"), filepath.Join(dir, "state"), s.Password, bin, s.CAFile, serverURL(s, "ftpes", "site"))
	tm("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "35", script)
	waitFor := func(what string) string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			sc := tm("capture-pane", "-p", "-t", "e2e")
			if strings.Contains(sc, what) {
				return sc
			}
			if time.Now().After(deadline) {
				t.Fatalf("screen never showed %q:\n%s", what, sc)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	keys := func(k ...string) { tm(append([]string{"send-keys", "-t", "e2e"}, k...)...) }

	waitFor("extra.txt")
	waitFor("same.txt")
	keys("=")
	sc := waitFor("compare:")
	for _, mark := range []string{"+extra.txt", "!index.html", "=same.txt"} {
		if !strings.Contains(sc, mark) {
			t.Errorf("the compare view lacks %q:\n%s", mark, sc)
		}
	}
	keys("C-s")
	sc = waitFor("ticked:")
	for _, line := range []string{"[x] download   size differs", "[x] delete     not in source"} {
		if !strings.Contains(sc, line) {
			t.Errorf("the sync dialog lacks %q:\n%s", line, sc)
		}
	}
	keys("Enter")
	waitFor("y: delete and run")
	keys("y")
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := files(t, local)
		if equalMaps(got, map[string]string{"index.html": "<h1>the server's, longer</h1>", "same.txt": "same"}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("local folder %v after the sync\n%s", got, tm("capture-pane", "-p", "-t", "e2e"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	keys("q")
}
