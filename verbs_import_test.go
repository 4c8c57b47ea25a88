package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry/bookmarks"
)

// TestBookmarksImportFromFileZillaAndLftp: --dry-run changes nothing;
// the import adds every FTP site, keeps an existing name, and on a
// machine without a keyring drops passwords with a note rather than
// write them into bookmarks.toml (which --passwords file does).
func TestBookmarksImportFromFileZillaAndLftp(t *testing.T) {
	dir := configHome(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/ferry-no-bus") // never the user's keyring
	addBookmarks(t, dir, bookmarks.Bookmark{Name: "existing", Host: "mine.example.org"})
	fz := filepath.Join("bookmarks", "testdata", "sitemanager.xml")

	code, out, errOut := ferry(t, "bookmarks", "import", "--dry-run", fz)
	if code != 0 || !strings.Contains(out, "would add\tWork/Intranet\tftp://bob@files.work.example:2121") ||
		!strings.Contains(out, "kept\texisting") || !strings.Contains(errOut, `"Shell box" skipped: SFTP`) {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := len(bookmarks.Load(dir).All()); n != 1 {
		t.Fatalf("the dry run changed the file: %d bookmarks", n)
	}

	code, out, errOut = ferry(t, "bookmarks", "import", fz)
	if code != 0 || strings.Count(out, "added\t") != 6 || !strings.Contains(errOut, "password dropped") {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errOut)
	}
	data, _ := os.ReadFile(filepath.Join(dir, bookmarks.FileName))
	if strings.Contains(string(data), "b0b-secret") || strings.Contains(string(data), "al1ce") {
		t.Fatalf("a password went into bookmarks.toml:\n%s", data)
	}
	code, out, _ = ferry(t, "bookmarks")
	if code != 0 || !strings.Contains(out, "Example\tftpes://alice@ftp.example.org/%2Fpub/my%20files") {
		t.Fatalf("bookmarks after import:\n%s", out)
	}

	code, out, errOut = ferry(t, "bookmarks", "import", "--passwords", "file", filepath.Join("bookmarks", "testdata", "lftp-bookmarks"))
	if code != 0 || !strings.Contains(out, "added\twork\t") || !strings.Contains(out, "kept\texisting") {
		t.Fatalf("lftp import: exit %d\n%s\n%s", code, out, errOut)
	}
	if b, _ := bookmarks.Load(dir).Get("work"); b.Password != "b0b@pw" || b.RemoteDir != "/srv/www" {
		t.Fatalf("work: %+v", b)
	}

	for _, args := range [][]string{
		{"bookmarks", "import", "--passwords", "clipboard", fz},
		{"bookmarks", "import"},
	} {
		if code, _, errOut := ferry(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, %s", args, code, errOut)
		}
	}
	if code, _, errOut := ferry(t, "bookmarks", "import", filepath.Join(t.TempDir(), "missing.xml")); code != exitFailed {
		t.Errorf("missing file: exit %d, %s", code, errOut)
	}
}
