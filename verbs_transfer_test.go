package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry/protocol/ftptest"
)

// tree writes files (by '/'-separated path) under dir.
func tree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sameFiles checks that dir holds exactly files.
func sameFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	got := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			b, _ := os.ReadFile(p)
			got[filepath.ToSlash(rel)] = string(b)
		}
		return err
	})
	for name, want := range files {
		if got[name] != want {
			t.Errorf("%s: %q, want %q", name, got[name], want)
		}
	}
	if len(got) != len(files) {
		t.Errorf("%d files, want %d: %v", len(got), len(files), got)
	}
}

var treeFiles = map[string]string{
	"a.txt":               "alpha",
	"sub dir/b c.txt":     "bravo charlie",
	"sub dir/ünï/名前.txt":  "utf-8",
	"sub dir/ünï/.hidden": "dot",
}

func TestMirrorCopiesATreeAndASecondRunTransfersNothing(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	for name, body := range treeFiles {
		s.WriteFile(t, "pub/"+name, []byte(body))
	}
	t.Setenv("FERRY_PASSWORD", s.Password)
	dst := filepath.Join(t.TempDir(), "copy")
	code, _, errOut := ferry(t, "mirror", "--ca", s.CAFile, serverURL(s, "ftpes", "pub/"), dst)
	if code != 0 {
		t.Fatalf("mirror: exit %d: %s", code, errOut)
	}
	sameFiles(t, dst, treeFiles)
	os.WriteFile(filepath.Join(dst, "a.txt"), []byte("local change"), 0o644)
	code, _, errOut = ferry(t, "mirror", "--parallel", "2", "--ca", s.CAFile, serverURL(s, "ftpes", "pub"), dst)
	if code != 0 || errOut != "" {
		t.Fatalf("second mirror: exit %d: %s", code, errOut)
	}
	sameFiles(t, dst, treeFiles) // the changed file (other size) was fetched again
}

func TestMirrorReverseAndPutRUpload(t *testing.T) {
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", s.Password)
	src := filepath.Join(t.TempDir(), "photos")
	tree(t, src, treeFiles)
	if code, _, errOut := ferry(t, "mirror", "--reverse", "--ca", s.CAFile, src, serverURL(s, "ftpes", "site/www")); code != 0 {
		t.Fatalf("mirror --reverse: exit %d: %s", code, errOut)
	}
	sameFiles(t, s.Path("site/www"), treeFiles)
	if code, _, errOut := ferry(t, "put", "-r", "--ca", s.CAFile, src, serverURL(s, "ftpes", "inbox/")); code != 0 {
		t.Fatalf("put -r: exit %d: %s", code, errOut)
	}
	sameFiles(t, s.Path("inbox/photos"), treeFiles)
}

func TestGetRExitsOneAndNamesTheFileThatFailed(t *testing.T) {
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	s.WriteFile(t, "d/ok.txt", []byte("ok"))
	s.WriteFile(t, "d/secret.txt", []byte("no"))
	os.Chmod(s.Path("d/secret.txt"), 0)
	os.Chown(s.Path("d/secret.txt"), 0, 0)
	t.Setenv("FERRY_PASSWORD", s.Password)
	dst := t.TempDir()
	code, _, errOut := ferry(t, "get", "-r", serverURL(s, "ftp", "d"), dst)
	if code != 1 || !strings.Contains(errOut, "failed: d/secret.txt") || !strings.Contains(errOut, "1 of 2 transfers failed") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	sameFiles(t, filepath.Join(dst, "d"), map[string]string{"ok.txt": "ok"})
}

func TestTreeVerbsRefuseBadUsageAndMissingDirectories(t *testing.T) {
	for _, args := range [][]string{
		{"mirror", "ftp://127.0.0.1/"},
		{"mirror", "--parallel", "0", "ftp://127.0.0.1/", "x"},
		{"mirror", "--on-conflict", "ask", "ftp://127.0.0.1/", "x"},
		{"get", "-r", "ftp://127.0.0.1/"},
		{"put", "-r", "only-one"},
	} {
		if code, _, errOut := ferry(t, args...); code != 2 {
			t.Errorf("%q: exit %d (%s), want 2", args, code, errOut)
		}
	}
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", s.Password)
	dst := t.TempDir()
	code, _, errOut := ferry(t, "get", "-r", "--ca", s.CAFile, serverURL(s, "ftpes", "no-such-dir"), dst)
	if code != 1 || !strings.Contains(errOut, "550") {
		t.Fatalf("missing directory: exit %d, stderr %q", code, errOut)
	}
}
