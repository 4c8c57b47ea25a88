package ui

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"ferry/bookmarks"
	"ferry/secrets"
)

var locked = bookmarks.Bookmark{Name: "locked", Host: "example.org", User: "me"}

// askPassword connects to the bookmark that needs a password and checks
// the prompt came.
func askPassword(t *testing.T, h *sitesHarness) *passwordDialog {
	t.Helper()
	h.key("b")
	h.key("enter")
	d, ok := h.m.dialog.(*passwordDialog)
	if !ok {
		t.Fatalf("dialog %T, status %q", h.m.dialog, h.m.status)
	}
	return d
}

// memKeyring is an OS keyring in memory; broken makes it refuse, as on a
// machine without one.
type memKeyring struct {
	m      map[string]string
	broken bool
}

func (k *memKeyring) Get(a string) (string, error) {
	if k.broken {
		return "", secrets.ErrUnavailable
	}
	p, ok := k.m[a]
	if !ok {
		return "", secrets.ErrNotFound
	}
	return p, nil
}

func (k *memKeyring) Set(a, p string) error {
	if k.broken {
		return secrets.ErrUnavailable
	}
	k.m[a] = p
	return nil
}

func TestPasswordIsNotSavedUnlessChosen(t *testing.T) {
	h := newSitesHarness(t, locked)
	kr := &memKeyring{m: map[string]string{}}
	h.file.SetSecrets(kr)
	askPassword(t, h)
	if !strings.Contains(h.screen(), "save the password: ‹ not saved ›") {
		t.Fatalf("no save offer:\n%s", h.screen())
	}
	h.typeText("hunter2")
	h.key("enter")
	if got := h.lastTarget(); got.Bookmark != "locked" || h.pwds[len(h.pwds)-1] != "hunter2" {
		t.Fatalf("connected to %+v with %q", got, h.pwds[len(h.pwds)-1])
	}
	if got, _ := h.onDisk("locked"); got.Password != "" || got.Keyring != "" || len(kr.m) != 0 {
		t.Fatalf("saved %+v / %v without being asked", got, kr.m)
	}
}

// TestPasswordIsSavedWhereChosenAndNeverShown: one press of ctrl+s (or
// space on the choice) saves in the OS keyring, and the file records
// only the entry; a second press saves in bookmarks.toml, with the
// warning, and only then is the password in the file.
func TestPasswordIsSavedWhereChosenAndNeverShown(t *testing.T) {
	for _, tc := range []struct {
		name   string
		keys   []tea.KeyPressMsg
		screen string
		where  bookmarks.Storage
	}{
		{"ctrl+s: keyring", []tea.KeyPressMsg{ctrlS}, "bookmarks.toml records only where it is", bookmarks.SaveKeyring},
		{"tab space: keyring", []tea.KeyPressMsg{keyMsg("tab"), keyMsg("space")}, "‹ in the OS keyring ›", bookmarks.SaveKeyring},
		{"ctrl+s twice: file", []tea.KeyPressMsg{ctrlS, ctrlS}, "0600", bookmarks.SaveFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newSitesHarness(t, locked)
			kr := &memKeyring{m: map[string]string{}}
			h.file.SetSecrets(kr)
			askPassword(t, h)
			h.typeText("hunter2")
			for _, k := range tc.keys {
				h.send(k)
			}
			screen := h.screen()
			if strings.Contains(screen, "hunter2") || !strings.Contains(screen, tc.screen) {
				t.Fatalf("prompt:\n%s", screen)
			}
			h.key("enter")
			got, _ := h.onDisk("locked")
			data, _ := os.ReadFile(filepath.Join(h.dir, bookmarks.FileName))
			switch tc.where {
			case bookmarks.SaveKeyring:
				if got.Keyring != "me@example.org:21" || kr.m["me@example.org:21"] != "hunter2" || strings.Contains(string(data), "hunter2") {
					t.Fatalf("keyring %v, bookmark %+v, file:\n%s", kr.m, got, data)
				}
			case bookmarks.SaveFile:
				if got.Password != "hunter2" || len(kr.m) != 0 {
					t.Fatalf("saved %+v, keyring %v", got, kr.m)
				}
				if st, _ := os.Stat(filepath.Join(h.dir, bookmarks.FileName)); st.Mode().Perm() != 0o600 {
					t.Fatalf("file mode %v", st.Mode())
				}
			}
			if h.pwds[len(h.pwds)-1] != "hunter2" || !strings.Contains(h.m.status, "connected to bookmark locked") {
				t.Fatalf("status %q", h.m.status)
			}
			if strings.Contains(h.screen(), "hunter2") {
				t.Fatal("password on screen after connecting")
			}
		})
	}
}

