package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"ferry/protocol"
	"ferry/transfers"
)

// hostile is server text that would retitle the terminal (OSC ended by
// BEL), clear it, and reverse what follows (RLO).
const hostile = "\x1b]0;owned\x07\x1b[2J\u202etxt.exe"

// obeyed reports the first thing in a rendered view that came from
// hostile unescaped. Styles legitimately put SGR sequences on screen, so
// it looks for hostile's own sequences, not for ESC in general.
func obeyed(view string) string {
	for _, raw := range []string{"\x1b]0;owned", "\x07", "\x1b[2J", "\u202e"} {
		if strings.Contains(view, raw) {
			return raw
		}
	}
	return ""
}

func TestServerTextReachesTheScreenEscaped(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.m.showLog = true
	h.m.layout()
	h.send(logMsg{protocol.LogSent + "DELE " + hostile, protocol.LogReceived + "550 " + hostile})
	h.send(opDoneMsg{what: "deleting x", err: errors.New("ftp: DELE: 550 " + hostile + "\nsecond line")})
	for what, s := range map[string]string{"status": h.m.status, "last reply": h.m.lastReply, "log": strings.Join(h.m.log.lines, "\n")} {
		if raw := obeyed(s); raw != "" {
			t.Errorf("%s holds %q unescaped: %q", what, raw, s)
		}
		if !strings.Contains(s, `\x1b]0;owned\x07`) {
			t.Errorf("%s does not show the text escaped: %q", what, s)
		}
	}
	if strings.Contains(h.m.status, "\n") {
		t.Errorf("the status line has a line break: %q", h.m.status)
	}
	if raw := obeyed(h.m.View().Content); raw != "" {
		t.Errorf("the screen holds %q unescaped", raw)
	}

	styles := h.m.styles
	for name, d := range map[string]dialog{
		"confirm": &confirmDialog{title: "Delete " + hostile + "?", body: []string{"  " + hostile}},
		"prompt":  newPrompt("Rename "+hostile, "", "", false, nil),
		"viewer":  newViewer(hostile, "text", 80, 20),
	} {
		if raw := obeyed(d.View(&styles, 100, 30)); raw != "" {
			t.Errorf("the %s dialog shows %q unescaped", name, raw)
		}
	}

	q := transfers.New(transfers.Options{Dial: func(context.Context, string) (*protocol.Conn, error) { return nil, context.Canceled }})
	defer q.Close()
	p := newQueuePanel(q, &styles)
	p.SetSize(120, 6)
	snap := transfers.Snapshot{Jobs: []transfers.JobStatus{
		{ID: 1, Spec: transfers.Spec{Remote: "/pub/" + hostile, Direction: transfers.Download}, State: transfers.Failed, Reason: "550 " + hostile},
	}}
	snap.Counts[transfers.Failed] = 1
	p.setSnapshot(snap)
	if raw := obeyed(p.View(&styles)); raw != "" {
		t.Errorf("the queue panel shows %q unescaped", raw)
	}
	conflict := transfers.JobStatus{ID: 2, State: transfers.Conflict, Conflict: transfers.ConflictInfo{Target: "/home/me/" + hostile}}
	if raw := obeyed((&conflictDialog{q: q, job: conflict}).View(&styles, 100, 30)); raw != "" {
		t.Errorf("the conflict dialog shows %q unescaped", raw)
	}
}

// TestFolderWithBidiNameCanBeBrowsedButItsNameIsNotCopied: a name with
// control or bidi characters never becomes a local file, yet the folder
// can still be opened on the server to fetch what is inside.
func TestFolderWithBidiNameCanBeBrowsedButItsNameIsNotCopied(t *testing.T) {
	h := newHarness(t, 120, 35)
	if err := h.remote.Mkdir(context.Background(), "/pub/odd\u202edir"); err != nil {
		t.Fatal(err)
	}
	h.key("ctrl+r")
	for i := 0; i < 10 && h.current() != `odd\u202edir`; i++ {
		h.key("down")
	}
	if h.current() != `odd\u202edir` {
		t.Fatalf("cursor on %q, want the escaped folder name", h.current())
	}
	h.key("f5")
	if !h.m.statusIsErr || !strings.Contains(h.m.status, "unsafe name") || h.m.dialog != nil {
		t.Fatalf("F5 on an unsafe name: status %q, dialog %T", h.m.status, h.m.dialog)
	}
	h.key("enter")
	if dir := h.m.panes[rightPane].model.Dir(); dir != "/pub/odd\u202edir" {
		t.Fatalf("enter on the folder: dir %q, status %q", dir, h.m.status)
	}
}

func TestBookmarkFromABadURLNeverShowsThePassword(t *testing.T) {
	for _, raw := range []string{"ftp://u:TopSecret1@h:x/", "ftp://u:Top/Secret1@h/", "ftp://u:Top%zzSecret1@h/", "http://u:TopSecret1@h/", "ftp://u:TopSecret1@h:99x/"} {
		_, _, err := bookmarkFromURL(raw)
		if err == nil {
			t.Errorf("%q accepted", raw)
			continue
		}
		if strings.Contains(err.Error(), "Secret") || strings.Contains(err.Error(), "Top") {
			t.Errorf("%q: %v", raw, err)
		}
	}
}

func TestPaneTitleShowsTheServersPathEscaped(t *testing.T) {
	h := newHarness(t, 120, 35)
	if err := h.remote.Mkdir(context.Background(), "/pub/\x1b]0;owned\x07"); err != nil {
		t.Fatal(err)
	}
	h.run(h.m.load(rightPane, "/pub/\x1b]0;owned\x07", ""))
	if got := h.m.panes[rightPane].title(); got != `ftpes://me@example.org/\x1b]0;owned\x07` { // relative to the login folder /pub
		t.Fatalf("title %q", got)
	}
	if raw := obeyed(h.m.View().Content); raw != "" {
		t.Fatalf("the screen holds %q unescaped", raw)
	}
}
