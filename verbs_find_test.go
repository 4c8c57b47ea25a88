package main

import (
	"strings"
	"testing"

	"ferry/protocol/ftptest"
)

func TestFindPrintsMatchesThreeFoldersDownOnEveryServer(t *testing.T) {
	for _, kind := range ftptest.AllKinds {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			s.WriteFile(t, "top.log", []byte("1"))
			s.WriteFile(t, "a/b/c/deep.log", []byte("22"))
			s.WriteFile(t, "a/b/c/deep.txt", []byte("333"))
			s.WriteFile(t, "a/logs.log/inside.txt", []byte("4"))
			t.Setenv("FERRY_PASSWORD", s.Password)
			code, out, errOut := ferry(t, "find", "--ca", s.CAFile, serverURL(s, "ftp", ""), "*.log")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			got := strings.Split(strings.TrimSpace(out), "\n")
			want := map[string]bool{"top.log": true, "a/logs.log/": true, "a/b/c/deep.log": true}
			if len(got) != len(want) {
				t.Fatalf("found %q, want %v", got, want)
			}
			for _, p := range got {
				if !want[strings.TrimPrefix(p, "./")] {
					t.Errorf("unexpected %q in %q", p, got)
				}
			}
			// Under a folder of the URL, paths keep its form.
			code, out, _ = ferry(t, "find", "--ca", s.CAFile, serverURL(s, "ftp", "a/b"), "deep.*")
			if code != 0 || strings.TrimSpace(out) != "a/b/c/deep.log\na/b/c/deep.txt" && strings.TrimSpace(out) != "a/b/c/deep.txt\na/b/c/deep.log" {
				t.Fatalf("find under a/b: exit %d\n%s", code, out)
			}
		})
	}
}

func TestFindRefusesABadPattern(t *testing.T) {
	if code, _, errOut := ferry(t, "find", "ftp://example.org/", "["); code != exitUsage || !strings.Contains(errOut, "not a name pattern") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if code, _, _ := ferry(t, "find", "ftp://example.org/"); code != exitUsage {
		t.Fatalf("no pattern: exit %d", code)
	}
}
