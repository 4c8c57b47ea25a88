package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferry/protocol/ftptest"
)

// TestTUIShowsHostileNamesAndRepliesEscapedInTmux runs the built binary
// in tmux against a scripted server whose file names and replies carry an
// OSC sequence that would retitle the terminal, and checks that the pane
// title never changes while the names and the log panel show the
// sequence escaped. A first window prints the same bytes raw, to prove
// that tmux would have obeyed them.
func TestTUIShowsHostileNamesAndRepliesEscapedInTmux(t *testing.T) {
	tmux := lookTmux(t)
	const osc = "\x1b]2;owned\x07"
	srv := ftptest.NewHostile(t, ftptest.HostileOptions{
		Files: map[string]*ftptest.HostileFile{
			"/title" + osc + ".txt": {Data: []byte("x")},
			"/evil\u202etxt.exe":    {Data: []byte("y")},
		},
		ReplyText: " " + osc,
	})
	dir := t.TempDir()
	bin := buildFerry(t, dir)
	tm := tmuxServer(t, tmux, "ferry-e2e-esc")
	title := func(target string) string {
		return strings.TrimSpace(tm("display-message", "-p", "-t", target, "#{pane_title}"))
	}
	waitTitle := func(target, want string) bool {
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if title(target) == want {
				return true
			}
		}
		return false
	}

	// The control: the raw bytes do retitle a tmux pane.
	tm("new-session", "-d", "-s", "raw", "-x", "120", "-y", "35", `printf '\033]2;owned\007'; sleep 60`)
	if !waitTitle("raw", "owned") {
		t.Fatalf("tmux did not take the title from the raw sequence (title %q): the check below would prove nothing", title("raw"))
	}

	script := fmt.Sprintf("XDG_CONFIG_HOME=%q XDG_STATE_HOME=%q FERRY_PASSWORD=pw TERM=xterm-256color %q ftp://bob@%s/",
		filepath.Join(dir, "config"), filepath.Join(dir, "state"), bin, srv.Addr)
	tm("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "35", script)
	before := title("e2e")
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
				t.Fatalf("screen never showed %q:\n%s", what, sc)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitFor(`title\x1b]2;owned\x07.txt`)
	waitFor(`evil\u202etxt.exe`)
	tm("send-keys", "-t", "e2e", "C-l") // the log panel: replies carry the sequence
	waitFor(`< 226`)
	shown := false
	for _, line := range strings.Split(screen(), "\n") {
		shown = shown || strings.Contains(line, "< 2") && strings.Contains(line, `\x1b]2;owned\x07`)
	}
	if !shown {
		t.Fatalf("the log panel does not show a reply with the sequence escaped:\n%s", screen())
	}
	if got := title("e2e"); got == "owned" || got != before && got != "ferry" {
		t.Fatalf("the pane title changed from %q to %q", before, got)
	}
	tm("send-keys", "-t", "e2e", "q")
}
