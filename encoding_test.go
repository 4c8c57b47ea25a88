package main

import (
	"strings"
	"testing"

	"ferry/protocol/ftptest"
)

// TestLsDecodesLegacyNamesWithEncoding is `ferry ls -l --encoding` on
// servers holding names in Latin-1 and Shift-JIS bytes: the decoded
// names are printed; without the flag the same bytes are shown escaped.
func TestLsDecodesLegacyNamesWithEncoding(t *testing.T) {
	for _, kind := range []ftptest.Kind{ftptest.VSFTPD, ftptest.ProFTPD, ftptest.PureFTPD} {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			s.WriteFile(t, "latin/caf\xe9 cr\xe8me.txt", []byte("latin"))
			s.WriteFile(t, "sjis/\x93\xfa\x96\x7b\x8c\xea.txt", []byte("sjis"))
			t.Setenv("FERRY_PASSWORD", s.Password)
			for _, tc := range []struct{ encoding, dir, want string }{
				{"latin1", "latin", "café crème.txt"},
				{"shift_jis", "sjis", "日本語.txt"},
				{"", "latin", `caf\xe9 cr\xe8me.txt`},
			} {
				args := []string{"ls", "-l", "--ca", s.CAFile, serverURL(s, "ftpes", tc.dir)}
				if tc.encoding != "" {
					args = append(args, "--encoding", tc.encoding)
				}
				code, out, errOut := ferry(t, args...)
				if code != 0 {
					t.Fatalf("%q: exit %d: %s", args, code, errOut)
				}
				if !strings.HasSuffix(strings.TrimSpace(out), " "+tc.want) || errOut != "" {
					t.Errorf("ls --encoding %q printed %q (stderr %q), want a line ending in %q", tc.encoding, out, errOut, tc.want)
				}
			}
		})
	}
}

func TestUnknownEncodingIsAUsageError(t *testing.T) {
	code, _, errOut := ferry(t, "ls", "--encoding", "klingon", "ftp://127.0.0.1:1/")
	if code != 2 || !strings.Contains(errOut, `unknown encoding "klingon"`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
