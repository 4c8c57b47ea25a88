package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"ferry/protocol"
	"ferry/transfers"
)

func sampleSnapshot() transfers.Snapshot {
	snap := transfers.Snapshot{
		Jobs: []transfers.JobStatus{
			{ID: 1, Spec: transfers.Spec{Remote: "/pub/big.iso", Direction: transfers.Download}, State: transfers.Active, Done: 512 << 20, Total: 1 << 30, Speed: 80 << 20, ETA: 7 * time.Second},
			{ID: 2, Spec: transfers.Spec{Remote: "/pub/notes.txt", Direction: transfers.Upload}, State: transfers.Failed, Reason: "550 Permission denied"},
			{ID: 3, Spec: transfers.Spec{Remote: "/pub/photos", Direction: transfers.Download, Dir: true}, State: transfers.Queued},
			{ID: 4, Spec: transfers.Spec{Remote: "/pub/a.txt", Direction: transfers.Download}, State: transfers.Conflict,
				Conflict: transfers.ConflictInfo{Target: "a.txt", Source: transfers.Facts{Known: true, Size: 10}, Exists: transfers.Facts{Known: true, Size: 4}}},
		},
		Done: 512 << 20, Total: 1 << 30, Speed: 80 << 20, ETA: 7 * time.Second, Conns: 3,
	}
	for _, j := range snap.Jobs {
		snap.Counts[j.State]++
	}
	return snap
}

func TestQueuePanelShowsProgressStateAndReason(t *testing.T) {
	styles := NewStyles(theme(Config{}).Palette(true))
	q := transfers.New(transfers.Options{Dial: func(context.Context, string) (*protocol.Conn, error) { return nil, context.Canceled }})
	defer q.Close()
	p := newQueuePanel(q, &styles)
	p.SetSize(120, 6)
	p.setSnapshot(sampleSnapshot())
	view := ansi.Strip(p.View(&styles))
	for _, want := range []string{"1 active, 1 queued", "512M of 1.0G", "80M/s", "3 conns", "ETA 0:07", "↓ big.iso", "active", "512M/1.0G",
		"↑ notes.txt", "550 Permission denied", "photos/", "target exists"} {
		if !strings.Contains(view, want) {
			t.Errorf("queue view lacks %q:\n%s", want, view)
		}
	}
	if !p.visible() {
		t.Fatal("a queue with active work is hidden")
	}
	p.focused = true
	if keys := p.ShortHelp(); len(keys) == 0 || keys[0].Help().Desc != "pause/resume" {
		t.Fatal("the focused panel does not offer its keys to the hint line")
	}
	if _, err := p.handleKey(keyMsg("x")); err == nil {
		t.Fatal("cancelling a job the queue does not have did not report an error")
	}
}

func TestConflictDialogOffersEveryPolicy(t *testing.T) {
	styles := NewStyles(theme(Config{}).Palette(true))
	snap := sampleSnapshot()
	d := &conflictDialog{job: snap.Jobs[3]}
	view := ansi.Strip(d.View(&styles, 120, 35))
	for _, want := range []string{"a.txt", "existing: 4 B", "new:      10 B", "o overwrite", "s skip", "r resume", "n overwrite if newer", "e keep both", "[ ] a: apply to all"} {
		if !strings.Contains(view, want) {
			t.Errorf("conflict dialog lacks %q:\n%s", want, view)
		}
	}
	next, _ := d.Update(keyMsg("a"))
	if !strings.Contains(ansi.Strip(next.View(&styles, 120, 35)), "[x] a: apply to all") {
		t.Fatal("a does not tick apply-to-all")
	}
}
