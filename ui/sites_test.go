package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ferry/bookmarks"
	"ferry/config"
)

var ctrlS = tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}

// sitesHarness is the harness (connected to ftpes://me@example.org/pub)
// with a bookmarks file, and a connect func that records what it was
// asked to connect to. The bookmark "locked" needs a typed password.
type sitesHarness struct {
	*harness
	dir     string // where bookmarks.toml is
	file    *bookmarks.File
	targets []Target
	pwds    []string
}

func newSitesHarness(t *testing.T, marks ...bookmarks.Bookmark) *sitesHarness {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := t.TempDir()
	file := bookmarks.Load(dir)
	for _, b := range marks {
		if err := file.Add(b); err != nil {
			t.Fatal(err)
		}
	}
	sh := &sitesHarness{harness: newHarness(t, 120, 35), dir: dir, file: file}
	sh.m.cfg.Bookmarks = file
	sh.m.cfg.Connect = func(_ context.Context, tg Target, password string, _ io.Writer) (RemoteFS, error) {
		sh.targets = append(sh.targets, tg)
		sh.pwds = append(sh.pwds, password)
		if password == "" && (tg.Bookmark == "locked" || strings.Contains(tg.URL, "secret@")) {
			return nil, ErrNeedPassword
		}
		return sh.remote, nil
	}
	return sh
}

func (h *sitesHarness) lastTarget() Target {
	if len(h.targets) == 0 {
		return Target{}
	}
	return h.targets[len(h.targets)-1]
}

// onDisk reads bookmarks.toml again, as the next ferry would.
func (h *sitesHarness) onDisk(name string) (bookmarks.Bookmark, bool) {
	f := bookmarks.Load(h.dir)
	if err := f.Err(); err != nil {
		h.t.Fatal(err)
	}
	return f.Get(name)
}

// clearAndType replaces the focused input's text.
func (h *sitesHarness) clearAndType(s string) {
	h.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	h.typeText(s)
}

func (h *sitesHarness) sites() *sitesDialog {
	h.t.Helper()
	d, ok := h.m.dialog.(*sitesDialog)
	if !ok {
		h.t.Fatalf("dialog %T, want the site manager", h.m.dialog)
	}
	return d
}

func (h *sitesHarness) form() *siteForm {
	h.t.Helper()
	f, ok := h.sites().child.(*siteForm)
	if !ok {
		h.t.Fatalf("site manager shows %T, want the form", h.sites().child)
	}
	return f
}

var (
	alpha = bookmarks.Bookmark{Name: "alpha", Host: "alpha.example.org", User: "ann", TLS: config.TLSExplicit}
	beta  = bookmarks.Bookmark{Name: "beta", Host: "beta.example.org", Port: 2121, RemoteDir: "pub"}
)

func TestSiteManagerEnterConnectsToTheBookmark(t *testing.T) {
	h := newSitesHarness(t, alpha, beta)
	h.key("b")
	screen := h.screen()
	for _, want := range []string{"alpha", "ftpes://ann@alpha.example.org", "beta", "ftp://beta.example.org:2121/pub"} {
		if !strings.Contains(screen, want) {
			t.Fatalf("list lacks %q:\n%s", want, screen)
		}
	}
	h.key("down", "enter")
	if got := h.lastTarget(); got.Bookmark != "beta" || got.URL != "" {
		t.Fatalf("connected to %+v, want bookmark beta", got)
	}
	if h.m.dialog != nil || h.m.status != "connected to bookmark beta" {
		t.Fatalf("dialog %T, status %q", h.m.dialog, h.m.status)
	}
}

func TestSiteManagerFilterNarrowsAndEnterConnectsToTheMatch(t *testing.T) {
	h := newSitesHarness(t, alpha, beta)
	h.key("b", "/")
	h.typeText("bet")
	if n := len(h.sites().list.VisibleItems()); n != 1 {
		t.Fatalf("%d shown for the filter bet", n)
	}
	h.key("enter")
	if got := h.lastTarget(); got.Bookmark != "beta" {
		t.Fatalf("connected to %+v", got)
	}
}

