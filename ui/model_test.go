package ui

import (
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ferry/panes/panestest"
)

// harness drives the root model the way the runtime does: keys go to
// Update, and the commands it returns run (with a timeout, since some
// wait forever by design) with their messages fed back in.
type harness struct {
	t             *testing.T
	m             *Model
	local, remote *panestest.MemFS
}

func newHarness(t *testing.T, w, h int) *harness {
	t.Helper()
	local := panestest.New("", "/home/me", map[string]string{
		"notes.txt": "my notes\n", "photo.jpg": strings.Repeat("j", 2048), "src/": "", "src/main.go": "package main\n", ".profile": "x",
	})
	remote := panestest.New("ftpes://me@example.org", "/pub", map[string]string{
		"README": "read me\n", "data/": "", "data/a.csv": "1,2\n", "data/b.csv": "3,4\n", "control\x1b[31m.txt": "\x1b[2Jboom\n",
	})
	connect := func(_ context.Context, t Target, password string, _ io.Writer) (RemoteFS, error) {
		if password == "" && strings.Contains(t.URL, "secret@") {
			return nil, ErrNeedPassword
		}
		return remote, nil
	}
	hs := &harness{t: t, m: New(Config{Local: local, Connect: connect}), local: local, remote: remote}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(hs.m.load(leftPane, "/home/me", ""))
	hs.m.active = rightPane // connect opens a server in the active pane
	hs.run(hs.m.connect(Target{URL: "ftpes://me@example.org/pub"}, ""))
	return hs
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

// key sends key presses by their names ("down", "f5", "y") or text.
func (h *harness) key(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	special := map[string]rune{
		"up": tea.KeyUp, "down": tea.KeyDown, "enter": tea.KeyEnter, "backspace": tea.KeyBackspace,
		"tab": tea.KeyTab, "esc": tea.KeyEscape, "space": tea.KeySpace, "f2": tea.KeyF2, "f3": tea.KeyF3,
		"f1": tea.KeyF1, "f5": tea.KeyF5, "f6": tea.KeyF6, "f7": tea.KeyF7, "f8": tea.KeyF8, "f10": tea.KeyF10,
		"home": tea.KeyHome, "end": tea.KeyEnd, "pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp, "delete": tea.KeyDelete,
	}
	if code, ok := special[k]; ok {
		return tea.KeyPressMsg{Code: code}
	}
	if c, ok := strings.CutPrefix(k, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: []rune(c)[0], Mod: tea.ModCtrl}
	}
	if c, ok := strings.CutPrefix(k, "shift+"); ok {
		m := keyMsg(c)
		m.Mod |= tea.ModShift
		return m
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// typeText types characters one by one.
func (h *harness) typeText(s string) {
	for _, r := range s {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func (h *harness) run(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		var msg tea.Msg
		select {
		case msg = <-done:
		case <-time.After(300 * time.Millisecond):
			continue // a command that waits for something that never comes here
		}
		if msg == nil {
			continue
		}
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
			for i := range v.Len() {
				queue = append(queue, v.Index(i).Interface().(tea.Cmd))
			}
			continue
		}
		switch msg.(type) {
		case spinner.TickMsg, tea.QuitMsg:
			continue
		}
		_, next := h.m.Update(msg)
		queue = append(queue, next)
	}
}

func (h *harness) screen() string { return ansi.Strip(h.m.View().Content) }

func (h *harness) current() string {
	if e := h.m.panes[h.m.active].model.Current(); e != nil {
		return e.Name
	}
	return ""
}

func TestEnterOpensDirectoryAndBackspaceReturnsToIt(t *testing.T) {
	h := newHarness(t, 120, 35)
	if h.m.active != rightPane || h.current() != "data" {
		t.Fatalf("active %d on %q, want the remote pane on data", h.m.active, h.current())
	}
	h.key("enter")
	if dir := h.m.panes[rightPane].model.Dir(); dir != "/pub/data" {
		t.Fatalf("dir %q", dir)
	}
	h.key("down")
	if h.current() != "b.csv" {
		t.Fatalf("cursor on %q", h.current())
	}
	h.key("backspace")
	if dir := h.m.panes[rightPane].model.Dir(); dir != "/pub" || h.current() != "data" {
		t.Fatalf("after going up: %q on %q, want /pub on data", dir, h.current())
	}
	h.key("l", "h") // the letter keys do the same
	if h.current() != "data" {
		t.Fatalf("h/l: cursor on %q", h.current())
	}
}

func TestCopySelectionAsksThenCopiesToTheOtherPane(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.key("tab", "down", "space", "space") // local: skip src/, select notes.txt and photo.jpg
	h.key("f5")
	d, ok := h.m.dialog.(*promptDialog)
	if !ok || d.title != "Copy 2 item(s) to" || d.input.Value() != "/pub" {
		t.Fatalf("dialog %T, want the target prompt offering /pub", h.m.dialog)
	}
	h.key("enter")
	if got, _ := h.remote.ReadFile("/pub/notes.txt"); got != "my notes\n" {
		t.Fatalf("remote notes.txt = %q", got)
	}
	if got, _ := h.remote.ReadFile("/pub/photo.jpg"); len(got) != 2048 {
		t.Fatalf("remote photo.jpg has %d bytes", len(got))
	}
	if !h.local.Exists("/home/me/notes.txt") {
		t.Fatal("copy removed the source")
	}
	if !strings.Contains(h.screen(), "notes.txt") || !strings.Contains(h.m.status, "copied 2") {
		t.Fatalf("status %q", h.m.status)
	}
}

func TestMoveDirectoryDownloadsAndRemovesIt(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.key("f6") // cursor on data/
	if d, ok := h.m.dialog.(*promptDialog); !ok || d.input.Value() != "/home/me" {
		t.Fatalf("move did not offer the other pane's directory: %#v", h.m.dialog)
	}
	h.key("enter") // accepting the offered destination is the confirmation
	if got, _ := h.local.ReadFile("/home/me/data/a.csv"); got != "1,2\n" {
		t.Fatalf("local a.csv = %q", got)
	}
	if h.remote.Exists("/pub/data") {
		t.Fatal("move left the source")
	}
}

func TestDeleteNamesWhatGoesAndRemovesRecursively(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.key("f8")
	d, ok := h.m.dialog.(*confirmDialog)
	if !ok || !strings.Contains(strings.Join(d.body, "\n"), "data/  (and everything in it)") {
		t.Fatalf("dialog %#v", h.m.dialog)
	}
	h.key("n")
	if !h.remote.Exists("/pub/data/a.csv") {
		t.Fatal("deleted without a yes")
	}
	h.key("delete", "y")
	if h.remote.Exists("/pub/data") {
		t.Fatal("not deleted")
	}
}

func TestFailedDeleteReportsWhatRemains(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.remote.Fail = func(op, p string) error {
		if op == "remove" && p == "/pub/data/b.csv" {
			return errors.New("550 Permission denied")
		}
		return nil
	}
	h.key("f8", "y")
	if !strings.Contains(h.m.status, "b.csv") || !strings.Contains(h.m.status, "remain") || !strings.Contains(h.m.status, "550") {
		t.Fatalf("status %q", h.m.status)
	}
	if !h.remote.Exists("/pub/data/b.csv") || !h.remote.Exists("/pub/data") {
		t.Fatal("lost what could not be deleted")
	}
}

func TestFailedRenameLeavesBothNames(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.remote.Fail = func(op, _ string) error {
		if op == "rename" {
			return errors.New("553 Rename refused")
		}
		return nil
	}
	h.key("down", "f2")                                  // README
	h.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}) // clear the line
	h.typeText("README.old")
	h.key("enter")
	if !h.remote.Exists("/pub/README") || h.remote.Exists("/pub/README.old") {
		t.Fatal("a failed rename changed names")
	}
	if !h.m.statusIsErr || !strings.Contains(h.m.status, "553") {
		t.Fatalf("status %q", h.m.status)
	}
}

