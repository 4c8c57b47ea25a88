package ui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"ferry/panes/panestest"
	"ferry/protocol"
	"ferry/transfers"
)

// TestQueuePanelKeySetsAndClearsTheSpeedLimit drives the root model: in
// the focused queue panel, L asks for a limit, which applies to the queue
// at once and shows in the panel's title; an empty answer lifts it, and
// a bad one is reported without changing anything.
func TestQueuePanelKeySetsAndClearsTheSpeedLimit(t *testing.T) {
	q := transfers.New(transfers.Options{Dial: func(context.Context, string) (*protocol.Conn, error) { return nil, context.Canceled }})
	defer q.Close()
	local := panestest.New("", "/home/me", map[string]string{"notes.txt": "x"})
	hs := &harness{t: t, m: New(Config{Local: local, Queue: q}), local: local}
	hs.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	hs.send(tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl})
	if !hs.m.queue.focused {
		t.Fatal("ctrl+t did not focus the queue panel")
	}
	setLimit := func(text string) {
		hs.send(keyMsg("L"))
		if _, ok := hs.m.dialog.(*promptDialog); !ok {
			t.Fatalf("L opened %T, want the limit prompt", hs.m.dialog)
		}
		d := hs.m.dialog.(*promptDialog)
		d.input.SetValue("")
		hs.typeText(text)
		hs.send(keyMsg("enter"))
	}

	setLimit("2M")
	if got := q.RateLimit(); got != 2<<20 {
		t.Fatalf("after L 2M the queue's limit is %d", got)
	}
	if !strings.Contains(hs.screen(), "limit 2M/s") {
		t.Errorf("the panel's title does not show the limit:\n%s", hs.screen())
	}

	setLimit("fast")
	if got := q.RateLimit(); got != 2<<20 {
		t.Fatalf("a bad limit changed it to %d", got)
	}
	if !strings.Contains(hs.screen(), "want bytes per second") {
		t.Errorf("a bad limit is not reported:\n%s", hs.screen())
	}

	setLimit("")
	if got := q.RateLimit(); got != 0 {
		t.Fatalf("an empty answer left the limit at %d", got)
	}
	if strings.Contains(hs.screen(), "limit 2M/s") {
		t.Errorf("the lifted limit is still shown:\n%s", hs.screen())
	}
}