func TestSiteManagerEscClearsTheFilterThenCloses(t *testing.T) {
	h := newSitesHarness(t, alpha, beta)
	h.key("b", "/")
	h.typeText("alp")
	h.key("tab") // accepts the filter without connecting
	if d := h.sites(); !d.list.IsFiltered() {
		t.Fatal("tab did not apply the filter")
	}
	h.key("esc")
	if d := h.sites(); d.list.IsFiltered() || len(d.list.VisibleItems()) != 2 {
		t.Fatal("esc did not clear the filter")
	}
	h.key("esc")
	if h.m.dialog != nil {
		t.Fatal("esc did not close the site manager")
	}
}

func TestSiteManagerAddsEditsDuplicatesAndDeletesThroughTheFile(t *testing.T) {
	h := newSitesHarness(t, alpha)
	h.key("b", "a")
	h.typeText("gamma")
	h.key("tab")
	h.typeText("gamma.example.org")
	h.key("tab")
	h.typeText("2121")
	h.key("tab")
	h.typeText("bob")
	h.key("tab", "space", "space") // TLS: auto -> explicit -> implicit
	h.key("tab")
	h.typeText("/srv/files")
	h.key("tab", "tab")
	h.typeText("3")
	h.key("tab")
	h.typeText("shift_jis")
	h.key("tab")
	h.typeText("pass show gamma")
	h.send(ctrlS)
	if _, ok := h.sites().child.(*siteForm); ok {
		t.Fatalf("form still open: %q", h.form().err)
	}
	want := bookmarks.Bookmark{Name: "gamma", Host: "gamma.example.org", Port: 2121, User: "bob", TLS: config.TLSImplicit,
		RemoteDir: "/srv/files", Parallel: 3, Encoding: "shift_jis", PasswordCmd: "pass show gamma"}
	if got, ok := h.onDisk("gamma"); !ok || got != want {
		t.Fatalf("added %+v, want %+v", got, want)
	}
	if it, _ := h.sites().list.SelectedItem().(siteItem); it.b.Name != "gamma" {
		t.Fatalf("cursor on %q after adding gamma", it.b.Name)
	}

	// Edit: a new name and host; the rest stays.
	h.key("e")
	h.clearAndType("gamma2")
	h.key("tab")
	h.clearAndType("g2.example.org")
	h.send(ctrlS)
	if _, ok := h.onDisk("gamma"); ok {
		t.Fatal("the old name is still in the file")
	}
	want.Name, want.Host = "gamma2", "g2.example.org"
	if got, _ := h.onDisk("gamma2"); got != want {
		t.Fatalf("edited %+v, want %+v", got, want)
	}

	// Duplicate: the form opens on a copy with a free name.
	h.key("d")
	if v := h.form().inputs[fieldName].Value(); v != "gamma2-copy" {
		t.Fatalf("duplicate named %q", v)
	}
	h.send(ctrlS)
	dup := want
	dup.Name = "gamma2-copy"
	if got, _ := h.onDisk("gamma2-copy"); got != dup {
		t.Fatalf("duplicate %+v", got)
	}

	// Delete asks, naming the bookmark; n keeps it, y removes it.
	h.key("x")
	if !strings.Contains(h.screen(), `Delete the bookmark "gamma2-copy"?`) {
		t.Fatalf("no confirmation naming the bookmark:\n%s", h.screen())
	}
	h.key("n")
	if _, ok := h.onDisk("gamma2-copy"); !ok {
		t.Fatal("deleted without a yes")
	}
	h.key("delete", "y")
	if _, ok := h.onDisk("gamma2-copy"); ok {
		t.Fatal("not deleted")
	}
	if names := bookmarkNames(bookmarks.Load(h.dir)); names != "alpha gamma2" {
		t.Fatalf("file holds %s", names)
	}
}

func bookmarkNames(f *bookmarks.File) string {
	var names []string
	for _, b := range f.All() {
		names = append(names, b.Name)
	}
	return strings.Join(names, " ")
}

