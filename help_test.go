package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"ferry/protocol/ftptest"
)

// TestHelpGoesToStdoutAndExitsZero: every way of asking for help prints
// to stdout, nothing to stderr, and exits 0.
func TestHelpGoesToStdoutAndExitsZero(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string // a line only this help has
	}{
		{[]string{"--help"}, "  ferry [flags] VERB ARGS..."},
		{[]string{"-h"}, "  ferry [flags] VERB ARGS..."},
		{[]string{"help"}, "  ferry [flags] VERB ARGS..."},
		{[]string{"--debug", "--help"}, "  ferry [flags] VERB ARGS..."},
		{[]string{"help", "mirror"}, "  ferry mirror --reverse [flags] LOCALDIR URL"},
		{[]string{"mirror", "--help"}, "  ferry mirror --reverse [flags] LOCALDIR URL"},
		{[]string{"rm", "-h"}, "  -v "},
		{[]string{"get", "ftp://h/x", "--help"}, "  ferry get -r [flags] URL [LOCALDIR]"},
		{[]string{"chmod", "--help"}, "  -R "},
		{[]string{"quote", "--help"}, "  ferry quote [flags] URL COMMAND [ARGS...]"},
		{[]string{"completion", "--help"}, "  ferry completion bash|zsh|fish"},
		{[]string{"version", "-h"}, "  ferry version\n"},
		{[]string{"man", "--help"}, "  ferry man\n"},
		{[]string{"help", "--help"}, "  ferry help [VERB]"},
		{[]string{"bookmarks", "import", "--help"}, "flags of bookmarks import:\n  --dry-run "},
		{[]string{"ftp://h/", "--help"}, "  ferry [flags] VERB ARGS..."},
	} {
		code, out, errOut := ferry(t, c.args...)
		if code != 0 || errOut != "" || !strings.Contains(out, c.want+"") {
			t.Errorf("%q: exit %d, stderr %q, stdout lacks %q:\n%s", c.args, code, errOut, c.want, out)
		}
	}
}

// TestHelpNamesEveryVerbAndFlag: the overview lists each verb of the
// table, and each verb's help lists each of its flags, in lines that fit
// 80 columns.
func TestHelpNamesEveryVerbAndFlag(t *testing.T) {
	_, overview, _ := ferry(t, "--help")
	fits := func(what, text string) {
		for _, l := range strings.Split(text, "\n") {
			if n := len([]rune(l)); n > 80 {
				t.Errorf("%s: a line of %d columns: %q", what, n, l)
			}
		}
	}
	fits("--help", overview)
	for _, v := range verbTable() {
		if !strings.Contains(overview, "\n  "+v.Name+" ") {
			t.Errorf("--help does not list %s", v.Name)
		}
		_, out, _ := ferry(t, "help", v.Name)
		fits("help "+v.Name, out)
		for _, f := range flagsOf(v.Name) {
			if !strings.Contains(out, "  "+flagUsage(f)) {
				t.Errorf("help %s does not list %s", v.Name, flagUsage(f))
			}
		}
	}
}

// TestFlagsBeforeTheVerbAreTheVerbs: "ferry --ca FILE ls URL" is "ferry ls
// --ca FILE URL"; a value that spells a verb stays a value.
func TestFlagsBeforeTheVerbAreTheVerbs(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	s.WriteFile(t, "seen.txt", []byte("x"))
	t.Setenv("FERRY_PASSWORD", s.Password)
	code, out, errOut := ferry(t, "--ca", s.CAFile, "--timeout", "10s", "ls", serverURL(s, "ftp", ""))
	if code != 0 || !strings.Contains(out, "seen.txt") {
		t.Fatalf("flags before ls: exit %d: %s%s", code, out, errOut)
	}
	for _, c := range []struct {
		args       []string
		verb, rest string
	}{
		{[]string{"--ca", "ls", "ls", "u"}, "ls", "--ca ls u"},
		{[]string{"-b", "get", "get", "p"}, "get", "-b get p"},
		{[]string{"--insecure", "rm", "u"}, "rm", "--insecure u"},
		{[]string{"--debug", "ftp://h/"}, "", "--debug ftp://h/"},
		{[]string{"-b", "work"}, "", "-b work"},
		{[]string{"--version"}, "version", ""},
	} {
		verb, rest, err := splitVerb(c.args)
		if err != nil || verb != c.verb || strings.Join(rest, " ") != c.rest {
			t.Errorf("splitVerb(%q) = %q %q %v, want %q %q", c.args, verb, rest, err, c.verb, c.rest)
		}
	}
}

// TestShortFlagsCombineOnlyWhenEveryLetterIsABooleanFlag: rm -rf is
// rm -r -f; letters that are not boolean flags of the verb stay as they
// are, for the flag parser to refuse or a mode to keep.
func TestShortFlagsCombineOnlyWhenEveryLetterIsABooleanFlag(t *testing.T) {
	c := newCLI(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	for _, tc := range []struct{ verb, in, want string }{
		{"rm", "-rf", "-r -f"},
		{"rm", "-rfv x", "-r -f -v x"},
		{"rm", "-R", "-R"},
		{"rm", "-rx", "-rx"},
		{"rm", "--rf", "--rf"},
		{"rm", "-bx", "-bx"}, // -b takes a value
		{"ls", "-la", "-la"},
		{"chmod", "-R", "-R"},
	} {
		got := strings.Join(splitShortFlags(c.flags(tc.verb), strings.Fields(tc.in)), " ")
		if got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.verb, tc.in, got, tc.want)
		}
	}
}

