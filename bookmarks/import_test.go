package bookmarks

import (
	"os"
	"strings"
	"testing"

	"ferry/config"
)

func parseFile(t *testing.T, name string) Found {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	found, err := ParseImport(f)
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func byName(found Found) map[string]Imported {
	m := map[string]Imported{}
	for _, im := range found.Bookmarks {
		m[im.Bookmark.Name] = im
	}
	return m
}

func TestFileZillaSiteManagerBecomesBookmarks(t *testing.T) {
	found := parseFile(t, "sitemanager.xml")
	if found.Format != "FileZilla" {
		t.Fatalf("format %q", found.Format)
	}
	got := byName(found)
	for _, tc := range []struct {
		name string
		want Bookmark
		pw   string
	}{
		{"Example", Bookmark{Name: "Example", Host: "ftp.example.org", User: "alice", TLS: config.TLSExplicit, RemoteDir: "/pub/my files", LocalDir: "/home/alice/site"}, "al1ce pässword"},
		{"Work/Intranet", Bookmark{Name: "Work/Intranet", Host: "files.work.example", Port: 2121, User: "bob", TLS: config.TLSAuto, Active: true}, "b0b-secret"},
		{"Work/Mirror", Bookmark{Name: "Work/Mirror", Host: "mirror.example.net", TLS: config.TLSOff}, ""},
		{"Work/Old sites/Legacy", Bookmark{Name: "Work/Old sites/Legacy", Host: "legacy.example.com", User: "carol", TLS: config.TLSImplicit}, ""},
		{"Work/Old sites/Locked", Bookmark{Name: "Work/Old sites/Locked", Host: "locked.example.com", User: "dave", TLS: config.TLSExplicit}, ""},
		{"Old style name", Bookmark{Name: "Old style name", Host: "old.example.org", User: "erin", TLS: config.TLSAuto}, "plain-old"},
		{"existing", Bookmark{Name: "existing", Host: "dup.example.org", TLS: config.TLSAuto}, ""},
	} {
		im, ok := got[tc.name]
		if !ok {
			t.Errorf("%q not imported; have %v", tc.name, found.Bookmarks)
			continue
		}
		if im.Bookmark != tc.want || im.Password != tc.pw {
			t.Errorf("%q:\n got %+v %q\nwant %+v %q", tc.name, im.Bookmark, im.Password, tc.want, tc.pw)
		}
	}
	if len(found.Bookmarks) != 7 {
		t.Errorf("%d bookmarks, want 7", len(found.Bookmarks))
	}
	notes := strings.Join(found.Notes, "\n")
	for _, want := range []string{`"Shell box" skipped: SFTP`, `"Work/Old sites/Locked": password not imported: it is encrypted with FileZilla's master password`} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}

func TestLftpBookmarksBecomeBookmarks(t *testing.T) {
	found := parseFile(t, "lftp-bookmarks")
	if found.Format != "lftp" {
		t.Fatalf("format %q", found.Format)
	}
	got := byName(found)
	for _, tc := range []struct {
		name string
		want Bookmark
		pw   string
	}{
		{"work", Bookmark{Name: "work", Host: "files.work.example", Port: 2121, User: "bob", TLS: config.TLSAuto, RemoteDir: "/srv/www"}, "b0b@pw"},
		{"home", Bookmark{Name: "home", Host: "ftp.example.org", User: "alice", TLS: config.TLSAuto, RemoteDir: "projects"}, ""},
		{"mirror", Bookmark{Name: "mirror", Host: "mirror.example.net", TLS: config.TLSAuto, RemoteDir: "pub/linux"}, ""},
		{"secure", Bookmark{Name: "secure", Host: "legacy.example.com", User: "carol", TLS: config.TLSImplicit}, ""},
		{"plainhost", Bookmark{Name: "plainhost", Host: "ftp.example.com", TLS: config.TLSAuto}, ""},
		{"existing", Bookmark{Name: "existing", Host: "dup.example.org", TLS: config.TLSAuto}, ""},
	} {
		im, ok := got[tc.name]
		if !ok {
			t.Errorf("%q not imported", tc.name)
			continue
		}
		if im.Bookmark != tc.want || im.Password != tc.pw {
			t.Errorf("%q:\n got %+v %q\nwant %+v %q", tc.name, im.Bookmark, im.Password, tc.want, tc.pw)
		}
	}
	if len(found.Bookmarks) != 6 || !strings.Contains(strings.Join(found.Notes, "\n"), `"shell" (line 5) skipped: sftp://`) {
		t.Errorf("bookmarks %d, notes %v", len(found.Bookmarks), found.Notes)
	}
}

func TestFileZillaPathsAreReadByLength(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1 0 3 pub 8 my files", "/pub/my files"},
		{"1 0", "/"},
		{"0 0 3 ünï 2 ab", "/ünï/ab"},
	} {
		got, err := fzPath(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("fzPath(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "x", "1 0 9 short", "2 0 3 DKA"} {
		if got, err := fzPath(bad); err == nil {
			t.Errorf("fzPath(%q) = %q, want an error", bad, got)
		}
	}
}

func TestNotABookmarksFileIsAnError(t *testing.T) {
	for _, text := range []string{"just some text\nmore\n", "<html><body>hi</body></html>", "<FileZilla3><Servers><Server>"} {
		if _, err := ParseImport(strings.NewReader(text)); err == nil {
			t.Errorf("ParseImport(%q) succeeded", text)
		}
	}
}

// TestImportKeepsExistingNamesAndPutsPasswordsInTheKeyringOnly: the
// existing bookmark is kept and reported; passwords go to the keyring
// and the file names the entries; a dry run writes nothing anywhere.
func TestImportKeepsExistingNamesAndPutsPasswordsInTheKeyringOnly(t *testing.T) {
	found := parseFile(t, "sitemanager.xml")
	dir := t.TempDir()
	f := Load(dir)
	kr := &mapKeyring{m: map[string]string{}}
	f.SetSecrets(kr)
	existing := Bookmark{Name: "existing", Host: "mine.example.org"}
	if err := f.Add(existing); err != nil {
		t.Fatal(err)
	}

	dry, err := f.Import(found.Bookmarks, SaveKeyring, true)
	if err != nil || len(dry.Added) != 6 || len(dry.Kept) != 1 || len(kr.m) != 0 || len(Load(dir).All()) != 1 {
		t.Fatalf("dry run: %+v %v; keyring %v; file %v", dry, err, kr.m, Load(dir).All())
	}

	res, err := f.Import(found.Bookmarks, SaveKeyring, false)
	if err != nil || len(res.Added) != 6 || strings.Join(res.Kept, ",") != "existing" {
		t.Fatalf("import: %+v %v", res, err)
	}
	if got, _ := Load(dir).Get("existing"); got != existing {
		t.Fatalf("the existing bookmark became %+v", got)
	}
	text := fileText(t, dir)
	for _, secret := range []string{"al1ce", "b0b-secret", "plain-old"} {
		if strings.Contains(text, secret) {
			t.Fatalf("bookmarks.toml holds %q:\n%s", secret, text)
		}
	}
	if kr.m["alice@ftp.example.org:21"] != "al1ce pässword" || kr.m["bob@files.work.example:2121"] != "b0b-secret" {
		t.Fatalf("keyring %v", kr.m)
	}
	if b, _ := Load(dir).Get("Example"); b.Keyring != "alice@ftp.example.org:21" {
		t.Fatalf("Example's keyring entry %q", b.Keyring)
	}
	// A second import finds every name taken.
	again, err := f.Import(found.Bookmarks, SaveKeyring, false)
	if err != nil || len(again.Added) != 0 || len(again.Kept) != 7 {
		t.Fatalf("second import: %+v %v", again, err)
	}
}

func TestImportWithoutAKeyringDropsPasswordsWithANote(t *testing.T) {
	found := parseFile(t, "lftp-bookmarks")
	dir := t.TempDir()
	f := Load(dir)
	f.SetSecrets(brokenKeyring{})
	res, err := f.Import(found.Bookmarks, SaveKeyring, false)
	if err != nil || len(res.Added) != 6 {
		t.Fatalf("%+v %v", res, err)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], `"work": password dropped`) {
		t.Fatalf("notes %v", res.Notes)
	}
	if strings.Contains(fileText(t, dir), "b0b@pw") {
		t.Fatal("the password went to the file")
	}
	// Asked for explicitly, the file keeps it.
	dir2 := t.TempDir()
	g := Load(dir2)
	if _, err := g.Import(found.Bookmarks, SaveFile, false); err != nil {
		t.Fatal(err)
	}
	if b, _ := Load(dir2).Get("work"); b.Password != "b0b@pw" {
		t.Fatalf("--passwords file: %+v", b)
	}
}

type mapKeyring struct{ m map[string]string }

func (k *mapKeyring) Get(a string) (string, error) { return k.m[a], nil }
func (k *mapKeyring) Set(a, p string) error        { k.m[a] = p; return nil }
