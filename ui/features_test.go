package ui

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"ferry/panes/panestest"
)

// deepHarness is the harness with a remote tree three folders deep.
func deepHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t, 120, 35)
	remote := panestest.New("ftpes://me@example.org", "/pub", map[string]string{
		"README": "r", "a/": "", "a/b/": "", "a/b/c/": "", "a/b/c/needle.txt": "found me", "a/b/other.txt": "1234",
		"a/hay.txt": "123", "z/": "", "z/needle.log": "not a txt",
	})
	h.m.cfg.Connect = func(context.Context, Target, string, io.Writer) (RemoteFS, error) { return remote, nil }
	h.remote = remote
	h.m.active = rightPane // connect opens a server in the active pane
	h.run(h.m.connect(Target{URL: "ftpes://me@example.org/pub"}, ""))
	return h
}

// waitFind feeds the search's reports to the model until it is done.
func (h *harness) waitFind() *findDialog {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		d, ok := h.m.dialog.(*findDialog)
		if !ok {
			h.t.Fatalf("dialog %T, want the find results", h.m.dialog)
		}
		if d.done {
			return d
		}
		if time.Now().After(deadline) {
			h.t.Fatal("the search never finished")
		}
		h.run(d.job.listen())
	}
}

func TestFindLocatesAFileThreeFoldersDownAndEnterJumpsToIt(t *testing.T) {
	h := deepHarness(t)
	h.key("ctrl+f")
	h.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	h.typeText("needle.*")
	h.key("enter")
	d := h.waitFind()
	var got []string
	for _, r := range d.results {
		got = append(got, r.dir+"/"+r.entry.Name)
	}
	if strings.Join(got, " ") != "/pub/z/needle.log /pub/a/b/c/needle.txt" {
		t.Fatalf("found %q", got)
	}
	if !strings.Contains(h.screen(), "2 found · done") || !strings.Contains(h.screen(), "/pub/a/b/c/needle.txt") {
		t.Fatalf("results screen:\n%s", h.screen())
	}
	h.key("down", "enter")
	if dir := h.m.panes[rightPane].model.Dir(); dir != "/pub/a/b/c" || h.current() != "needle.txt" || h.m.dialog != nil {
		t.Fatalf("enter jumped to %s on %q (dialog %T)", dir, h.current(), h.m.dialog)
	}
}

func TestFindCanBeStoppedAndRefusesABadPattern(t *testing.T) {
	h := deepHarness(t)
	started := make(chan struct{})
	release := make(chan struct{})
	h.remote.Fail = func(op, p string) error {
		if op == "list" && p == "/pub/a" {
			close(started)
			<-release // a slow folder
		}
		return nil
	}
	h.key("ctrl+f", "enter") // "*"
	<-started
	h.key("esc") // stops the search; the dialog stays with what it found
	close(release)
	d := h.waitFind()
	if d.err == nil || !strings.Contains(h.screen(), "stopped") {
		t.Fatalf("stopped search: err %v\n%s", d.err, h.screen())
	}
	h.key("esc")
	if h.m.dialog != nil {
		t.Fatalf("second esc left %T open", h.m.dialog)
	}
	h.remote.Fail = nil
	h.key("ctrl+f")
	h.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	h.typeText("[")
	h.key("enter")
	if !h.m.statusIsErr || h.m.dialog != nil {
		t.Fatalf("a bad pattern: status %q, dialog %T", h.m.status, h.m.dialog)
	}
}

func TestFolderSizeIsShownInTheSizeColumn(t *testing.T) {
	h := deepHarness(t)
	h.key("z") // the cursor is on a/
	if !strings.Contains(h.m.status, "a: 15 B in 3 file(s)") {
		t.Fatalf("status %q", h.m.status)
	}
	row := ""
	for _, line := range strings.Split(h.screen(), "\n") {
		if strings.Contains(line, " a/ ") {
			row = line[strings.Index(line, " a/ "):]
		}
	}
	if !strings.Contains(row, " 15 ") || strings.Contains(row, "<DIR>") {
		t.Fatalf("a/'s row %q: want its size", row)
	}
}

func TestColumnsKeyShowsPermissionsAndOwnerAtAnyWidth(t *testing.T) {
	h := newHarness(t, 120, 35) // 58 columns a pane: too narrow for them by default
	if strings.Contains(h.screen(), "rw-r--r--") {
		t.Fatal("permissions shown without room")
	}
	h.key("L")
	if !strings.Contains(h.screen(), "rw-r--r--") {
		t.Fatalf("L did not show permissions:\n%s", h.screen())
	}
	h.key("L")
	if strings.Contains(h.screen(), "rw-r--r--") {
		t.Fatal("L again did not hide them")
	}
}

func TestRawCommandPromptNeedsAServerPane(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.key("tab", ":") // the local pane
	if h.m.dialog != nil || !h.m.statusIsErr {
		t.Fatalf("a raw command offered on the local pane: %T %q", h.m.dialog, h.m.status)
	}
}

func TestListedReportsTheEntriesBothPanesHold(t *testing.T) {
	var got []int
	h := newHarness(t, 120, 35)
	h.m.cfg.Listed = func(n int) { got = append(got, n) }
	h.key("enter") // /pub/data: a.csv, b.csv; the local pane holds 4 (with .profile)
	if len(got) == 0 || got[len(got)-1] != 6 {
		t.Fatalf("Listed saw %v, want 6 last (4 local + 2 remote)", got)
	}
}
