package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"ferry/bookmarks"
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

func TestPasswordIsNotSavedUnlessTicked(t *testing.T) {
	h := newSitesHarness(t, locked)
	askPassword(t, h)
	if !strings.Contains(h.screen(), "[ ] save the password in bookmarks.toml") {
		t.Fatalf("no save offer:\n%s", h.screen())
	}
	h.typeText("hunter2")
	h.key("enter")
	if got := h.lastTarget(); got.Bookmark != "locked" || h.pwds[len(h.pwds)-1] != "hunter2" {
		t.Fatalf("connected to %+v with %q", got, h.pwds[len(h.pwds)-1])
	}
	if got, _ := h.onDisk("locked"); got.Password != "" {
		t.Fatalf("saved %q without the box ticked", got.Password)
	}
}

func TestPasswordIsSavedWhenTickedAndNeverShown(t *testing.T) {
	for _, tick := range []struct {
		name string
		keys []tea.KeyPressMsg
	}{
		{"ctrl+s", []tea.KeyPressMsg{ctrlS}},
		{"tab then space", []tea.KeyPressMsg{keyMsg("tab"), keyMsg("space")}},
	} {
		t.Run(tick.name, func(t *testing.T) {
			h := newSitesHarness(t, locked)
			askPassword(t, h)
			h.typeText("hunter2")
			for _, k := range tick.keys {
				h.send(k)
			}
			screen := h.screen()
			if strings.Contains(screen, "hunter2") || !strings.Contains(screen, "[x] save the password") || !strings.Contains(screen, "0600") {
				t.Fatalf("ticked prompt:\n%s", screen)
			}
			h.key("enter")
			if got, _ := h.onDisk("locked"); got.Password != "hunter2" {
				t.Fatalf("saved %q", got.Password)
			}
			if h.pwds[len(h.pwds)-1] != "hunter2" || !strings.Contains(h.m.status, "connected to bookmark locked") {
				t.Fatalf("status %q", h.m.status)
			}
			if strings.Contains(h.screen(), "hunter2") {
				t.Fatal("password on screen after connecting")
			}
			data, _ := os.ReadFile(filepath.Join(h.dir, bookmarks.FileName))
			if st, _ := os.Stat(filepath.Join(h.dir, bookmarks.FileName)); st.Mode().Perm() != 0o600 || !strings.Contains(string(data), "hunter2") {
				t.Fatalf("file mode %v", st.Mode())
			}
		})
	}
}

func TestPasswordForAURLIsNeverOfferedForSaving(t *testing.T) {
	h := newSitesHarness(t)
	h.run(h.m.connect(Target{URL: "ftpes://secret@example.org/"}, ""))
	h.typeText("hunter2")
	h.send(ctrlS)
	d, ok := h.m.dialog.(*passwordDialog)
	if !ok || d.save || strings.Contains(h.screen(), "save the password") || !strings.Contains(h.screen(), "not stored anywhere") {
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