// TestWithoutAKeyringThePasswordIsNotSavedAndTheUserIsTold: a headless
// machine's keyring refuses; the file does not get the password instead,
// the status line says why, and the connection is made all the same.
func TestWithoutAKeyringThePasswordIsNotSavedAndTheUserIsTold(t *testing.T) {
	h := newSitesHarness(t, locked)
	h.file.SetSecrets(&memKeyring{broken: true})
	askPassword(t, h)
	h.typeText("hunter2")
	h.send(ctrlS)
	h.key("enter")
	if got, _ := h.onDisk("locked"); got.Password != "" || got.Keyring != "" {
		t.Fatalf("saved %+v", got)
	}
	if h.pwds[len(h.pwds)-1] != "hunter2" {
		t.Fatal("not connected with the typed password")
	}
}

func TestPasswordForAURLIsNeverOfferedForSaving(t *testing.T) {
	h := newSitesHarness(t)
	h.m.active = rightPane // connect opens a server in the active pane
	h.run(h.m.connect(Target{URL: "ftpes://secret@example.org/"}, ""))
	h.typeText("hunter2")
	h.send(ctrlS)
	d, ok := h.m.dialog.(*passwordDialog)
	if !ok || d.save != bookmarks.DontSave || strings.Contains(h.screen(), "save the password") || !strings.Contains(h.screen(), "not stored anywhere") {
		t.Fatalf("dialog %T:\n%s", h.m.dialog, h.screen())
	}
	h.key("enter")
	if h.pwds[len(h.pwds)-1] != "hunter2" {
		t.Fatal("not connected with the typed password")
	}
}

func TestPasswordPromptEscCancels(t *testing.T) {
	h := newSitesHarness(t, locked)
	askPassword(t, h)
	n := len(h.targets)
	h.key("esc")
	if h.m.dialog != nil || len(h.targets) != n {
		t.Fatal("esc did not cancel")
	}
}

// TestSiteFormSavesThePasswordInTheKeyring: the form's choice defaults to
// the keyring after one press of space; the file names the entry, and a
// keyring that refuses keeps the form open with the reason.
func TestSiteFormSavesThePasswordInTheKeyring(t *testing.T) {
	for _, broken := range []bool{false, true} {
		h := newSitesHarness(t)
		kr := &memKeyring{m: map[string]string{}, broken: broken}
		h.file.SetSecrets(kr)
		h.key("b", "a")
		h.typeText("kr")
		h.key("tab")
		h.typeText("kr.example.org")
		h.key("tab", "tab")
		h.typeText("bob")
		for h.form().focus != fieldSavePassword {
			h.key("tab")
		}
		h.key("space")
		if !strings.Contains(h.screen(), "‹ in the OS keyring ›") {
			t.Fatalf("form:\n%s", h.screen())
		}
		h.key("tab")
		h.typeText("pw-in-keyring")
		h.key("enter")
		got, ok := h.onDisk("kr")
		if broken {
			if ok || h.form() == nil || !strings.Contains(h.form().err, "not saved") {
				t.Fatalf("with a broken keyring: saved %v, form %+v", ok, h.m.dialog)
			}
			continue
		}
		if !ok || got.Keyring != "bob@kr.example.org:21" || got.Password != "" || kr.m["bob@kr.example.org:21"] != "pw-in-keyring" {
			t.Fatalf("bookmark %+v, keyring %v", got, kr.m)
		}
	}
}

// TestWhyTheKeyringDidNotServeIsShownWithThePrompt: when the connect
// func says why no stored password served (a keyring on a headless
// machine), the status line shows it while the prompt asks.
func TestWhyTheKeyringDidNotServeIsShownWithThePrompt(t *testing.T) {
	h := newSitesHarness(t, locked)
	h.m.cfg.Connect = func(_ context.Context, tg Target, password string, _ io.Writer) (RemoteFS, error) {
		if password == "" {
			return nil, fmt.Errorf("%w: the password in the OS keyring (entry \"me@example.org:21\") could not be read: no session bus", ErrNeedPassword)
		}
		return h.remote, nil
	}
	askPassword(t, h)
	if !strings.Contains(h.screen(), "password needed: the password in the OS keyring") || !strings.Contains(h.m.status, "could not be read: no session bus") {
		t.Fatalf("the reason is not shown:\n%s", h.screen())
	}
}