func TestSiteFormErrorsKeepWhatWasTyped(t *testing.T) {
	h := newSitesHarness(t, alpha)
	h.key("b", "a")
	h.typeText("alpha") // taken
	h.key("tab")
	h.typeText("new.example.org")
	h.key("tab")
	h.typeText("21x")
	h.send(ctrlS)
	f := h.form()
	if !strings.Contains(f.err, "port") || !strings.Contains(h.screen(), `port: "21x" is not a number`) {
		t.Fatalf("error %q", f.err)
	}
	h.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	h.send(ctrlS)
	f = h.form()
	if !strings.Contains(f.err, bookmarks.ErrExists.Error()) {
		t.Fatalf("error %q, want the name taken", f.err)
	}
	if f.inputs[fieldName].Value() != "alpha" || f.inputs[fieldHost].Value() != "new.example.org" || f.inputs[fieldPort].Value() != "21" {
		t.Fatal("the form lost what was typed")
	}
	if got, _ := h.onDisk("alpha"); got != alpha {
		t.Fatalf("alpha changed to %+v", got)
	}
	// Fixing the name saves.
	shiftTab := tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	h.send(shiftTab)
	h.send(shiftTab)
	h.send(tea.KeyPressMsg{Code: tea.KeyEnd})
	h.typeText("2")
	h.send(ctrlS)
	if got, ok := h.onDisk("alpha2"); !ok || got.Host != "new.example.org" || got.Port != 21 {
		t.Fatalf("after fixing the name: %+v %v", got, ok)
	}
}

func TestSiteFormEscGoesBackToTheListWithoutSaving(t *testing.T) {
	h := newSitesHarness(t, alpha)
	h.key("b", "e")
	h.clearAndType("renamed")
	h.key("esc")
	if h.sites().child != nil {
		t.Fatal("esc did not leave the form")
	}
	if _, ok := h.onDisk("renamed"); ok {
		t.Fatal("esc saved")
	}
}

func TestSiteManagerSavesTheCurrentConnectionWithoutItsPassword(t *testing.T) {
	h := newSitesHarness(t)
	h.m.active = rightPane // connect opens a server in the active pane
	h.run(h.m.connect(Target{URL: "ftps://me:hunter2@files.example.org:2990/%2Fsrv/www"}, ""))
	h.key("enter") // into /pub/data: the bookmark keeps the folder the pane is in
	h.key("b", "s")
	if strings.Contains(h.screen(), "hunter2") {
		t.Fatal("the password is on screen")
	}
	h.send(ctrlS)
	want := bookmarks.Bookmark{Name: "files.example.org", Host: "files.example.org", Port: 2990, User: "me", TLS: config.TLSImplicit, RemoteDir: "/pub/data"}
	if got, ok := h.onDisk("files.example.org"); !ok || got != want {
		t.Fatalf("saved %+v, want %+v", got, want)
	}
	data, _ := os.ReadFile(filepath.Join(h.dir, bookmarks.FileName))
	if strings.Contains(string(data), "hunter2") {
		t.Fatalf("the URL's password went into the file:\n%s", data)
	}

	// Again, ticking the box: the password is saved, under a free name.
	h.key("s")
	if v := h.form().inputs[fieldName].Value(); v != "files.example.org-2" {
		t.Fatalf("suggested name %q", v)
	}
	for h.form().focus != fieldSavePassword {
		h.key("tab")
	}
	h.key("space", "space") // not saved -> OS keyring -> bookmarks.toml
	if strings.Contains(h.screen(), "hunter2") || !strings.Contains(h.screen(), "0600") {
		t.Fatalf("ticked form:\n%s", h.screen())
	}
	h.key("tab", "enter") // Enter on the last field, the password, saves
	if got, _ := h.onDisk("files.example.org-2"); got.Password != "hunter2" {
		t.Fatalf("ticked: password %q", got.Password)
	}
}

func TestSaveCurrentOffersNothingWithoutAConnection(t *testing.T) {
	d := newSitesDialog(bookmarks.Load(t.TempDir()), nil, 120, 35).(*sitesDialog)
	d.Update(keyMsg("s"))
	if d.child != nil || !strings.Contains(d.note, "not connected") {
		t.Fatalf("child %T, note %q", d.child, d.note)
	}
}