func TestMkdirThenRenameOnLocalPane(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.key("tab", "f7")
	h.typeText("new dir")
	h.key("enter")
	if !h.local.Exists("/home/me/new dir") || h.current() != "new dir" {
		t.Fatalf("mkdir: exists %v, cursor %q", h.local.Exists("/home/me/new dir"), h.current())
	}
	h.key("r")
	h.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	h.typeText("renamed")
	h.key("enter")
	if !h.local.Exists("/home/me/renamed") || h.current() != "renamed" {
		t.Fatalf("rename: cursor %q", h.current())
	}
	h.key("n")
	h.typeText("../escape")
	h.key("enter")
	if !h.m.statusIsErr || h.local.Exists("/home/escape") {
		t.Fatal("a name with a slash was accepted")
	}
}

func TestFilterAsYouTypeEnterKeepsEscClears(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.key("/")
	h.typeText("csv")
	// Rows shown: the ".." row stays whatever the filter.
	if n := h.m.panes[rightPane].model.Len(); n != 1 {
		t.Fatalf("%d shown while filtering for csv in /pub", n-1)
	}
	h.key("esc")
	if n := h.m.panes[rightPane].model.Len(); n != 4 {
		t.Fatalf("esc: %d shown", n-1)
	}
	h.key("/")
	h.typeText("read")
	h.key("enter", "down")
	if n := h.m.panes[rightPane].model.Len(); n != 2 || h.current() != "README" {
		t.Fatalf("enter kept %d, cursor %q", n, h.current())
	}
}

