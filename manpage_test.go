package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestManPageRendersWithEveryVerbAndFlag feeds "ferry man" to man -l: it
// renders without a complaint, and shows each verb and flag of the tables
// --help is built from.
func TestManPageRendersWithEveryVerbAndFlag(t *testing.T) {
	man := needShell(t, "man")
	code, roffText, errOut := ferry(t, "man")
	if code != 0 || !strings.HasPrefix(roffText, ".TH FERRY 1") {
		t.Fatalf("ferry man: exit %d: %s", code, errOut)
	}
	page := filepath.Join(t.TempDir(), "ferry.1")
	os.WriteFile(page, []byte(roffText), 0o644)
	cmd := exec.Command(man, "-l", page)
	cmd.Env = append(os.Environ(), "MANWIDTH=100", "MANPAGER=cat", "PAGER=cat", "LANG=C.UTF-8")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("man -l: %v\n%s", err, stderr.String())
	}
	text := string(out)
	if groff, err := exec.LookPath("groff"); err == nil {
		// The strictest reading: every warning on.
		check := exec.Command(groff, "-man", "-ww", "-z", page)
		if out, err := check.CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("groff -ww: %v\n%s", err, out)
		}
	}
	for _, want := range []string{"FERRY(1)", "NAME", "SYNOPSIS", "VERBS", "OPTIONS", "URLS", "FILES", "ENVIRONMENT", "EXIT STATUS", "EXAMPLES", "FERRY_PASSWORD", "ferry completion fish > ~/.config/fish/completions/ferry.fish"} {
		if !strings.Contains(text, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
	for _, v := range verbTable() {
		if !strings.Contains(text, "ferry "+v.Name) {
			t.Errorf("the rendered page lacks the verb %s", v.Name)
		}
		for _, f := range flagsOf(v.Name) {
			if !strings.Contains(text, flagUsage(f)) {
				t.Errorf("the rendered page lacks %s", flagUsage(f))
			}
		}
	}
}