func TestBookmarkFromURLReadsSchemePortUserAndPath(t *testing.T) {
	tests := []struct {
		url      string
		want     bookmarks.Bookmark
		password string
	}{
		{"ftp://example.org", bookmarks.Bookmark{Host: "example.org", TLS: config.TLSAuto}, ""},
		{"ftpes://me@example.org/pub/x", bookmarks.Bookmark{Host: "example.org", User: "me", TLS: config.TLSExplicit, RemoteDir: "pub/x"}, ""},
		{"ftps://me:p%40ss@[2001:db8::1]:990/%2Fsrv", bookmarks.Bookmark{Host: "2001:db8::1", Port: 990, User: "me", TLS: config.TLSImplicit, RemoteDir: "/srv"}, "p@ss"},
	}
	for _, tt := range tests {
		got, pw, err := bookmarkFromURL(tt.url)
		if err != nil || got != tt.want || pw != tt.password {
			t.Errorf("%s: %+v %q %v", tt.url, got, pw, err)
		}
	}
	if _, _, err := bookmarkFromURL("sftp://u:secret@example.org"); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("sftp: %v", err)
	}
}

func TestBrokenBookmarksFileIsShownAndChangesAreRefused(t *testing.T) {
	h := newSitesHarness(t)
	path := filepath.Join(h.dir, bookmarks.FileName)
	broken := "[[bookmark]]\nname = \"a\"\nport = \"21\"\n"
	if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	h.m.cfg.Bookmarks = bookmarks.Load(h.dir)
	h.key("b")
	if !strings.Contains(h.screen(), "bookmark.port") {
		t.Fatalf("the file's error is not shown:\n%s", h.screen())
	}
	h.key("a")
	if h.sites().child != nil || !strings.Contains(h.screen(), "fix it first") {
		t.Fatalf("a change was offered over a broken file:\n%s", h.screen())
	}
	if data, _ := os.ReadFile(path); string(data) != broken {
		t.Fatal("the broken file was changed")
	}
}

func TestFormSaveKeepsAChangeAnotherFerryMadeMeanwhile(t *testing.T) {
	h := newSitesHarness(t, alpha)
	h.key("b", "e")
	other := bookmarks.Load(h.dir) // another ferry adds beta while the form is open
	if err := other.Add(beta); err != nil {
		t.Fatal(err)
	}
	h.clearAndType("alpha-renamed")
	h.send(ctrlS)
	if names := bookmarkNames(bookmarks.Load(h.dir)); names != "alpha-renamed beta" {
		t.Fatalf("file holds %s", names)
	}
	if n := len(h.sites().list.Items()); n != 2 {
		t.Fatalf("list shows %d bookmarks", n)
	}
}

