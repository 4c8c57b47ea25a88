package ui

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"ferry/panes/panestest"
	"ferry/syncplan"
)

// syncTrees are two folders that differ in every way the compare view
// marks: same (index.html, releases/), size differs (README), newer and
// older (style.css), only on one side (notes.txt, logo.png, old/).
func syncTrees() (local, remote *panestest.MemFS) {
	local = panestest.New("", "/home/me", map[string]string{
		"index.html": "<html>", "README": "an older read me\n", "style.css": "a{}", "notes.txt": "mine", "releases/": "",
	})
	remote = panestest.New("ftpes://me@example.org", "/pub", map[string]string{
		"index.html": "<html>", "README": "read me\n", "style.css": "a{}", "logo.png": "png", "releases/": "",
		"releases/v1.tar.gz": "v1", "old/": "", "old/gone.txt": "gone",
	})
	remote.SetModTime("/pub/style.css", panestest.Epoch.Add(-time.Hour))
	return local, remote
}

func ctrl(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }

// step is a key to send and what the screen shows once it took effect.
type step struct {
	key  tea.Msg
	wait string
}

// syncGolden runs the program over syncTrees at 120x30, takes the steps
// once both panes are listed, and compares the final screen with
// testdata.
func syncGolden(t *testing.T, steps ...step) *Model {
	t.Helper()
	local, remote := syncTrees()
	connect := func(context.Context, Target, string, io.Writer) (RemoteFS, error) { return remote, nil }
	m := New(Config{Local: local, Start: Target{URL: "ftpes://me@example.org/pub"}, Connect: connect})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("logo.png")) && bytes.Contains(b, []byte("notes.txt"))
	}, teatest.WithDuration(15*time.Second))
	for _, st := range steps {
		tm.Send(st.key)
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(st.wait)) }, teatest.WithDuration(15*time.Second))
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	teatest.RequireEqualOutput(t, []byte(ansi.Strip(final.View().Content)))
	return final
}

func TestGoldenCompareMarks(t *testing.T) {
	syncGolden(t, step{keyMsg("="), "compare:"})
}

func TestGoldenSyncDialog(t *testing.T) {
	syncGolden(t, step{ctrl('s'), "ticked:"})
}

func TestGoldenSyncDialogAsksBeforeDeleting(t *testing.T) {
	syncGolden(t, step{ctrl('s'), "ticked:"}, step{keyMsg("enter"), "y: delete and run"})
}

// newSyncHarness is the harness over syncTrees.
func newSyncHarness(t *testing.T) *harness {
	t.Helper()
	local, remote := syncTrees()
	connect := func(context.Context, Target, string, io.Writer) (RemoteFS, error) { return remote, nil }
	h := &harness{t: t, m: New(Config{Local: local, Connect: connect}), local: local, remote: remote}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	h.run(h.m.load(leftPane, "/home/me", ""))
	h.m.active = rightPane // connect opens a server in the active pane
	h.run(h.m.connect(Target{URL: "ftpes://me@example.org/pub"}, ""))
	return h
}

func selectedNames(h *harness, pane int) []string {
	var names []string
	for _, e := range h.m.panes[pane].model.Selection() {
		names = append(names, e.Name)
	}
	slices.Sort(names)
	return names
}

func TestCompareMarksEachEntryAgainstTheOtherPane(t *testing.T) {
	h := newSyncHarness(t)
	h.key("=")
	want := map[int]map[string]syncplan.Mark{
		leftPane: {"index.html": syncplan.Same, "README": syncplan.SizeDiffers, "style.css": syncplan.Newer, "notes.txt": syncplan.OnlyHere, "releases": syncplan.Same},
		rightPane: {"index.html": syncplan.Same, "README": syncplan.SizeDiffers, "style.css": syncplan.Older, "logo.png": syncplan.OnlyHere,
			"releases": syncplan.Same, "old": syncplan.OnlyHere},
	}
	for pane, marks := range want {
		got := h.m.panes[pane].marks
		if len(got) != len(marks) {
			t.Errorf("pane %d: marks %v, want %v", pane, got, marks)
		}
		for name, mk := range marks {
			if got[name] != mk {
				t.Errorf("pane %d: %s marked %v, want %v", pane, name, got[name], mk)
			}
		}
	}
	h.key("=")
	if h.m.panes[0].marks != nil || h.m.panes[1].marks != nil {
		t.Error("a second = left the marks on")
	}
}

func TestSelectDifferingSelectsWhatACopyWouldBringOver(t *testing.T) {
	h := newSyncHarness(t)
	h.key("D") // the remote pane is active; this also turns compare on
	if got, want := selectedNames(h, rightPane), []string{"README", "logo.png", "old"}; !slices.Equal(got, want) {
		t.Errorf("selected %q, want %q (not the same, not the older)", got, want)
	}
	if !h.m.sync.compare {
		t.Error("select differing did not turn the compare view on")
	}
}