func TestViewerShowsFileWithControlCharactersEscaped(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.key("end", "f3") // the file whose name and content hold escapes
	v, ok := h.m.dialog.(*viewerDialog)
	if !ok {
		t.Fatalf("dialog %#v, status %q", h.m.dialog, h.m.status)
	}
	content := v.vp.View()
	if strings.Contains(content, "\x1b[2J") || !strings.Contains(content, `\x1b[2Jboom`) {
		t.Fatalf("viewer content %q", content)
	}
	if strings.Contains(h.m.View().Content, "\x1b[31m.txt") {
		t.Fatal("a file name sent an escape sequence to the terminal")
	}
	h.key("esc")
	if h.m.dialog != nil {
		t.Fatal("esc did not close the viewer")
	}
}

func TestSortHiddenAndGlobSelection(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.key("tab")
	if strings.Contains(h.screen(), ".profile") {
		t.Fatal("dot-file shown by default")
	}
	h.key(".")
	if !strings.Contains(h.screen(), ".profile") {
		t.Fatal("dot-file not shown after .")
	}
	h.key("+")
	h.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	h.typeText("*.txt")
	h.key("enter")
	if n, _ := h.m.panes[leftPane].model.SelectedStats(); n != 1 {
		t.Fatalf("%d selected by *.txt", n)
	}
	h.key("*")
	if n, _ := h.m.panes[leftPane].model.SelectedStats(); n != 3 {
		t.Fatalf("%d selected after invert", n)
	}
	h.key("s")
	if k, _ := h.m.panes[leftPane].model.Sort(); k.String() != "size" {
		t.Fatalf("sort %v", k)
	}
}

func TestQuitAsksWhileTransfersRun(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.m.running = 1
	h.key("q")
	if _, ok := h.m.dialog.(*confirmDialog); !ok {
		t.Fatal("quit did not ask")
	}
}