func TestSiteDialogNeverPrintsControlCharactersFromTheFile(t *testing.T) {
	h := newSitesHarness(t)
	path := filepath.Join(h.dir, bookmarks.FileName)
	if err := os.WriteFile(path, []byte("[[bookmark]]\nname = \"evil\\u001b[2J\"\nhost = \"h\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.m.cfg.Bookmarks = bookmarks.Load(h.dir)
	h.key("b")
	if s := h.m.View().Content; strings.Contains(s, "\x1b[2J") || !strings.Contains(h.screen(), `evil\x1b[2J`) {
		t.Fatalf("screen:\n%s", h.screen())
	}
}

func TestSavePasswordFailureStillConnects(t *testing.T) {
	file := bookmarks.Load(t.TempDir())
	msg := savePasswordCmd(file, "missing", "pw", bookmarks.SaveFile)()
	if done, ok := msg.(opDoneMsg); !ok || !errors.Is(done.err, bookmarks.ErrNotFound) || done.what != "saving the password" {
		t.Fatalf("%#v", msg)
	}
}

func TestGoldenSiteManager(t *testing.T) {
	goldenScreenWith(t, 120, 35, goldenBookmarks(t), bothPanes, keyMsg("b"))
}

func TestGoldenSiteForm(t *testing.T) {
	goldenScreenWith(t, 120, 35, goldenBookmarks(t), bothPanes, keyMsg("b"), keyMsg("down"), keyMsg("e"))
}

// goldenBookmarks gives the golden screens a file of three bookmarks,
// one of which has a saved password.
func goldenBookmarks(t *testing.T) func(*Config) {
	return func(cfg *Config) {
		f := bookmarks.Load(t.TempDir())
		for _, b := range []bookmarks.Bookmark{
			{Name: "production", Host: "files.example.com", User: "deploy", TLS: config.TLSExplicit, RemoteDir: "/srv/www", PasswordCmd: "pass show ftp/prod"},
			{Name: "backup", Host: "192.0.2.10", Port: 2121, User: "backup", TLS: config.TLSImplicit, Password: "not-on-screen", Parallel: 4},
			{Name: "mirror", Host: "mirror.example.net", RemoteDir: "pub"},
		} {
			if err := f.Add(b); err != nil {
				t.Fatal(err)
			}
		}
		cfg.Bookmarks = f
	}
}

func TestEditKeepsWhatTheFormDoesNotShow(t *testing.T) {
	pinned := bookmarks.Bookmark{Name: "pinned", Host: "h.example", Insecure: true, CAFile: "~/ca.pem", Active: true,
		Fingerprint: "sha256:" + strings.Repeat("ab", 32)}
	h := newSitesHarness(t, pinned)
	h.key("b", "e", "tab")
	h.clearAndType("h2.example")
	h.send(ctrlS)
	want := pinned
	want.Host = "h2.example"
	if got, _ := h.onDisk("pinned"); got != want {
		t.Fatalf("edited %+v, want %+v", got, want)
	}
}

func TestDeleteLeavesTheCursorNearby(t *testing.T) {
	h := newSitesHarness(t, alpha, beta, locked)
	h.key("b", "down", "x", "y")
	if it, _ := h.sites().list.SelectedItem().(siteItem); it.b.Name != "locked" {
		t.Fatalf("cursor on %q after deleting beta", it.b.Name)
	}
	if !strings.Contains(h.screen(), `deleted "beta"`) {
		t.Fatalf("no note:\n%s", h.screen())
	}
}

func TestSiteDialogsFitSmallScreens(t *testing.T) {
	h := newSitesHarness(t, alpha, beta, locked)
	for _, keys := range [][]string{{"b"}, {"b", "a"}, {"b", "e", "tab", "tab", "tab", "tab", "tab", "tab", "tab"}} {
		for _, size := range [][2]int{{40, 10}, {60, 15}, {80, 24}, {120, 35}} {
			h.m.dialog = nil
			h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			h.key(keys...)
			screen := h.m.View().Content
			lines := strings.Split(screen, "\n")
			for i, line := range lines {
				if w := ansi.StringWidth(line); w > size[0] {
					t.Errorf("%v at %dx%d: line %d is %d wide", keys, size[0], size[1], i, w)
				}
			}
			if len(lines) > size[1] {
				t.Errorf("%v at %dx%d: %d lines", keys, size[0], size[1], len(lines))
			}
			box := strings.Split(ansi.Strip(h.m.dialog.View(&h.m.styles, size[0], size[1])), "\n")
			if len(box) > size[1] || !strings.HasPrefix(box[len(box)-1], "╰") {
				t.Errorf("%v at %dx%d: the dialog is %d lines, ending %q", keys, size[0], size[1], len(box), box[len(box)-1])
			}
		}
	}
	// The focused field stays in view as the form scrolls.
	h.send(tea.WindowSizeMsg{Width: 40, Height: 10})
	if !strings.Contains(h.screen(), "› Parallel") {
		t.Fatalf("focused field scrolled away:\n%s", h.screen())
	}
}

func TestSiteListShowsEveryBookmarkAfterAddAndDuplicate(t *testing.T) {
	h := newSitesHarness(t, alpha)
	h.key("b", "a")
	h.typeText("gamma")
	h.key("tab")
	h.typeText("gamma.example.org")
	h.send(ctrlS)
	h.key("d")
	h.send(ctrlS)
	screen := h.screen()
	for _, name := range []string{"alpha", "gamma ", "gamma-copy"} {
		if !strings.Contains(screen, name) {
			t.Errorf("after add and duplicate the list lacks %q:\n%s", name, screen)
		}
	}
	if strings.Contains(screen, "••") {
		t.Errorf("three bookmarks are split into pages on a 35-line screen:\n%s", screen)
	}
}
