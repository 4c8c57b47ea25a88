package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

var ctrlO = tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl}

func (h *harness) quickConnect(url string) {
	h.t.Helper()
	h.send(ctrlO)
	h.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	h.typeText(url)
	h.key("enter")
}

func (h *harness) promptValue() string {
	h.t.Helper()
	p, ok := h.m.dialog.(*promptDialog)
	if !ok {
		h.t.Fatalf("dialog %T, want the prompt", h.m.dialog)
	}
	return p.input.Value()
}

func TestQuickConnectHistoryWalksUpAndDownWithoutPasswords(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	path, err := DefaultHistoryPath()
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, 120, 35)
	h.m.history = loadHistory(path)
	h.quickConnect("ftp://bob:pw@one.example/")
	h.quickConnect("ftpes://two.example/pub")
	h.quickConnect("ftp://bob:other@one.example/") // again: moves to the top

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "ftp://bob@one.example/\nftpes://two.example/pub\n"; string(data) != want {
		t.Fatalf("history file %q, want %q", data, want)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v", st.Mode())
	}
	if st, _ := os.Stat(filepath.Dir(path)); st.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v", st.Mode())
	}

	h.send(ctrlO)
	h.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	h.typeText("ftp://draft")
	if !strings.Contains(h.screen(), "↑/↓: history") {
		t.Fatal("the prompt does not mention the history")
	}
	for _, step := range []struct{ key, want string }{
		{"up", "ftp://bob@one.example/"},
		{"up", "ftpes://two.example/pub"},
		{"up", "ftpes://two.example/pub"}, // the oldest stays
		{"down", "ftp://bob@one.example/"},
		{"down", "ftp://draft"}, // back to what was typed
		{"down", "ftp://draft"},
	} {
		h.key(step.key)
		if got := h.promptValue(); got != step.want {
			t.Fatalf("after %s: %q, want %q", step.key, got, step.want)
		}
	}
	if strings.Contains(h.screen(), ":pw@") || strings.Contains(h.screen(), ":other@") {
		t.Fatalf("a password from the history reached the screen:\n%s", h.screen())
	}

	// The next ferry reads the same history.
	again := loadHistory(path)
	if u, _ := again.Prev(); u != "ftp://bob@one.example/" {
		t.Fatalf("reloaded history starts with %q", u)
	}
}

func TestFailedQuickConnectIsNotRemembered(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.m.history = loadHistory(filepath.Join(t.TempDir(), "history"))
	h.quickConnect("ftpes://secret@example.org/") // asks for a password
	h.key("esc")
	if n := h.m.history.len(); n != 0 {
		t.Fatalf("%d remembered", n)
	}
}

func TestHistoryKeepsTheLatestFifty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ferry", "history")
	h := loadHistory(path)
	for i := range 60 {
		if err := h.Add(fmt.Sprintf("ftp://host%d.example/", i)); err != nil {
			t.Fatal(err)
		}
	}
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != maxHistory || lines[0] != "ftp://host59.example/" || lines[49] != "ftp://host10.example/" {
		t.Fatalf("%d lines, first %q last %q", len(lines), lines[0], lines[len(lines)-1])
	}
}

func TestHistoryFileWithPasswordsIsReadWithoutThem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	if err := os.WriteFile(path, []byte("ftp://u:secret@a.example/\n\nnot a url\nftp://u@a.example/\nftps://b.example/\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := loadHistory(path)
	if got := strings.Join(h.urls, " "); got != "ftp://u@a.example/ ftps://b.example/" {
		t.Fatalf("loaded %q", got)
	}
}

// TestQuickConnectStartsEmptyAndNeverKeepsAPassword: after connecting with
// a password in the URL, the prompt opens empty (the next URL is not
// appended to the old one), and neither the history file nor the screen
// ever shows a password, even for two URLs typed into one line.
func TestQuickConnectStartsEmptyAndNeverKeepsAPassword(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	h := newHarness(t, 120, 35)
	h.m.history = loadHistory(path)
	h.send(ctrlO)
	h.typeText("ftp://bob:TopSecret1@one.example/")
	h.key("enter")
	h.send(ctrlO)
	if got := h.promptValue(); got != "" {
		t.Fatalf("the prompt opens with %q, want it empty", got)
	}
	if strings.Contains(h.screen(), "TopSecret1") {
		t.Fatalf("the password is on the screen:\n%s", h.screen())
	}
	h.typeText("ftpes://two.example/pub")
	h.key("enter")
	if got := h.m.panes[rightPane].target.URL; got != "ftpes://two.example/pub" {
		t.Fatalf("connected to %q, want exactly what was typed", got)
	}
	// Two URLs run together (as the old prompt made them) connect, but the
	// second password never reaches the history.
	h.send(ctrlO)
	h.typeText("ftp://bob:TopSecret1@one.example/ftp://eve:Other2@two.example/")
	h.key("enter")
	h.send(ctrlO)
	h.key("up")
	if got := h.promptValue(); strings.Contains(got, "TopSecret1") || strings.Contains(got, "Other2") {
		t.Fatalf("the history offers %q", got)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "TopSecret1") || strings.Contains(string(data), "Other2") {
		t.Fatalf("the history file holds a password:\n%s", data)
	}
	if want := "ftpes://two.example/pub\nftp://bob@one.example/\n"; string(data) != want {
		t.Fatalf("history file %q, want %q", data, want)
	}
}