func TestSynchronizedBrowsingFollowsIntoAFolderOfTheSameNameAndSaysWhenThereIsNone(t *testing.T) {
	h := newSyncHarness(t)
	h.send(ctrl('y'))
	cursorTo(h, "releases")
	h.key("enter")
	if l, r := h.m.panes[leftPane].model.Dir(), h.m.panes[rightPane].model.Dir(); l != "/home/me/releases" || r != "/pub/releases" {
		t.Fatalf("after enter: local %q, remote %q", l, r)
	}
	h.key("backspace")
	if l, r := h.m.panes[leftPane].model.Dir(), h.m.panes[rightPane].model.Dir(); l != "/home/me" || r != "/pub" {
		t.Fatalf("after backspace: local %q, remote %q", l, r)
	}
	cursorTo(h, "old")
	h.key("enter")
	if l := h.m.panes[leftPane].model.Dir(); l != "/home/me" || !strings.Contains(h.m.status, `no folder "old"`) {
		t.Errorf("local %q, status %q", l, h.m.status)
	}
	h.send(ctrl('y'))
	h.key("backspace")
	if l := h.m.panes[leftPane].model.Dir(); l != "/home/me" {
		t.Errorf("browsing off, the local pane still followed to %q", l)
	}
}

// cursorTo puts the active pane's cursor on name.
func cursorTo(h *harness, name string) {
	h.t.Helper()
	h.key("home")
	for i := 0; h.current() != name; i++ {
		if i == 20 {
			h.t.Fatalf("no %q in the active pane", name)
		}
		h.key("down")
	}
}

// testPlan is a plan of every kind of line.
func testPlan() *syncplan.Plan {
	return &syncplan.Plan{Verb: "download", Actions: []syncplan.Action{
		{Op: syncplan.MakeDir, Path: "new", Dir: true, Reason: "new"},
		{Op: syncplan.Transfer, Path: "new/a.txt", Reason: "new", Size: 10},
		{Op: syncplan.Transfer, Path: "b.txt", Reason: "newer", Size: 20},
		{Op: syncplan.Skip, Path: "link", Reason: "symbolic link: not followed"},
		{Op: syncplan.Delete, Path: "gone.txt", Reason: "not in source", Size: 5},
	}, Summary: syncplan.Summary{Files: 2, Bytes: 30, Dirs: 1, Deletes: 1, Skipped: 1}}
}

func paths(actions []syncplan.Action) []string {
	var out []string
	for _, a := range actions {
		out = append(out, a.Path)
	}
	return out
}

func TestSyncDialogRunsOnlyTheTickedLines(t *testing.T) {
	tests := []struct {
		name    string
		keys    []string
		ran     bool
		want    []string
		confirm bool // asked before running
	}{
		{"everything, after confirming the deletion", []string{"enter", "y"}, true, []string{"new", "new/a.txt", "b.txt", "gone.txt"}, true},
		{"an unticked copy is not run", []string{"down", "down", "space", "enter", "y"}, true, []string{"new", "new/a.txt", "gone.txt"}, true},
		{"without deletions nothing is asked", []string{"end", "space", "enter"}, true, []string{"new", "new/a.txt", "b.txt"}, false},
		{"a skip cannot be ticked", []string{"down", "down", "down", "space", "end", "space", "enter"}, true, []string{"new", "new/a.txt", "b.txt"}, false},
		{"no to the deletion goes back", []string{"enter", "n"}, false, nil, true},
		{"all off runs nothing", []string{"a", "enter"}, false, nil, false},
		{"all off then on again", []string{"a", "a", "end", "space", "enter"}, true, []string{"new", "new/a.txt", "b.txt"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ran []syncplan.Action
			called := false
			d := newSyncDialog("Sync", "/target", func(a []syncplan.Action) tea.Cmd {
				called, ran = true, a
				return nil
			})
			var dl dialog = d
			dl, _ = dl.Update(planMsg{plan: testPlan()})
			asked := false
			for _, k := range tt.keys {
				if dl == nil {
					break
				}
				dl, _ = dl.Update(keyMsg(k))
				if sd, ok := dl.(*syncDialog); ok && sd.confirming {
					asked = true
				}
			}
			if called != tt.ran || !slices.Equal(paths(ran), tt.want) {
				t.Errorf("ran %v %q, want %v %q", called, paths(ran), tt.ran, tt.want)
			}
			if asked != tt.confirm {
				t.Errorf("asked to confirm: %v, want %v", asked, tt.confirm)
			}
		})
	}
}

func TestSyncRunCopiesCreatesAndDeletesBetweenTwoPanes(t *testing.T) {
	src := panestest.New("", "/src", map[string]string{"a.txt": "aaa", "sub/b.txt": "bbb", "same.txt": "s"})
	dst := panestest.New("", "/dst", map[string]string{"same.txt": "s", "gone.txt": "x", "olddir/c": "c"})
	p, err := syncplan.Build(context.Background(), fsSide{src, "/src"}, fsSide{dst, "/dst"}, syncplan.Options{Delete: true, Verb: "copy"})
	if err != nil {
		t.Fatal(err)
	}
	h := newSyncHarness(t)
	run := h.m.runSync(syncSides{srcFS: src, dstFS: dst, srcDir: "/src", dstDir: "/dst", dstPane: leftPane})
	var kept []syncplan.Action
	for _, a := range p.Actions {
		if a.Path != "olddir/c" && a.Path != "olddir" { // the user unticked these two
			kept = append(kept, a)
		}
	}
	h.run(run(kept))
	for p, want := range map[string]string{"/dst/a.txt": "aaa", "/dst/sub/b.txt": "bbb", "/dst/same.txt": "s", "/dst/olddir/c": "c"} {
		if got, ok := dst.ReadFile(p); !ok || got != want {
			t.Errorf("%s = %q, %v; want %q", p, got, ok, want)
		}
	}
	if dst.Exists("/dst/gone.txt") {
		t.Error("gone.txt was not deleted")
	}
	if !strings.Contains(h.m.status, "1 folder(s) created, 2 copied, 1 deleted") {
		t.Errorf("status %q", h.m.status)
	}
}
