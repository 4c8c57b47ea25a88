package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ferry/bookmarks"
	"ferry/config"
	"ferry/protocol"
	"ferry/protocol/ftptest"
	"ferry/trust"
)

// configHome gives the test a configuration directory of its own and no
// password from the environment or ~/.netrc, and returns ferry's dir.
func configHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("NETRC", filepath.Join(home, "no-netrc"))
	t.Setenv("FERRY_PASSWORD", "")
	os.Unsetenv("FERRY_PASSWORD")
	return filepath.Join(home, "ferry")
}

func addBookmarks(t *testing.T, dir string, list ...bookmarks.Bookmark) {
	t.Helper()
	f := bookmarks.Load(dir)
	for _, b := range list {
		if err := f.Add(b); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBookmarksListsNamesAndURLsWithoutSecrets(t *testing.T) {
	dir := configHome(t)
	addBookmarks(t, dir,
		bookmarks.Bookmark{Name: "work", Host: "ftp.example.org", User: "alice", TLS: config.TLSExplicit, Password: "s3cret", RemoteDir: "/srv"},
		bookmarks.Bookmark{Name: "gnu", Host: "ftp.gnu.org"},
	)
	code, out, errOut := ferry(t, "bookmarks")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if want := "work\tftpes://alice@ftp.example.org/%2Fsrv\ngnu\tftp://ftp.gnu.org\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	if strings.Contains(out+errOut, "s3cret") {
		t.Error("a password was printed")
	}
}

func TestBrokenBookmarksFileFailsWithItsPosition(t *testing.T) {
	dir := configHome(t)
	os.MkdirAll(dir, 0o700)
	path := filepath.Join(dir, bookmarks.FileName)
	os.WriteFile(path, []byte("[[bookmark]]\nname = \"a\"\nhost = 5\n"), 0o600)
	code, _, errOut := ferry(t, "bookmarks")
	if code != exitFailed || !strings.Contains(errOut, path+":3:8: bookmark.host: ") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	code, _, errOut = ferry(t, "ls", "-b", "a")
	if code == 0 || !strings.Contains(errOut, path+":3:8") {
		t.Errorf("ls -b with a broken file: exit %d: %s", code, errOut)
	}
}

func TestUnknownBookmarkIsAUsageError(t *testing.T) {
	configHome(t)
	code, _, errOut := ferry(t, "ls", "-b", "nope")
	if code != exitUsage || !strings.Contains(errOut, `no bookmark called "nope"`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// TestVerbsUseABookmarkInPlaceOfAURL runs ls, get and put with -b against
// vsftpd: the bookmark supplies the CA file, the user, the password (via
// password_cmd) and the remote directory that relative paths start from.
func TestVerbsUseABookmarkInPlaceOfAURL(t *testing.T) {
	srv := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	srv.WriteFile(t, "site/index.html", []byte("<h1>hi</h1>"))
	srv.WriteFile(t, "other/x.txt", []byte("x"))
	dir := configHome(t)
	t.Setenv("SITE_PW", srv.Password)
	host, port, _ := strings.Cut(srv.Addr, ":")
	b := bookmarks.Bookmark{Name: "site", Host: host, User: srv.User, TLS: config.TLSExplicit,
		CAFile: srv.CAFile, PasswordCmd: `printf '%s\n' "$SITE_PW"`, RemoteDir: "/site"}
	b.Port, _ = strconv.Atoi(port)
	addBookmarks(t, dir, b)

	code, out, errOut := ferry(t, "ls", "-b", "site")
	if code != 0 || !strings.Contains(out, "index.html") {
		t.Fatalf("ls -b: exit %d: %s%s", code, out, errOut)
	}
	if code, out, errOut = ferry(t, "ls", "-b", "site", "/other"); code != 0 || !strings.Contains(out, "x.txt") {
		t.Fatalf("ls -b with an absolute path: exit %d: %s%s", code, out, errOut)
	}
	local := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(local, []byte("notes"), 0o644)
	if code, _, errOut = ferry(t, "put", "-b", "site", local); code != 0 {
		t.Fatalf("put -b into the remote dir: exit %d: %s", code, errOut)
	}
	if got, _ := os.ReadFile(srv.Path("site/notes.txt")); string(got) != "notes" {
		t.Fatalf("uploaded %q", got)
	}
	if code, out, errOut = ferry(t, "get", "-b", "site", "index.html", "-"); code != 0 || out != "<h1>hi</h1>" {
		t.Fatalf("get -b: exit %d: %q %s", code, out, errOut)
	}
}

// TestStoredCertificatesArePinnedUnlessFlagsSayOtherwise: a certificate in
// known_certs.toml lets ferry ls reach a self-signed server without --ca;
// a stored fingerprint that does not match is refused; trust flags win.
func TestStoredCertificatesArePinnedUnlessFlagsSayOtherwise(t *testing.T) {
	srv := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	dir := configHome(t)
	t.Setenv("FERRY_PASSWORD", srv.Password)
	url := serverURL(srv, "ftp", "")

	if code, _, errOut := ferry(t, "ls", url); code != exitFailed || !strings.Contains(errOut, "--fingerprint sha256:") {
		t.Fatalf("unknown certificate: exit %d: %s", code, errOut)
	}

	os.MkdirAll(dir, 0o700)
	known := filepath.Join(dir, trust.FileName)
	writeKnown := func(fp []byte) {
		text := "[[cert]]\nhost = \"" + srv.Addr + "\"\nfingerprint = \"" + protocol.FormatFingerprint(fp) + "\"\n"
		if err := os.WriteFile(known, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeKnown(srv.Fingerprint[:])
	if code, _, errOut := ferry(t, "ls", url); code != 0 {
		t.Fatalf("stored certificate: exit %d: %s", code, errOut)
	}

	writeKnown(make([]byte, 32))
	code, _, errOut := ferry(t, "ls", url)
	if code != exitFailed || !strings.Contains(errOut, "refused: this is not the certificate you trusted") {
		t.Fatalf("changed certificate: exit %d: %s", code, errOut)
	}
	if code, _, errOut := ferry(t, "ls", "--ca", srv.CAFile, url); code != 0 {
		t.Fatalf("--ca over a stale stored certificate: exit %d: %s", code, errOut)
	}
}
