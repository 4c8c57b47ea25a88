package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferry/protocol/ftptest"
)

// TestTUIEndToEndInTmux runs the built binary in tmux against vsftpd over
// explicit TLS: it connects through the quick-connect prompt, enters a
// directory, selects two files, copies them with F5, and checks that they
// arrived byte-identical and that the screen shows them; then edits, moves,
// clicks and double-clicks with the mouse, copies a folder of 30 files to a
// typed target path, scrolls the queue to its end, and finds a file three
// folders down.
func TestTUIEndToEndInTmux(t *testing.T) {
	tmux := lookTmux(t)
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	want := map[string][]byte{}
	for _, name := range []string{"alpha.bin", "beta one.bin"} {
		data := make([]byte, 300_000)
		rand.Read(data)
		want[name] = data
		s.WriteFile(t, "incoming/"+name, data)
	}
	s.WriteFile(t, "incoming/zeta-not-selected.txt", []byte("stays"))
	s.WriteFile(t, "incoming/edit-me.txt", []byte("first line\n"))
	for i := 1; i <= 30; i++ {
		s.WriteFile(t, fmt.Sprintf("many/f%02d.dat", i), []byte(fmt.Sprintf("file %d\n", i)))
	}
	s.WriteFile(t, "deep/a/b/c/needle.txt", []byte("found"))

	dir := t.TempDir()
	bin := buildFerry(t, dir)
	local := filepath.Join(dir, "local")
	os.Mkdir(local, 0o755)
	editor := filepath.Join(dir, "editor.sh") // an "editor" that appends a line
	os.WriteFile(editor, []byte("#!/bin/sh\necho 'added by the editor' >> \"$1\"\n"), 0o755)

	tm := tmuxServer(t, tmux, "ferry-e2e")
	script := fmt.Sprintf("cd %q && EDITOR=%q XDG_CONFIG_HOME=%q XDG_STATE_HOME=%q FERRY_PASSWORD=%q TERM=xterm-256color %q --ca %q",
		local, editor, filepath.Join(dir, "config"), filepath.Join(dir, "state"), s.Password, bin, s.CAFile)
	tm("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "35", script)

	screen := func() string { return tm("capture-pane", "-p", "-t", "e2e") }
	waitFor := func(what string) string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			sc := screen()
			if strings.Contains(sc, what) {
				return sc
			}
			if time.Now().After(deadline) {
				t.Fatalf("screen never showed %q:\n%s\nserver log:\n%s", what, sc, s.Log())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	keys := func(k ...string) { tm(append([]string{"send-keys", "-t", "e2e"}, k...)...) }

	waitFor("Connect to")
	keys("-l", fmt.Sprintf("ftpes://%s@%s/", s.User, s.Addr))
	keys("Enter")
	waitFor("incoming/")
	keys("Down", "Enter") // deep/, incoming/, many/: the cursor starts on the first
	waitFor("alpha.bin")
	keys("Space", "Space") // select the first two files: alpha.bin, beta one.bin
	waitFor("2 selected")
	keys("F5")
	waitFor("Copy 2 item(s) to")
	keys("Enter") // the offered folder: the local pane's
	deadline := time.Now().Add(15 * time.Second)
	for name, data := range want {
		path := filepath.Join(local, name)
		for {
			got, err := os.ReadFile(path)
			if err == nil && bytes.Equal(got, data) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d bytes, %v; screen:\n%s", name, len(got), err, screen())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitFor("transfers finished: 2 done")
	// The local pane reloads when the jobs end: wait for its new listing.
	for deadline := time.Now().Add(15 * time.Second); ; {
		sc := screen()
		left := ""
		for _, line := range strings.Split(sc, "\n") {
			if len([]rune(line)) > 60 {
				left += string([]rune(line)[:60]) + "\n"
			}
		}
		if strings.Contains(left, "alpha.bin") && strings.Contains(left, "beta one.bin") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the local pane does not show the copies:\n%s", sc)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := os.Stat(filepath.Join(local, "zeta-not-selected.txt")); err == nil {
		t.Fatal("copied a file that was not selected")
	}

	// F4 edits a remote file: it is downloaded, edited, and uploaded
	// back because it changed.
	keys("F4") // the cursor moved past the two selected files to edit-me.txt
	waitFor("changed and uploaded")
	if b, _ := os.ReadFile(s.Path("incoming/edit-me.txt")); string(b) != "first line\nadded by the editor\n" {
		t.Fatalf("server copy after edit: %q", b)
	}

	// F6 moves the file under the cursor down: it arrives and leaves the server.
	keys("End", "F6")
	waitFor("Move 1 item(s) to")
	keys("Enter") // the offered destination: the local pane's folder
	for deadline := time.Now().Add(15 * time.Second); ; {
		_, local := os.Stat(filepath.Join(local, "zeta-not-selected.txt"))
		_, remote := os.Stat(s.Path("incoming/zeta-not-selected.txt"))
		if local == nil && os.IsNotExist(remote) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("move: local %v, remote %v; screen:\n%s", local, remote, screen())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The mouse: a click puts the cursor on a row (the pane's footer shows
	// its position), a double-click on ".." opens the parent folder.
	waitFor("4/4") // .., alpha.bin, beta one.bin, edit-me.txt (zeta moved away)
	click := func(text string, double bool) {
		t.Helper()
		x, y := -1, -1
		for row, line := range strings.Split(screen(), "\n") {
			r := []rune(line)
			if len(r) > 60 {
				if i := strings.Index(string(r[60:]), text); i >= 0 {
					x, y = 60+len([]rune(string(r[60:])[:i])), row
					break
				}
			}
		}
		if x < 0 {
			t.Fatalf("%q is not in the right pane:\n%s", text, screen())
		}
		ev := fmt.Sprintf("\x1b[<0;%d;%dM\x1b[<0;%d;%dm", x+1, y+1, x+1, y+1)
		if double {
			ev += ev
		}
		keys("-l", ev)
	}
	click("alpha.bin", false)
	waitFor("2/4")
	click("..", true)
	waitFor("incoming/")
	waitFor(fmt.Sprintf("ftpes://%s@%s/ ", s.User, s.Addr)) // the login folder's URL

	// F5 with an edited target path: the folder "many" (30 files) goes to
	// a local folder that does not exist yet.
	click("many/", false)
	keys("F5")
	waitFor("Copy 1 item(s) to")
	target := filepath.Join(local, "edited", "target")
	keys("C-u")
	keys("-l", target)
	keys("Enter")
	for deadline := time.Now().Add(20 * time.Second); ; {
		b, err := os.ReadFile(filepath.Join(target, "many", "f30.dat"))
		if err == nil && string(b) == "file 30\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("copy to the typed path: %v; screen:\n%s", err, screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := os.Stat(filepath.Join(local, "many")); err == nil {
		t.Fatal("the copy went to the offered folder as well")
	}

	// The queue panel holds the 31 jobs; End scrolls to the last one.
	keys("C-t")
	waitFor("f01.dat")
	if strings.Contains(screen(), "f30.dat") {
		t.Fatalf("the last job is on screen before End:\n%s", screen())
	}
	keys("End")
	waitFor("f30.dat")
	keys("Escape")
	waitFor("F1/? help") // the panes' keys again (a key sent with the escape would read as alt+key)

	// Find: a name three folders down, in the background; Enter jumps to it.
	keys("C-f")
	waitFor("Find in")
	keys("C-u")
	keys("-l", "needle*")
	keys("Enter")
	waitFor("1 found · done")
	keys("Enter")
	waitFor(fmt.Sprintf("%s/deep/a/b/c", s.Addr))
	waitFor("needle.txt")
	keys("q")
}
