package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry/protocol/ftptest"
)

// ferry runs the command line in-process and returns its exit status and
// output.
func ferry(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func serverURL(s *ftptest.Server, scheme, path string) string {
	return fmt.Sprintf("%s://%s@%s/%s", scheme, s.User, s.Addr, path)
}

// TestLsShowsTheSameTreeOnEveryServer is `ferry ls` against the four
// servers: names, kinds and sizes agree (times differ by server clock
// and precision, so they are cut off).
func TestLsShowsTheSameTreeOnEveryServer(t *testing.T) {
	var first string
	for _, kind := range ftptest.AllKinds {
		s := ftptest.Start(t, kind, ftptest.Options{})
		s.WriteFile(t, "a.txt", []byte("alpha"))
		s.WriteFile(t, "b c.txt", []byte("bravo charlie"))
		s.WriteFile(t, ".dot", []byte("."))
		s.WriteFile(t, "dir/x", []byte("x"))
		t.Setenv("FERRY_PASSWORD", s.Password)
		code, out, errOut := ferry(t, "ls", "--ca", s.CAFile, serverURL(s, "ftp", ""))
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", kind, code, errOut)
		}
		var shape []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			f := strings.Fields(line)
			// kind, size, then the name after the date and time columns
			shape = append(shape, f[0]+" "+f[1]+" "+strings.Join(f[4:], " "))
		}
		got := strings.Join(shape, "\n")
		if first == "" {
			first = got
			if want := "- 1 .dot\n- 5 a.txt\n- 13 b c.txt\nd - dir"; got != want {
				t.Fatalf("%s ls:\n%s\nwant\n%s", kind, got, want)
			}
		} else if got != first {
			t.Errorf("%s ls differs:\n%s\nfirst server:\n%s", kind, got, first)
		}
	}
}

func TestGetAndPutRoundTrip(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	s.WriteFile(t, "remote.txt", []byte("from the server"))
	t.Setenv("FERRY_PASSWORD", s.Password)
	dir := t.TempDir()

	local := filepath.Join(dir, "copy.txt")
	if code, _, errOut := ferry(t, "get", serverURL(s, "ftpes", "remote.txt"), local, "--ca", s.CAFile); code != 0 {
		t.Fatalf("get: %d %s", code, errOut)
	}
	if b, _ := os.ReadFile(local); string(b) != "from the server" {
		t.Fatalf("got %q", b)
	}
	// Into a directory, under the remote base name.
	if code, _, errOut := ferry(t, "get", "--ca", s.CAFile, serverURL(s, "ftpes", "remote.txt"), dir); code != 0 {
		t.Fatalf("get into dir: %d %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "remote.txt")); err != nil {
		t.Fatal(err)
	}
	// To stdout.
	if code, out, _ := ferry(t, "get", "--ca", s.CAFile, serverURL(s, "ftpes", "remote.txt"), "-"); code != 0 || out != "from the server" {
		t.Fatalf("get -: %d %q", code, out)
	}
	// Upload into a directory URL.
	up := filepath.Join(dir, "up load.txt")
	os.WriteFile(up, []byte("to the server"), 0o644)
	if code, _, errOut := ferry(t, "put", "--ca", s.CAFile, up, serverURL(s, "ftpes", "")); code != 0 {
		t.Fatalf("put: %d %s", code, errOut)
	}
	if b, err := os.ReadFile(s.Path("up load.txt")); err != nil || string(b) != "to the server" {
		t.Fatalf("server has %q %v", b, err)
	}
}

func TestFailedGetLeavesNoFileAndExitsOne(t *testing.T) {
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", s.Password)
	dir := t.TempDir()
	code, _, errOut := ferry(t, "get", "--ca", s.CAFile, serverURL(s, "ftpes", "missing.txt"), filepath.Join(dir, "missing.txt"))
	if code != 1 || !strings.Contains(errOut, "550") {
		t.Fatalf("exit %d, stderr %q; want 1 with the server's 550", code, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"},
		{"ls"},
		{"ls", "http://example.org/"},
		{"get", "ftp://example.org/"},
		{"ls", "--tls", "sometimes", "ftp://127.0.0.1/"},
		{"ls", "--tls", "off", "ftps://127.0.0.1/"},
		{"ls", "--bogus", "ftp://127.0.0.1/"},
	} {
		if code, _, errOut := ferry(t, args...); code != 2 {
			t.Errorf("%q: exit %d (%s), want 2", args, code, errOut)
		}
	}
}

func TestDebugShowsConversationWithoutPassword(t *testing.T) {
	s := ftptest.Start(t, ftptest.PureFTPD, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", s.Password)
	code, _, errOut := ferry(t, "ls", "--debug", "--ca", s.CAFile, serverURL(s, "ftpes", ""))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(errOut, s.Password) || !strings.Contains(errOut, "> PASS ****") || !strings.Contains(errOut, "> AUTH TLS") {
		t.Fatalf("debug output:\n%s", errOut)
	}
}

func TestAutoTLSWarnsWhenServerRefusesAndCertFailureNeverFallsBack(t *testing.T) {
	plain := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", plain.Password)
	code, _, errOut := ferry(t, "ls", serverURL(plain, "ftp", ""))
	if code != 0 || !strings.Contains(errOut, "refused AUTH TLS") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if code, _, _ := ferry(t, "ls", serverURL(plain, "ftpes", "")); code != 1 {
		t.Fatalf("ftpes:// against a plain server: exit %d, want 1", code)
	}

	tlsServer := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", tlsServer.Password)
	code, out, errOut := ferry(t, "ls", serverURL(tlsServer, "ftp", ""))
	if code != 1 || out != "" || !strings.Contains(errOut, "--fingerprint sha256:") {
		t.Fatalf("self-signed without trust: exit %d, out %q, stderr %q", code, out, errOut)
	}
	fp := fmt.Sprintf("%x", tlsServer.Fingerprint)
	if code, _, errOut := ferry(t, "ls", "--fingerprint", fp, serverURL(tlsServer, "ftp", "")); code != 0 {
		t.Fatalf("with the pinned fingerprint: exit %d %s", code, errOut)
	}
}

func TestImplicitSchemeLists(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{Implicit: true})
	s.WriteFile(t, "implicit.txt", []byte("i"))
	t.Setenv("FERRY_PASSWORD", s.Password)
	code, out, errOut := ferry(t, "ls", "--ca", s.CAFile, serverURL(s, "ftps", ""))
	if code != 0 || !strings.Contains(out, "implicit.txt") {
		t.Fatalf("exit %d, out %q, stderr %q", code, out, errOut)
	}
}
