package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferry/protocol/ftptest"
)

// TestTUIEndToEndInTmux runs the built binary in tmux against vsftpd over
// explicit TLS: it connects through the quick-connect prompt, enters a
// directory, selects two files, copies them with F5, and checks that they
// arrived byte-identical and that the screen shows them.
func TestTUIEndToEndInTmux(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is required in CI (scripts/install-servers installs it)")
		}
		t.Skip("tmux not installed (outside CI this skips; scripts/install-servers installs it)")
	}
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

	dir := t.TempDir()
	bin := filepath.Join(dir, "ferry")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	local := filepath.Join(dir, "local")
	os.Mkdir(local, 0o755)
	editor := filepath.Join(dir, "editor.sh") // an "editor" that appends a line
	os.WriteFile(editor, []byte("#!/bin/sh\necho 'added by the editor' >> \"$1\"\n"), 0o755)

	socket := fmt.Sprintf("ferry-e2e-%d", os.Getpid())
	tm := func(args ...string) string {
		out, err := exec.Command(tmux, append([]string{"-L", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %q: %v\n%s", args, err, out)
		}
		return string(out)
	}
	script := fmt.Sprintf("cd %q && EDITOR=%q XDG_CONFIG_HOME=%q XDG_STATE_HOME=%q FERRY_PASSWORD=%q TERM=xterm-256color %q --ca %q",
		local, editor, filepath.Join(dir, "config"), filepath.Join(dir, "state"), s.Password, bin, s.CAFile)
	tm("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "35", script)
	t.Cleanup(func() { exec.Command(tmux, "-L", socket, "kill-server").Run() })

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
	keys("Enter") // the cursor starts on the only directory
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
	sc := waitFor("transfers finished: 2 done")
	left := ""
	for _, line := range strings.Split(sc, "\n") {
		if len([]rune(line)) > 60 {
			left += string([]rune(line)[:60]) + "\n"
		}
	}
	if !strings.Contains(left, "alpha.bin") || !strings.Contains(left, "beta one.bin") {
		t.Fatalf("the local pane does not show the copies:\n%s", sc)
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
	keys("q")
}
