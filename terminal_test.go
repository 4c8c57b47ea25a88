package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"ferry/protocol/ftptest"
)

// TestOnARealTerminalRmAsksAndAPasswordInTheURLEarnsAHint runs the built
// binary in tmux, where stdin and stderr are a terminal: rm -r asks and
// keeps the directory on "n", removes it on "y"; a password in the URL
// brings one hint, which never shows the password.
func TestOnARealTerminalRmAsksAndAPasswordInTheURLEarnsAHint(t *testing.T) {
	tmux := lookTmux(t)
	bin := buildFerry(t, t.TempDir())
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	s.WriteFile(t, "dir/file", []byte("x"))
	config := t.TempDir()

	tm := tmuxServer(t, tmux, "ferry-term")
	// Each run gets a session of its own, and none is killed before the
	// end: a tmux server whose last session ends exits, and a session
	// started at that moment fails.
	session := ""
	run := func(env, args string) {
		session = fmt.Sprintf("t%d", time.Now().UnixNano())
		script := fmt.Sprintf("XDG_CONFIG_HOME=%q %s %q %s; echo exit=$?; sleep 60", config, env, bin, args)
		tm("new-session", "-d", "-s", session, "-x", "200", "-y", "20", script)
	}
	waitFor := func(what string) string {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			sc := tm("capture-pane", "-p", "-J", "-t", session)
			if strings.Contains(sc, what) {
				return sc
			}
			if time.Now().After(deadline) {
				t.Fatalf("the terminal never showed %q:\n%s", what, sc)
			}
		}
	}

	url := serverURL(s, "ftpes", "dir")
	pw := fmt.Sprintf("FERRY_PASSWORD=%q", s.Password)
	for _, c := range []struct {
		answer string
		exit   string
		gone   bool
	}{{"n", "exit=1", false}, {"y", "exit=0", true}} {
		run(pw, fmt.Sprintf("rm -r --ca %q %q", s.CAFile, url))
		waitFor("and everything in it? [y/N]")
		tm("send-keys", "-t", session, c.answer, "Enter")
		waitFor(c.exit)
		if _, err := os.Stat(s.Path("dir")); (err != nil) != c.gone {
			t.Errorf("answer %q: the directory is gone: %v", c.answer, err != nil)
		}
	}

	withPass := "ftpes://" + s.User + ":" + s.Password + "@" + s.Addr + "/"
	run("", fmt.Sprintf("ls --ca %q %q", s.CAFile, withPass))
	sc := waitFor("exit=0")
	if strings.Count(sc, "hint: a password in the URL") != 1 || strings.Contains(sc, s.Password) {
		t.Errorf("the hint is missing, repeated, or shows the password:\n%s", sc)
	}
}