func TestPasswordIsAskedWhenNoneIsKnown(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.m.active = rightPane // connect opens a server in the active pane
	h.run(h.m.connect(Target{URL: "ftpes://secret@example.org/"}, ""))
	if _, ok := h.m.dialog.(*passwordDialog); !ok || !strings.Contains(h.screen(), "Password for") {
		t.Fatalf("dialog %T", h.m.dialog)
	}
	h.typeText("hunter2")
	if strings.Contains(h.screen(), "hunter2") {
		t.Fatal("password shown on screen")
	}
	h.key("enter")
	if h.m.dialog != nil || !strings.Contains(h.m.status, "connected") {
		t.Fatalf("status %q", h.m.status)
	}
}

func TestAnySizeDownTo40x10Renders(t *testing.T) {
	h := newHarness(t, 120, 35)
	for _, size := range [][2]int{{40, 10}, {20, 5}, {1, 1}, {79, 24}, {80, 24}, {200, 60}, {40, 10}} {
		h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		h.key("ctrl+r")
		screen := h.m.View().Content
		if size[0] >= 40 && size[1] >= 10 {
			for i, line := range strings.Split(screen, "\n") {
				if w := ansi.StringWidth(line); w > size[0] {
					t.Fatalf("%dx%d: line %d is %d wide", size[0], size[1], i, w)
				}
			}
			if n := strings.Count(screen, "\n") + 1; n > size[1] {
				t.Fatalf("%dx%d: %d lines", size[0], size[1], n)
			}
		}
	}
	if !strings.Contains(h.screen(), "[right ⇄]") {
		t.Fatalf("narrow screen lacks the pane indicator:\n%s", h.screen())
	}
}

func TestParseModeOctalLettersAndRecursive(t *testing.T) {
	tests := []struct {
		in        string
		mode      string
		recursive bool
		ok        bool
	}{
		{"644", "-rw-r--r--", false, true},
		{"0755 -R", "-rwxr-xr-x", true, true},
		{"rw-r-----", "-rw-r-----", false, true},
		{"drwxr-x--- -R", "-rwxr-x---", true, true},
		{"999", "", false, false},
		{"rwz------", "", false, false},
		{"", "", false, false},
	}
	for _, tt := range tests {
		mode, rec, err := parseMode(tt.in)
		if (err == nil) != tt.ok || (tt.ok && (mode.String() != tt.mode || rec != tt.recursive)) {
			t.Errorf("%q: %v %v %v", tt.in, mode, rec, err)
		}
	}
}

func TestChmodAppliesToSelection(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.key("down", "a")
	h.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	h.typeText("600")
	h.key("enter")
	l, _ := h.remote.List(context.Background(), "/pub")
	for _, e := range l {
		if e.Name == "README" && e.Mode.Perm() != 0o600 {
			t.Fatalf("mode %v", e.Mode)
		}
	}
	if h.m.statusIsErr {
		t.Fatal(h.m.status)
	}
}

func TestConfigKeysRebindAndUnknownActionsAreReported(t *testing.T) {
	k := DefaultKeyMap()
	errs := k.Rebind(map[string][]string{"quit": {"x", "f10"}, "teleport": {"t"}, "copy": {}})
	if len(errs) != 2 {
		t.Fatalf("errors %v", errs)
	}
	if keys := k.Quit.Keys(); len(keys) != 2 || keys[0] != "x" || k.Quit.Help().Key != "x/f10" {
		t.Fatalf("quit keys %v help %q", keys, k.Quit.Help().Key)
	}
	if keys := k.Copy.Keys(); len(keys) != 2 {
		t.Fatalf("an empty list changed copy: %v", keys)
	}
}

func TestMoveToAnotherPathRenamesWithinThePane(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.key("down", "f6") // README
	h.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	h.typeText("data/")
	h.key("enter")
	if !h.remote.Exists("/pub/data/README") || h.remote.Exists("/pub/README") {
		t.Fatalf("README not moved into data/: %q", h.m.status)
	}
	if h.local.Exists("/home/me/README") {
		t.Fatal("a move within the pane copied to the other pane")
	}
}