// TestErrorsCarryOneFerryPrefix: usage and operation errors, the
// unknown-verb one and a server's refusal, each start with exactly one
// "ferry:".
func TestErrorsCarryOneFerryPrefix(t *testing.T) {
	configHome(t)
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", s.Password)
	for _, args := range [][]string{
		{"frobnicate"},
		{"--bogus"},
		{"ls", "--bogus", "ftp://h/"},
		{"ls", "-b", "nope"},
		{"help", "nope"},
		{"completion", "tcsh"},
		{"chmod", "u+q", "ftp://h/x"},
		{"rm", "--ca", s.CAFile, serverURL(s, "ftpes", "missing")},
		{"get", "--ca", s.CAFile, serverURL(s, "ftpes", "missing"), "-"},
		{"ls", "--ca", filepath.Join(t.TempDir(), "no-such.pem"), serverURL(s, "ftpes", "")},
	} {
		code, _, errOut := ferry(t, args...)
		first, _, _ := strings.Cut(errOut, "\n")
		if code == 0 || !strings.HasPrefix(first, "ferry: ") || strings.Count(first, "ferry:") != 1 {
			t.Errorf("%q: exit %d, first line %q", args, code, first)
		}
	}
	// Two failures of one verb: a line each, each with one prefix.
	code, _, errOut := ferry(t, "rm", "--ca", s.CAFile, serverURL(s, "ftpes", "gone1"), serverURL(s, "ftpes", "gone2"))
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if code != exitFailed || len(lines) != 2 || !strings.HasPrefix(lines[0], "ferry: rm ") || !strings.HasPrefix(lines[1], "ferry: rm ") ||
		!strings.Contains(lines[1], "gone2") {
		t.Errorf("two failed removals: exit %d:\n%s", code, errOut)
	}
}

// TestVersionLineShowsModuleRevisionAndTime: the pieces of build
// information that are present appear, and none is made up.
func TestVersionLineShowsModuleRevisionAndTime(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "ferry", Version: "v1.2.3"}}
	if got, want := versionLine(bi), "ferry v1.2.3 go1.26.0"; got != want {
		t.Errorf("without VCS: %q, want %q", got, want)
	}
	bi.Settings = []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-11-24T15:10:00Z"}, {Key: "vcs.modified", Value: "true"}}
	if got, want := versionLine(bi), "ferry v1.2.3 revision abc123 (modified) time 2026-11-24T15:10:00Z go1.26.0"; got != want {
		t.Errorf("with VCS: %q, want %q", got, want)
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		if code, out, _ := ferry(t, args...); code != 0 || !strings.HasPrefix(out, "ferry ") {
			t.Errorf("%q: exit %d: %q", args, code, out)
		}
	}
}

// TestVersionOfABuiltBinaryNamesItsCommit builds ferry from a clone of
// this commit with VCS stamping and checks that --version names it. (A
// git worktree's .git is a file, which the go command does not stamp
// from, hence the clone.)
func TestVersionOfABuiltBinaryNamesItsCommit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("git is required in CI")
		}
		t.Skip("git not installed")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI runs in a git checkout, but git rev-parse failed: %v", err)
		}
		t.Skipf("not in a git checkout: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "src")
	if out, err := exec.Command("git", "clone", "-q", "--no-local", ".", dir).CombinedOutput(); err != nil {
		t.Fatalf("clone: %v\n%s", err, out)
	}
	bin := filepath.Join(t.TempDir(), "ferry")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	want := "revision " + strings.TrimSpace(string(head)) + " time "
	if err != nil || !strings.Contains(string(out), want) {
		t.Fatalf("--version: %v %q, want it to contain %q", err, out, want)
	}
}

// TestPasswordInURLGetsAHintOnATerminal: a password in the URL earns one
// hint when stderr is a terminal, none otherwise, and the password is
// never printed.
func TestPasswordInURLGetsAHintOnATerminal(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	configHome(t)
	url := "ftpes://" + s.User + ":" + s.Password + "@" + s.Addr + "/"
	for _, tty := range []bool{true, false} {
		var out, errOut bytes.Buffer
		c := newCLI(strings.NewReader(""), &out, &errOut)
		c.stderrTerminal = tty
		code := c.main(context.Background(), []string{"cat", "--ca", s.CAFile, url + "a", url + "b"})
		hints := strings.Count(errOut.String(), "hint: a password in the URL")
		want := 0
		if tty {
			want = 1
		}
		if hints != want || strings.Contains(errOut.String(), s.Password) {
			t.Errorf("terminal %v: exit %d, %d hints, stderr %q", tty, code, hints, errOut.String())
		}
	}
}
