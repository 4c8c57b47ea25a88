package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry/protocol/ftptest"
)

// withPassword is s's URL for path with the password in it.
func withPassword(s *ftptest.Server, scheme, p string) string {
	return fmt.Sprintf("%s://%s:%s@%s/%s", scheme, s.User, url.QueryEscape(s.Password), s.Addr, p)
}

func TestCopyBetweenTwoServersAndToLocal(t *testing.T) {
	stateHome(t)
	configHome(t)
	from := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{FXP: true})
	to := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{FXP: true})
	files := map[string]string{
		"a.txt":              "alpha",
		"with space/b.txt":   "beta",
		"ünï/名前/deep.txt":    "deep",
		"with space/empty.x": "",
	}
	for name, body := range files {
		from.WriteFile(t, "tree/"+name, []byte(body))
	}
	for _, tc := range []struct {
		name string
		args []string
		into string
	}{
		{"relay", nil, "relayed"},
		{"fxp", []string{"--fxp"}, "direct"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"copy", "-r", "--tls", "off"}, tc.args...)
			args = append(args, withPassword(from, "ftp", "tree"), withPassword(to, "ftp", tc.into))
			code, _, errOut := ferry(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			sameFiles(t, to.Path(tc.into), files)
		})
	}
	t.Run("to a local folder", func(t *testing.T) {
		dir := t.TempDir()
		code, _, errOut := ferry(t, "copy", "-r", "--tls", "off", withPassword(from, "ftp", "tree"), dir)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		sameFiles(t, filepath.Join(dir, "tree"), files)
	})
	t.Run("a file up", func(t *testing.T) {
		local := filepath.Join(t.TempDir(), "up.txt")
		os.WriteFile(local, []byte("up"), 0o644)
		code, _, errOut := ferry(t, "copy", "--tls", "off", local, withPassword(to, "ftp", ""))
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if got, _ := os.ReadFile(to.Path("up.txt")); string(got) != "up" {
			t.Errorf("uploaded %q", got)
		}
	})
	if code, _, _ := ferry(t, "copy", "a", "b"); code != 2 {
		t.Errorf("copy of two local paths: exit %d; want 2", code)
	}
}

func TestCopyTakesSegmentsForDownloadsOnly(t *testing.T) {
	stateHome(t)
	configHome(t)
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	s.WriteFile(t, "big.bin", data)
	dir := t.TempDir()
	code, _, errOut := ferry(t, "copy", "--segments", "3", "--tls", "off", withPassword(s, "ftp", "big.bin"), dir)
	if code != 0 {
		t.Fatalf("copy --segments 3 down: exit %d: %s", code, errOut)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "big.bin")); string(got) != string(data) {
		t.Error("the segmented copy differs from the server's file")
	}
	code, _, errOut = ferry(t, "copy", "--segments", "3", "--tls", "off", filepath.Join(dir, "big.bin"), withPassword(s, "ftp", "up.bin"))
	if code != 2 || !strings.Contains(errOut, "--segments splits downloads") {
		t.Errorf("copy --segments up: exit %d, %q; want a usage error saying why", code, errOut)
	}
}
