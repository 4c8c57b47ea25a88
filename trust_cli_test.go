package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry/protocol/ftptest"
)

// TestPinnedOrUnreadableTrustStoreNeverSendsThePasswordInClear runs
// `ferry ls` in auto TLS mode against a scripted server that refuses AUTH
// TLS (with 500 or 534).
// With the server pinned in known_certs.toml, or with a known_certs.toml
// that cannot be read, is not TOML, or holds a malformed entry, ferry
// must stop before USER and PASS, naming the file (and line).
func TestPinnedOrUnreadableTrustStoreNeverSendsThePasswordInClear(t *testing.T) {
	const fp = "sha256:8bd82d827ad60caaabca2b418e67b279a13dd96fedc265e2b7a4d6282655ac5f"
	for _, refuse534 := range []bool{false, true} {
		for _, tc := range []struct {
			name  string
			setup func(t *testing.T, path, addr string)
			want  []string // in stderr
		}{
			{"pinned", func(t *testing.T, path, addr string) {
				write(t, path, "[[cert]]\nhost = \""+addr+"\"\nfingerprint = \""+fp+"\"\n")
			}, []string{"does not offer TLS"}},
			{"unreadable", func(t *testing.T, path, addr string) {
				if err := os.MkdirAll(path, 0o700); err != nil { // a directory: unreadable even for root
					t.Fatal(err)
				}
			}, []string{"known_certs.toml", "refusing to connect"}},
			{"not TOML", func(t *testing.T, path, addr string) {
				write(t, path, "[[cert]]\nhost = \""+addr+"\"\nfingerprint = 12\n")
			}, []string{"known_certs.toml:3:", "refusing to connect"}},
			{"host with a trailing space", func(t *testing.T, path, addr string) {
				write(t, path, "[[cert]]\nhost = \""+addr+" \"\nfingerprint = \""+fp+"\"\n")
			}, []string{"known_certs.toml:2:1", "refusing to connect"}},
		} {
			t.Run(fmt.Sprintf("534=%v %s", refuse534, tc.name), func(t *testing.T) {
				cfg := t.TempDir()
				t.Setenv("XDG_CONFIG_HOME", cfg)
				t.Setenv("FERRY_PASSWORD", "TopSecret1")
				srv := ftptest.NewHostile(t, ftptest.HostileOptions{RefuseAUTH: refuse534})
				addr := srv.Addr
				tc.setup(t, filepath.Join(cfg, "ferry", "known_certs.toml"), addr)
				code, _, errOut := ferry(t, "ls", "--timeout", "5s", "ftp://bob@"+addr+"/")
				if code != exitFailed {
					t.Errorf("exit %d, want %d", code, exitFailed)
				}
				for _, line := range srv.Commands() {
					if strings.HasPrefix(line, "USER") || strings.HasPrefix(line, "PASS") {
						t.Errorf("the client sent %q in plain text", line)
					}
				}
				for _, want := range tc.want {
					if !strings.Contains(errOut, want) {
						t.Errorf("stderr lacks %q:\n%s", want, errOut)
					}
				}
				if strings.Contains(errOut, "TopSecret1") {
					t.Errorf("stderr shows the password:\n%s", errOut)
				}
			})
		}
	}
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}
