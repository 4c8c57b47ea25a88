package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferry/bookmarks"
)

// needShell returns the path of a program the completion tests drive.
// Under CI=true a missing one fails the test (scripts/install-servers
// installs them); elsewhere it skips.
func needShell(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI (scripts/install-servers installs it)", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// TestBashCompletesVerbsFlagsValuesBookmarksAndPaths sources the script
// in a real bash and runs its completion function the way bash does on
// Tab, with the built ferry on PATH to list the bookmarks.
func TestBashCompletesVerbsFlagsValuesBookmarksAndPaths(t *testing.T) {
	bash := needShell(t, "bash")
	bin := buildFerry(t, t.TempDir())
	dir := configHome(t)
	addBookmarks(t, dir, bookmarks.Bookmark{Name: "work", Host: "ftp.example.org"},
		bookmarks.Bookmark{Name: "nas", Host: "192.168.1.20"}, bookmarks.Bookmark{Name: "web", Host: "example.org"})
	local := t.TempDir()
	tree(t, local, map[string]string{"photos/a.jpg": "a", "notes.txt": "n"})
	tree(t, dir, map[string]string{"themes/mytheme.toml": "base = \"mono\"\n"})

	script := `source <(ferry completion bash) || exit 1
complete -p ferry
c() { COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _ferry
      printf '%s|' "$*"; printf '%s ' $(printf '%s\n' "${COMPREPLY[@]}" | sort); echo; }
c ferry mir
c ferry m
c ferry ls -b w
c ferry -b n
c ferry rm --bookmark ''
c ferry --tls ex
c ferry mirror --on-conflict re
c ferry --theme hi
c ferry --theme m
c ferry get --pa
c ferry chmod -
c ferry completion z
c ferry help bo
c ferry put not
c ferry put --ca ftp://h/ pho
c ferry bookmarks im
c ferry bookmarks import --pa
c ferry bookmarks import --passwords k
c ferry bookmarks import not
`
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", script)
	cmd.Dir = local
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	got := map[string]string{}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if !strings.HasPrefix(lines[0], "complete -F _ferry ferry") {
		t.Errorf("not registered: %q", lines[0])
	}
	for _, l := range lines[1:] {
		words, reply, _ := strings.Cut(l, "|")
		got[words] = strings.TrimSpace(reply)
	}
	for words, want := range map[string]string{
		"ferry mir":                     "mirror",
		"ferry m":                       "man mirror mkdir mv",
		"ferry ls -b w":                 "web work",
		"ferry -b n":                    "nas",
		"ferry rm --bookmark ":          "nas web work",
		"ferry --tls ex":                "explicit",
		"ferry mirror --on-conflict re": "rename resume",
		"ferry --theme hi":              "high-contrast",
		"ferry get --pa":                "--parallel",
		"ferry chmod -":                 "--active --active-address --active-ports --bookmark --ca --clear-data --debug --encoding --fingerprint --help --insecure --limit-rate --proxy --timeout --tls -R -b",
		"ferry completion z":            "zsh",
		"ferry help bo":                 "bookmarks",
		"ferry put not":                 "notes.txt",
		"ferry put --ca ftp://h/ pho":   "photos",
	} {
		if got[words] != want {
			t.Errorf("%q completes to %q, want %q", words, got[words], want)
		}
	}
}

// TestZshAndFishScriptsParse: zsh and fish read their scripts without a
// syntax error.
func TestZshAndFishScriptsParse(t *testing.T) {
	for _, sh := range []string{"zsh", "fish"} {
		t.Run(sh, func(t *testing.T) {
			path := needShell(t, sh)
			_, script, _ := ferry(t, "completion", sh)
			f := filepath.Join(t.TempDir(), "ferry."+sh)
			os.WriteFile(f, []byte(script), 0o644)
			if out, err := exec.Command(path, "-n", f).CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v\n%s", sh, err, out)
			}
		})
	}
}

// TestFishCompletesVerbsAndBookmarks asks a real fish what it would
// offer (complete -C) once the script is loaded.
func TestFishCompletesVerbsAndBookmarks(t *testing.T) {
	fish := needShell(t, "fish")
	bin := buildFerry(t, t.TempDir())
	dir := configHome(t)
	addBookmarks(t, dir, bookmarks.Bookmark{Name: "work", Host: "ftp.example.org"}, bookmarks.Bookmark{Name: "web", Host: "example.org"})
	tree(t, dir, map[string]string{"themes/mytheme.toml": "base = \"mono\"\n"})
	_, script, _ := ferry(t, "completion", "fish")
	f := filepath.Join(t.TempDir(), "ferry.fish")
	os.WriteFile(f, []byte(script), 0o644)
	for line, want := range map[string][]string{
		"ferry mir":           {"mirror"},
		"ferry ls -b w":       {"web", "work"},
		"ferry --tls ex":      {"explicit"},
		"ferry get --on-conf": {"--on-conflict"},
		"ferry completion ba": {"bash"},
	} {
		cmd := exec.Command(fish, "--no-config", "-c", "source "+f+"; complete -C '"+line+"'")
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("fish: %v\n%s", err, out)
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			word, _, _ := strings.Cut(l, "\t")
			got = append(got, word)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%q: fish offers %q, want %q", line, got, want)
		}
	}
}

// TestZshCompletesInAnInteractiveShell types into a real zsh in tmux
// (compinit, then the script) and reads what Tab put on the line: a verb,
// a flag value and a bookmark name.
func TestZshCompletesInAnInteractiveShell(t *testing.T) {
	zsh := needShell(t, "zsh")
	tmux := lookTmux(t)
	bin := buildFerry(t, t.TempDir())
	dir := configHome(t)
	addBookmarks(t, dir, bookmarks.Bookmark{Name: "workplace", Host: "ftp.example.org"})
	home := t.TempDir()
	tm := tmuxServer(t, tmux, "ferry-zsh")
	shell := fmt.Sprintf("env -i HOME=%q TERM=xterm PATH=%q XDG_CONFIG_HOME=%q %q -f", home,
		filepath.Dir(bin)+":/usr/bin:/bin", filepath.Dir(dir), zsh)
	tm("new-session", "-d", "-s", "z", "-x", "120", "-y", "20", shell)
	screen := func(want string) string {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			sc := tm("capture-pane", "-p", "-t", "z")
			if strings.Contains(sc, want) {
				return sc
			}
			if time.Now().After(deadline) {
				t.Fatalf("zsh never showed %q:\n%s", want, sc)
			}
		}
	}
	tm("send-keys", "-t", "z", `PS1='%% '; autoload -U compinit && compinit -u && source <(ferry completion zsh) && echo READY`, "Enter")
	screen("\nREADY")
	for _, c := range []struct{ typed, want string }{
		{"ferry mir", "% ferry mirror"},
		{"ferry --tls ex", "% ferry --tls explicit"},
		{"ferry ls -b wo", "% ferry ls -b workplace"},
	} {
		tm("send-keys", "-t", "z", "-l", c.typed)
		tm("send-keys", "-t", "z", "Tab")
		screen(c.want)
		tm("send-keys", "-t", "z", "C-u")
	}
}
