package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// clickAt clicks the left button at a cell, at a given time.
func (h *harness) clickAt(x, y int, at time.Time) {
	h.t.Helper()
	h.m.now = func() time.Time { return at }
	h.send(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
	h.send(tea.MouseReleaseMsg{X: x, Y: y, Button: tea.MouseLeft})
}

// rowOf finds the screen row and column where text first appears.
func (h *harness) rowOf(text string) (x, y int) {
	h.t.Helper()
	for y, line := range strings.Split(h.screen(), "\n") {
		if i := strings.Index(line, text); i >= 0 {
			return ansi.StringWidth(line[:i]), y
		}
	}
	h.t.Fatalf("%q is not on screen:\n%s", text, h.screen())
	return 0, 0
}

func TestMouseClickFocusesAndSelectsDoubleClickOpens(t *testing.T) {
	h := newHarness(t, 120, 35)
	t0 := time.Now()
	x, y := h.rowOf("notes.txt") // in the local pane; the remote one is active
	h.clickAt(x, y, t0)
	if h.m.active != leftPane || h.current() != "notes.txt" {
		t.Fatalf("click: active %d on %q, want the local pane on notes.txt", h.m.active, h.current())
	}
	x, y = h.rowOf("data/")
	h.clickAt(x, y, t0.Add(time.Second))
	if h.m.active != rightPane || h.current() != "data" || h.m.panes[rightPane].model.Dir() != "/pub" {
		t.Fatalf("one click opened or missed: active %d on %q", h.m.active, h.current())
	}
	h.clickAt(x, y, t0.Add(time.Second+200*time.Millisecond))
	if dir := h.m.panes[rightPane].model.Dir(); dir != "/pub/data" {
		t.Fatalf("double-click: dir %q, want /pub/data", dir)
	}
	// Two clicks too far apart in time are two single clicks.
	x, y = h.rowOf("a.csv")
	h.clickAt(x, y, t0.Add(5*time.Second))
	h.clickAt(x, y, t0.Add(6*time.Second))
	if h.m.dialog != nil {
		t.Fatalf("slow clicks opened %T", h.m.dialog)
	}
}

func TestMouseWheelScrollsThePaneUnderThePointer(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.send(tea.MouseWheelMsg{X: 10, Y: 5, Button: tea.MouseWheelDown})
	if h.m.active != rightPane {
		t.Fatal("the wheel moved the focus")
	}
	if c := h.m.panes[leftPane].model.Cursor(); c == 0 {
		t.Fatal("the wheel over the local pane did not move it")
	}
}

func TestMouseClickOnDialogButtonsAndQueueRows(t *testing.T) {
	h, q := queueHarness(t)
	h.key("down", "f8")
	x, y := h.rowOf("n/esc: no")
	h.clickAt(x+len("n/esc: "), y, time.Now())
	if h.m.dialog != nil || !h.remote.Exists("/pub/README") {
		t.Fatal("clicking no did not close the dialog without deleting")
	}
	h.key("f8")
	x, y = h.rowOf("y/enter: yes")
	h.clickAt(x+len("y/enter: "), y, time.Now())
	if h.remote.Exists("/pub/README") {
		t.Fatal("clicking yes did not delete")
	}
	q.PauseAll()
	q.Add(spec("one"), spec("two"), spec("three"))
	h.send(queueMsg{snap: q.Snapshot()})
	x, y = h.rowOf("three")
	h.clickAt(x, y, time.Now())
	if j, ok := h.m.queue.current(); !ok || !h.m.queue.focused || !strings.HasSuffix(j.Remote, "three") {
		t.Fatalf("click on a queue row: focused %v on %+v", h.m.queue.focused, j.Spec)
	}
}
