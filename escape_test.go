package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry/protocol/ftptest"
)

// Names a hostile server (or a careless upload) could hold: an escape
// sequence that retitles the terminal, one that clears it, and a
// right-to-left override that makes "evil\u202etxt.exe" read "evilexe.txt".
var hostileNames = []string{"title\x1b]0;owned\x07.txt", "clear\x1b[2J.txt", "evil\u202etxt.exe", "iso\u2067late.txt"}

// terminalControls fails when s holds something a terminal would obey
// (newlines apart).
func terminalControls(t *testing.T, what, s string) {
	t.Helper()
	for _, r := range s {
		if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)) {
			t.Errorf("%s holds %U: %q", what, r, s)
			return
		}
	}
}

func TestErrorLinesAreEscaped(t *testing.T) {
	var stderr bytes.Buffer
	code := newCLI(strings.NewReader(""), &bytes.Buffer{}, &stderr).report(errors.New("get x: ftp: RETR: 550 \x1b]0;owned\x07\u202e\nsecond line"), "")
	if code != exitFailed {
		t.Errorf("exit %d", code)
	}
	terminalControls(t, "stderr", stderr.String())
	if want := "ferry: get x: ftp: RETR: 550 \\x1b]0;owned\\x07\\u202e\nsecond line\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
}

// TestTreeVerbsSkipAndReportNamesWithControlOrBidiCharacters lists,
// downloads and uploads a folder holding such names: ls shows them
// escaped, and get -r, mirror and put -r copy the rest, write none of
// them, and name each (escaped) on stderr.
func TestTreeVerbsSkipAndReportNamesWithControlOrBidiCharacters(t *testing.T) {
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	s.WriteFile(t, "d/ok.txt", []byte("ok"))
	for _, n := range hostileNames {
		s.WriteFile(t, "d/"+n, []byte("bad"))
	}
	t.Setenv("FERRY_PASSWORD", s.Password)

	code, out, errOut := ferry(t, "ls", serverURL(s, "ftp", "d"))
	if code != 0 {
		t.Fatalf("ls: exit %d: %s", code, errOut)
	}
	terminalControls(t, "ls output", out)
	for _, want := range []string{`title\x1b]0;owned\x07.txt  [unsafe name]`, `evil\u202etxt.exe  [unsafe name]`} {
		if !strings.Contains(out, want) {
			t.Errorf("ls output lacks %q:\n%s", want, out)
		}
	}

	checkSkips := func(verb, errOut string) {
		t.Helper()
		terminalControls(t, verb+" stderr", errOut)
		for _, want := range []string{`title\x1b]0;owned\x07.txt`, `clear\x1b[2J.txt`, `evil\u202etxt.exe`, `iso\u2067late.txt`} {
			if !strings.Contains(errOut, "skipped") || !strings.Contains(errOut, want) {
				t.Errorf("%s does not report %s as skipped: %q", verb, want, errOut)
			}
		}
	}
	for _, args := range [][]string{{"get", "-r"}, {"mirror"}} {
		dst := t.TempDir()
		code, _, errOut := ferry(t, append(args, serverURL(s, "ftp", "d"), dst)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		checkSkips(strings.Join(args, " "), errOut)
		root := dst
		if args[0] == "get" {
			root = filepath.Join(dst, "d")
		}
		sameFiles(t, root, map[string]string{"ok.txt": "ok"})
	}

	src := filepath.Join(t.TempDir(), "up")
	tree(t, src, map[string]string{"fine.txt": "fine"})
	for _, n := range hostileNames {
		if err := os.WriteFile(filepath.Join(src, n), []byte("bad"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, errOut = ferry(t, "put", "-r", src, serverURL(s, "ftp", "inbox/"))
	if code != 0 {
		t.Fatalf("put -r: exit %d: %s", code, errOut)
	}
	checkSkips("put -r", errOut)
	sameFiles(t, s.Path("inbox/up"), map[string]string{"fine.txt": "fine"})
}

// TestHostileRepliesAndNamesReachTheTerminalEscaped: a scripted server
// puts an escape sequence, a BEL and a right-to-left override in every
// reply and in file names; ls, get -r and a failing get, all with
// --debug, print none of them raw, and get -r writes none of those names.
func TestHostileRepliesAndNamesReachTheTerminalEscaped(t *testing.T) {
	files := map[string]*ftptest.HostileFile{"/d/ok.txt": {Data: []byte("ok")}}
	for _, n := range hostileNames {
		files["/d/"+n] = &ftptest.HostileFile{Data: []byte("bad")}
	}
	srv := ftptest.NewHostile(t, ftptest.HostileOptions{Files: files, ReplyText: " \x1b]0;owned\x07\u202e", Greeting: "hi \x1b[2J"})
	t.Setenv("FERRY_PASSWORD", "pw")
	url := "ftp://bob@" + srv.Addr + "/"
	dst := t.TempDir()
	for _, args := range [][]string{
		{"ls", "--debug", url + "d"},
		{"get", "-r", "--debug", url + "d", dst},
		{"get", "--debug", url + "d/" + "missing.txt", dst},
	} {
		code, out, errOut := ferry(t, args...)
		terminalControls(t, args[0]+" stdout", out)
		terminalControls(t, args[0]+" stderr", errOut)
		if !strings.Contains(errOut, `\x1b]0;owned\x07\u202e`) {
			t.Errorf("%v (exit %d): the debug log does not show the replies escaped:\n%s", args, code, errOut)
		}
	}
	sameFiles(t, filepath.Join(dst, "d"), map[string]string{"ok.txt": "ok"})
}
