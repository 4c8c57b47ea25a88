package main

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"ferry/bookmarks"
	"ferry/config"
	"ferry/protocol/ftptest"
)

// onEveryServer runs fn against each of the four real servers, as its own
// subtest, with the password in the environment.
func onEveryServer(t *testing.T, fn func(t *testing.T, s *ftptest.Server, url func(path string) string, ca []string)) {
	for _, kind := range ftptest.AllKinds {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			t.Setenv("FERRY_PASSWORD", s.Password)
			var ca []string
			if s.TLS {
				ca = []string{"--ca", s.CAFile}
			}
			fn(t, s, func(p string) string { return serverURL(s, "ftp", p) }, ca)
		})
	}
}

func exists(path string) bool { _, err := os.Lstat(path); return err == nil }

// TestRmRemovesTreesWithoutFollowingLinks: rm -r -v removes a tree
// deepest first and names each removal; a link inside it to a directory
// outside is removed as a link, and what it pointed to stays.
func TestRmRemovesTreesWithoutFollowingLinks(t *testing.T) {
	onEveryServer(t, func(t *testing.T, s *ftptest.Server, url func(string) string, ca []string) {
		s.WriteFile(t, "keep/precious.txt", []byte("keep me"))
		s.WriteFile(t, "tree/a.txt", []byte("a"))
		s.WriteFile(t, "tree/sub/b c.txt", []byte("b"))
		s.WriteFile(t, "single.txt", []byte("1"))
		if err := os.Symlink("../keep", s.Path("tree/link")); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := ferry(t, append(ca, "rm", url("tree"))...)
		if code != exitFailed || !strings.Contains(errOut, "is a directory (rm -r") || !exists(s.Path("tree/a.txt")) {
			t.Fatalf("rm of a directory without -r: exit %d: %s", code, errOut)
		}
		code, out, errOut := ferry(t, append(ca, "rm", "-rv", url("tree"), url("single.txt"))...)
		if code != 0 {
			t.Fatalf("rm -r: exit %d: %s", code, errOut)
		}
		for _, p := range []string{"tree", "single.txt"} {
			if exists(s.Path(p)) {
				t.Errorf("%s is still there", p)
			}
		}
		if b, err := os.ReadFile(s.Path("keep/precious.txt")); err != nil || string(b) != "keep me" {
			t.Errorf("the link's target lost its file: %q %v", b, err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		want := map[string]bool{"removed tree/a.txt": true, "removed tree/sub/b c.txt": true, "removed tree/sub": true,
			"removed tree/link": true, "removed tree": true, "removed single.txt": true}
		for _, l := range lines {
			if !want[l] {
				t.Errorf("unexpected line %q", l)
			}
			delete(want, l)
		}
		if len(want) > 0 || lines[len(lines)-2] != "removed tree" {
			t.Errorf("-v output:\n%s\nmissing %v (the tree must come after its contents)", out, want)
		}
		if code, _, errOut := ferry(t, append(ca, "rm", url("nothing-here"))...); code != exitFailed || !strings.Contains(errOut, "550") {
			t.Errorf("rm of a missing file: exit %d: %s", code, errOut)
		}
	})
}

// TestRmAsksOnATerminalUnlessForced: with a person at the terminal, rm -r
// removes a directory only after "y"; -f does not ask.
func TestRmAsksOnATerminalUnlessForced(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", s.Password)
	for _, c := range []struct {
		answer  string
		args    []string
		removed bool
		asked   bool
	}{
		{"n\n", nil, false, true},
		{"\n", nil, false, true},
		{"yes\n", nil, true, true},
		{"", []string{"-f"}, true, false},
		{"", []string{"-fv"}, true, false},
	} {
		s.WriteFile(t, "dir/file", []byte("x"))
		var out, errOut bytes.Buffer
		cl := newCLI(strings.NewReader(c.answer), &out, &errOut)
		cl.stdinTerminal = true
		code := cl.main(context.Background(), append([]string{"rm", "-r", "--ca", s.CAFile, serverURL(s, "ftpes", "dir")}, c.args...))
		asked := strings.Contains(errOut.String(), "remove the directory ftpes://")
		if exists(s.Path("dir")) == c.removed || asked != c.asked {
			t.Errorf("answer %q %v: exit %d, removed %v, asked %v: %s", c.answer, c.args, code, !exists(s.Path("dir")), asked, errOut.String())
		}
		if !c.removed && code != exitFailed {
			t.Errorf("answer %q: exit %d, want 1 (nothing was removed)", c.answer, code)
		}
	}
}

// TestMkdirCreatesParentsOnlyWithP: mkdir fails where a parent is missing
// or the directory exists; mkdir -p creates every level and accepts what
// exists.
func TestMkdirCreatesParentsOnlyWithP(t *testing.T) {
	onEveryServer(t, func(t *testing.T, s *ftptest.Server, url func(string) string, ca []string) {
		s.WriteFile(t, "have/x", []byte("x"))
		if code, _, errOut := ferry(t, append(ca, "mkdir", url("new"), url("have/also"))...); code != 0 {
			t.Fatalf("mkdir: exit %d: %s", code, errOut)
		}
		for _, p := range []string{"new", "have/also"} {
			if st, err := os.Stat(s.Path(p)); err != nil || !st.IsDir() {
				t.Errorf("%s: %v", p, err)
			}
		}
		if code, _, errOut := ferry(t, append(ca, "mkdir", url("a/b/c"))...); code != exitFailed || !strings.Contains(errOut, "55") {
			t.Errorf("mkdir with a missing parent: exit %d: %s", code, errOut)
		}
		if code, _, errOut := ferry(t, append(ca, "mkdir", "-p", url("have/a/b c/d"), url("new"))...); code != 0 {
			t.Fatalf("mkdir -p: exit %d: %s", code, errOut)
		}
		if st, err := os.Stat(s.Path("have/a/b c/d")); err != nil || !st.IsDir() {
			t.Errorf("mkdir -p made nothing: %v", err)
		}
	})
}

// TestMvRenamesAndMovesIntoFolders: NEWPATH is a new name, or an
// existing folder (or one ending in /) that receives the file.
func TestMvRenamesAndMovesIntoFolders(t *testing.T) {
	onEveryServer(t, func(t *testing.T, s *ftptest.Server, url func(string) string, ca []string) {
		s.WriteFile(t, "a.txt", []byte("a"))
		s.WriteFile(t, "b.txt", []byte("b"))
		s.WriteFile(t, "dir/keep", []byte("k"))
		for _, c := range []struct {
			from, to, want string
		}{
			{"a.txt", "renamed.txt", "renamed.txt"},
			{"renamed.txt", "dir", "dir/renamed.txt"},
			{"b.txt", "dir/", "dir/b.txt"},
			{"dir", "/moved dir", "moved dir"},
		} {
			if code, _, errOut := ferry(t, append(ca, "mv", url(c.from), c.to)...); code != 0 {
				t.Fatalf("mv %s %s: exit %d: %s", c.from, c.to, code, errOut)
			}
			if !exists(s.Path(c.want)) || exists(s.Path(c.from)) {
				t.Errorf("mv %s %s: %s missing or source left", c.from, c.to, c.want)
			}
		}
		if code, _, errOut := ferry(t, append(ca, "mv", url("nope"), "x")...); code != exitFailed || !strings.Contains(errOut, "55") {
			t.Errorf("mv of a missing file: exit %d: %s", code, errOut)
		}
		// An existing target is kept unless -f.
		s.WriteFile(t, "new.txt", []byte("new"))
		s.WriteFile(t, "old.txt", []byte("old"))
		code, _, errOut := ferry(t, append(ca, "mv", url("new.txt"), "old.txt")...)
		if b, _ := os.ReadFile(s.Path("old.txt")); code != exitFailed || string(b) != "old" || !exists(s.Path("new.txt")) || !strings.Contains(errOut, "mv -f replaces it") {
			t.Errorf("mv onto an existing file: exit %d, old.txt %q: %s", code, b, errOut)
		}
		code, _, errOut = ferry(t, append(ca, "mv", "-f", url("new.txt"), "old.txt")...)
		if b, _ := os.ReadFile(s.Path("old.txt")); code != 0 || string(b) != "new" || exists(s.Path("new.txt")) {
			t.Errorf("mv -f onto an existing file: exit %d, old.txt %q: %s", code, b, errOut)
		}
	})
}

// TestChmodTakesOctalAndSymbolicModes: octal sets, symbolic changes what
// the server lists, -R reaches files below a directory.
func TestChmodTakesOctalAndSymbolicModes(t *testing.T) {
	onEveryServer(t, func(t *testing.T, s *ftptest.Server, url func(string) string, ca []string) {
		s.WriteFile(t, "f.sh", []byte("#!/bin/sh\n"))
		s.WriteFile(t, "d/one", []byte("1"))
		s.WriteFile(t, "d/sub/two", []byte("2"))
		perm := func(p string) os.FileMode {
			st, err := os.Stat(s.Path(p))
			if err != nil {
				t.Fatal(err)
			}
			return st.Mode().Perm()
		}
		for _, c := range []struct {
			args []string
			path string
			want os.FileMode
		}{
			{[]string{"600", url("f.sh")}, "f.sh", 0o600},
			{[]string{"u+x", url("f.sh")}, "f.sh", 0o700},
			{[]string{"go+r", url("f.sh")}, "f.sh", 0o744},
			{[]string{"-x", url("f.sh")}, "f.sh", 0o644}, // a mode that looks like a flag
			{[]string{"-R", "go-r", url("d")}, "d/sub/two", 0o600},
		} {
			if code, _, errOut := ferry(t, append(append(ca, "chmod"), c.args...)...); code != 0 {
				t.Fatalf("chmod %q: exit %d: %s", c.args, code, errOut)
			}
			if got := perm(c.path); got != c.want {
				t.Errorf("chmod %q: %s is %04o, want %04o", c.args, c.path, got, c.want)
			}
		}
		if got := perm("d"); got != 0o711 {
			t.Errorf("chmod -R go-r: d is %04o, want 0711", got)
		}
		if code, _, errOut := ferry(t, append(ca, "chmod", "u+q", url("f.sh"))...); code != exitUsage {
			t.Errorf("chmod with a bad mode: exit %d: %s", code, errOut)
		}
	})
}

// TestCatWritesFilesInOrder: several files, byte for byte, binary too.
func TestCatWritesFilesInOrder(t *testing.T) {
	onEveryServer(t, func(t *testing.T, s *ftptest.Server, url func(string) string, ca []string) {
		bin := []byte{0, 1, 2, '\r', '\n', 0xff, 0x1b, '['}
		s.WriteFile(t, "one.txt", []byte("one\n"))
		s.WriteFile(t, "two.bin", bin)
		code, out, errOut := ferry(t, append(ca, "cat", url("one.txt"), url("two.bin"))...)
		if code != 0 || out != "one\n"+string(bin) {
			t.Fatalf("cat: exit %d: %q %s", code, out, errOut)
		}
		if code, _, errOut := ferry(t, append(ca, "cat", url("missing"))...); code != exitFailed || !strings.Contains(errOut, "550") {
			t.Errorf("cat of a missing file: exit %d: %s", code, errOut)
		}
	})
}

// TestStatShowsTypeSizeAndPermissions: from MLST where the server has it
// (with its facts), from the parent's listing where it does not.
func TestStatShowsTypeSizeAndPermissions(t *testing.T) {
	onEveryServer(t, func(t *testing.T, s *ftptest.Server, url func(string) string, ca []string) {
		s.WriteFile(t, "dir/file name.txt", []byte("12345"))
		os.Chmod(s.Path("dir/file name.txt"), 0o640)
		code, out, errOut := ferry(t, append(ca, "stat", url("dir/file name.txt"))...)
		if code != 0 {
			t.Fatalf("stat: exit %d: %s", code, errOut)
		}
		for _, want := range []string{"type:        file\n", "size:        5\n", "modified:    20"} {
			if !strings.Contains(out, want) {
				t.Errorf("stat output lacks %q:\n%s", want, out)
			}
		}
		if s.Kind != ftptest.VSFTPD && !strings.Contains(out, "facts") {
			t.Errorf("%s offers MLST, but no facts are shown:\n%s", s.Kind, out)
		}
		if strings.Contains(out, "permissions:") && !strings.Contains(out, "rw-r-----") {
			t.Errorf("permissions shown wrong:\n%s", out)
		}
		for _, p := range []string{"dir", ""} {
			code, out, errOut = ferry(t, append(ca, "stat", url(p))...)
			if code != 0 || !strings.Contains(out, "type:        dir\n") {
				t.Errorf("stat of the directory %q: exit %d: %s%s", p, code, out, errOut)
			}
		}
		if code, _, errOut := ferry(t, append(ca, "stat", url("missing"))...); code != exitFailed {
			t.Errorf("stat of a missing file: exit %d: %s", code, errOut)
		}
	})
}

// TestQuotePrintsTheReplyAndFailsOnNegativeOnes: a raw command's reply is
// printed as the server sent it; 5xx makes the exit status 1.
func TestQuotePrintsTheReplyAndFailsOnNegativeOnes(t *testing.T) {
	onEveryServer(t, func(t *testing.T, s *ftptest.Server, url func(string) string, ca []string) {
		code, out, errOut := ferry(t, append(ca, "quote", url(""), "SYST")...)
		if code != 0 || !strings.HasPrefix(out, "215") {
			t.Errorf("quote SYST: exit %d: %q %s", code, out, errOut)
		}
		code, out, _ = ferry(t, append(ca, "quote", url(""), "XYZZY", "-l")...)
		if code != exitFailed || !strings.HasPrefix(out, "5") {
			t.Errorf("quote XYZZY -l: exit %d: %q", code, out)
		}
	})
}

// TestFileVerbsTakeABookmark: with -b NAME the verbs take paths relative
// to the bookmark's remote_dir (absolute ones stand for themselves), and
// its password_cmd and CA file.
func TestFileVerbsTakeABookmark(t *testing.T) {
	srv := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	srv.WriteFile(t, "site/index.html", []byte("<h1>hi</h1>"))
	srv.WriteFile(t, "site/old/x", []byte("x"))
	srv.WriteFile(t, "other/y", []byte("y"))
	dir := configHome(t)
	t.Setenv("SITE_PW", srv.Password)
	host, port, _ := strings.Cut(srv.Addr, ":")
	b := bookmarks.Bookmark{Name: "site", Host: host, User: srv.User, TLS: config.TLSExplicit,
		CAFile: srv.CAFile, PasswordCmd: `printf '%s\n' "$SITE_PW"`, RemoteDir: "/site"}
	b.Port, _ = strconv.Atoi(port)
	addBookmarks(t, dir, b)

	for _, c := range []struct {
		args  []string
		out   string
		check func() bool
	}{
		{[]string{"cat", "-b", "site", "index.html", "/other/y"}, "<h1>hi</h1>y", nil},
		{[]string{"mkdir", "-p", "-b", "site", "new/deeper"}, "", func() bool { return exists(srv.Path("site/new/deeper")) }},
		{[]string{"mv", "-b", "site", "index.html", "new/"}, "", func() bool { return exists(srv.Path("site/new/index.html")) }},
		{[]string{"chmod", "600", "-b", "site", "new/index.html"}, "", func() bool {
			st, err := os.Stat(srv.Path("site/new/index.html"))
			return err == nil && st.Mode().Perm() == 0o600
		}},
		{[]string{"rm", "-r", "-b", "site", "old"}, "", func() bool { return !exists(srv.Path("site/old")) }},
		{[]string{"-b", "site", "quote", "NOOP"}, "200 NOOP command successful\n", nil},
	} {
		code, out, errOut := ferry(t, c.args...)
		if code != 0 || (c.out != "" && out != c.out) || (c.check != nil && !c.check()) {
			t.Errorf("%q: exit %d, out %q, stderr %s", c.args, code, out, errOut)
		}
	}
	code, out, errOut := ferry(t, "stat", "-b", "site", "new/index.html")
	if code != 0 || !strings.Contains(out, "rw-------") {
		t.Errorf("stat -b: exit %d: %s%s", code, out, errOut)
	}
	if code, _, errOut := ferry(t, "rm", "-r", "-b", "site", "."); code != exitUsage || !exists(srv.Path("site")) {
		t.Errorf("rm -r -b site .: exit %d: %s", code, errOut)
	}
}

// TestWhatTheServerSendsIsPrintedEscaped: a file name with an escape
// sequence, removed with -v, and a reply echoing one, printed by quote,
// reach the terminal as \x1b, never as the raw byte.
func TestWhatTheServerSendsIsPrintedEscaped(t *testing.T) {
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", s.Password)
	evil := "red\x1b[31m.txt"
	s.WriteFile(t, "d/"+evil, []byte("x"))
	code, out, errOut := ferry(t, "rm", "-r", "-v", "--ca", s.CAFile, serverURL(s, "ftpes", "d"))
	if code != 0 || strings.Contains(out, "\x1b") || !strings.Contains(out, `removed d/red\x1b[31m.txt`) {
		t.Errorf("rm -v: exit %d: %q %s", code, out, errOut)
	}
	code, out, _ = ferry(t, "quote", "--ca", s.CAFile, serverURL(s, "ftpes", ""), "CWD", "no\x1b[2Jdir")
	if code != exitFailed || strings.Contains(out, "\x1b") || !strings.Contains(out, `no\x1b[2Jdir`) {
		t.Errorf("quote CWD: exit %d: %q", code, out)
	}
	// An error carrying the server's reply, which echoes the name.
	code, _, errOut = ferry(t, "cat", "--ca", s.CAFile, serverURL(s, "ftpes", "no%1B%5B2Jfile"))
	if code != exitFailed || strings.Contains(errOut, "\x1b") || !strings.Contains(errOut, `no\x1b[2Jfile`) {
		t.Errorf("cat of a missing file: exit %d: %q", code, errOut)
	}
}

// TestTreeWalksStopAtTheDepthBound: rm -r and chmod -R refuse to descend
// past maxTreeDepth folders (a server whose folders contain themselves
// would otherwise never end), and say so.
func TestTreeWalksStopAtTheDepthBound(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", s.Password)
	deep := "top" + strings.Repeat("/d", maxTreeDepth+1)
	s.WriteFile(t, deep+"/bottom.txt", []byte("x"))
	for _, args := range [][]string{{"chmod", "-R", "755"}, {"rm", "-r"}} {
		code, _, errOut := ferry(t, append(args, "--ca", s.CAFile, serverURL(s, "ftpes", "top"))...)
		if code != exitFailed || !strings.Contains(errOut, "deeper than 64 folders") || !exists(s.Path(deep+"/bottom.txt")) {
			t.Errorf("%q: exit %d: %s", args, code, errOut)
		}
	}
}
