package bookmarks

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry/secrets"
	"ferry/secrets/secretstest"
)

// brokenKeyring is a machine without a keyring.
type brokenKeyring struct{}

func (brokenKeyring) Get(string) (string, error) {
	return "", fmt.Errorf("%w (no session bus)", secrets.ErrUnavailable)
}
func (brokenKeyring) Set(string, string) error {
	return fmt.Errorf("%w (no session bus)", secrets.ErrUnavailable)
}

func fileText(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSavedPasswordGoesToTheRealKeyringAndTheFileNamesOnlyTheEntry runs
// against gnome-keyring's Secret Service.
func TestSavedPasswordGoesToTheRealKeyringAndTheFileNamesOnlyTheEntry(t *testing.T) {
	k := secretstest.Keyring(t)
	dir := t.TempDir()
	f := Load(dir)
	f.SetSecrets(k)
	if err := f.Add(Bookmark{Name: "work", Host: "ftp.example.org", User: "alice"}); err != nil {
		t.Fatal(err)
	}
	const pw = "kéyring s3cret"
	if err := f.SavePassword("work", pw, SaveKeyring); err != nil {
		t.Fatal(err)
	}
	text := fileText(t, dir)
	if strings.Contains(text, "s3cret") || !strings.Contains(text, "keyring = 'alice@ftp.example.org:21'") {
		t.Fatalf("bookmarks.toml after saving in the keyring:\n%s", text)
	}
	b, _ := Load(dir).Get("work")
	if b.StorageOf() != SaveKeyring {
		t.Fatalf("StorageOf = %v", b.StorageOf())
	}
	l, err := b.Login(context.Background(), "", k)
	if err != nil || l.Password != pw || l.Source != FromKeyring || l.Note != "" {
		t.Fatalf("Login = %+v, %v; want the keyring's password", l, err)
	}
	if got, err := k.Get("alice@ftp.example.org:21"); err != nil || got != pw {
		t.Fatalf("the keyring holds %q, %v", got, err)
	}
}

// TestWithoutAKeyringTheOtherSourcesAreUsedWithANote: a headless machine
// reads the bookmark's password from ~/.netrc, and says why.
func TestWithoutAKeyringTheOtherSourcesAreUsedWithANote(t *testing.T) {
	netrc := filepath.Join(t.TempDir(), "netrc")
	writeFile(t, netrc, "machine h login alice password from-netrc\n")
	b := Bookmark{Name: "w", Host: "h", User: "alice", Keyring: "alice@h:21"}
	for _, tc := range []struct {
		name    string
		keyring Secrets
	}{{"unavailable", brokenKeyring{}}, {"none configured", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := b.Login(context.Background(), netrc, tc.keyring)
			if err != nil || l.Password != "from-netrc" || l.Source != FromNetrc {
				t.Fatalf("Login = %+v, %v; want the netrc password", l, err)
			}
			if !strings.Contains(l.Note, "could not be read") {
				t.Errorf("Note = %q, want why the keyring was skipped", l.Note)
			}
			_, err = b.Login(context.Background(), "", tc.keyring)
			if !errors.Is(err, ErrNeedPassword) || !strings.Contains(err.Error(), "keyring") {
				t.Errorf("without netrc: %v, want ErrNeedPassword naming the keyring", err)
			}
		})
	}
}

// TestAPasswordIsNeverWrittenToTheFileUnlessThatIsChosen: when the
// keyring cannot take the password, nothing is saved and the error names
// the choices; the plain file holds it only when chosen, and "don't save"
// removes it.
func TestAPasswordIsNeverWrittenToTheFileUnlessThatIsChosen(t *testing.T) {
	dir := t.TempDir()
	f := Load(dir)
	f.SetSecrets(brokenKeyring{})
	if err := f.Add(Bookmark{Name: "w", Host: "h", User: "alice"}); err != nil {
		t.Fatal(err)
	}
	err := f.SavePassword("w", "pw-123", SaveKeyring)
	if !errors.Is(err, secrets.ErrUnavailable) || !strings.Contains(err.Error(), "bookmarks.toml as plain text") {
		t.Fatalf("SavePassword to a broken keyring = %v", err)
	}
	if strings.Contains(fileText(t, dir), "pw-123") || strings.Contains(fileText(t, dir), "keyring = ") {
		t.Fatalf("a failed keyring save changed the file:\n%s", fileText(t, dir))
	}
	if err := f.SavePassword("w", "pw-123", SaveFile); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fileText(t, dir), "password = 'pw-123'") {
		t.Fatalf("the explicit choice did not save it:\n%s", fileText(t, dir))
	}
	if err := f.SavePassword("w", "", DontSave); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(fileText(t, dir), "pw-123") {
		t.Fatalf("don't save kept it:\n%s", fileText(t, dir))
	}
}

func TestStorageCyclesThroughTheThreeChoices(t *testing.T) {
	s := DontSave
	var seen []string
	for range 3 {
		seen = append(seen, s.String())
		s = s.Next()
	}
	if s != DontSave || strings.Join(seen, "|") != "not saved|in the OS keyring|in bookmarks.toml (plain text)" {
		t.Fatalf("cycle %v ends at %v", seen, s)
	}
}

// TestDeletingABookmarkForgetsItsKeyringEntry runs against the real
// Secret Service: the entry goes with the last bookmark that names it.
func TestDeletingABookmarkForgetsItsKeyringEntry(t *testing.T) {
	k := secretstest.Keyring(t)
	f := Load(t.TempDir())
	f.SetSecrets(k)
	for _, name := range []string{"a", "b"} {
		if err := f.Add(Bookmark{Name: name, Host: "shared.example.org", User: "zoe"}); err != nil {
			t.Fatal(err)
		}
		if err := f.SavePassword(name, "zoe-pw", SaveKeyring); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Delete("a"); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Get("zoe@shared.example.org:21"); err != nil || got != "zoe-pw" {
		t.Fatalf("after deleting one of two bookmarks: %q, %v; the entry must stay", got, err)
	}
	if err := f.Delete("b"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get("zoe@shared.example.org:21"); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("after deleting the last bookmark: %v, want the entry gone", err)
	}
}
