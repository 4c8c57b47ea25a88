package transfers

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry/protocol/ftptest"
)

// TestSmallDownloadAsksForTheHashAhead: on a server with a hash command
// (proftpd's mod_digest), a small file's hash request travels with its
// RETR instead of a round trip after it, and still verifies the file.
func TestSmallDownloadAsksForTheHashAhead(t *testing.T) {
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	for _, name := range []string{"a.bin", "b.bin", "c.bin"} {
		data := make([]byte, 50_000)
		rand.Read(data)
		s.WriteFile(t, "top/"+name, data)
	}
	var log syncBuffer
	dst := t.TempDir()
	snap := run(t, Options{Dial: site(s, logTo(&log)), Workers: 1, Policy: Overwrite},
		Spec{Site: "s", Direction: Download, Remote: "top", LocalRoot: dst, Dir: true})
	wantAll(t, snap, Done)
	for _, name := range []string{"a.bin", "b.bin", "c.bin"} {
		got, _ := os.ReadFile(filepath.Join(dst, name))
		want, _ := os.ReadFile(s.Path("top/" + name))
		if string(got) != string(want) {
			t.Fatalf("%s differs", name)
		}
	}
	lines := strings.Split(log.String(), "\n")
	ahead, verified := 0, strings.Count(log.String(), "verified with")
	for i, l := range lines {
		if !strings.HasPrefix(l, "> RETR ") {
			continue
		}
		// The hash command went out before this RETR with no reply
		// read in between.
		for j := i - 1; j >= 0 && strings.HasPrefix(lines[j], "> "); j-- {
			if strings.HasPrefix(lines[j], "> HASH ") || strings.HasPrefix(lines[j], "> XSHA") || strings.HasPrefix(lines[j], "> XMD5") {
				ahead++
				break
			}
		}
	}
	if verified != 3 || ahead < 2 {
		t.Fatalf("%d files verified by the server's hash, %d hash requests sent ahead of RETR; want 3 and at least 2:\n%s", verified, ahead, log.String())
	}
}

// TestOverwritingUploadAsksNothingBeforeItsData: with the Overwrite
// policy an upload does not ask whether its target exists (the answer
// would change nothing): each file costs its STOR and the size check
// behind it, over an existing target or a new one alike.
func TestOverwritingUploadAsksNothingBeforeItsData(t *testing.T) {
	h := ftptest.NewHostile(t, ftptest.HostileOptions{
		Files: map[string]*ftptest.HostileFile{"/up/b.txt": {Data: []byte("old")}},
	})
	src := t.TempDir()
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		os.WriteFile(filepath.Join(src, name), []byte("new "+name), 0o644)
	}
	var specs []Spec
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		specs = append(specs, Spec{Site: "h", Direction: Upload, Remote: "/up/" + name, LocalRoot: src, Local: name})
	}
	snap := run(t, Options{Dial: hostileSite(h), Workers: 1, Policy: Overwrite}, specs...)
	wantAll(t, snap, Done)
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		if got, _ := h.File("/up/" + name); string(got) != "new "+name {
			t.Errorf("%s holds %q", name, got)
		}
	}
	if n := h.Count("SIZE"); n != 3 {
		t.Errorf("%d SIZE commands for 3 uploads, want 3 (the checks after each): %q", n, h.Commands())
	}
}
