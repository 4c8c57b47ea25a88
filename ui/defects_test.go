package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"ferry/panes/panestest"
	"ferry/protocol"
	"ferry/transfers"
)

// queueHarness is a harness whose model has a transfer queue that never
// gets a connection: its dial waits until the job is stopped.
func queueHarness(t *testing.T) (*harness, *transfers.Queue) {
	t.Helper()
	q := transfers.New(transfers.Options{Workers: 1, Dial: func(ctx context.Context, _ string) (*protocol.Conn, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}})
	t.Cleanup(func() { q.Close() })
	h := newHarness(t, 120, 35)
	h.m.queue = newQueuePanel(q, &h.m.styles)
	h.m.moves, h.m.deferred = map[transfers.ID]moveSource{}, map[transfers.ID]bool{}
	return h, q
}

func spec(name string) transfers.Spec {
	return transfers.Spec{Site: "s", Direction: transfers.Download, Remote: "/pub/" + name, LocalRoot: "/tmp", Local: name}
}

func TestQueuePanelMovesByPageAndToEitherEnd(t *testing.T) {
	h, q := queueHarness(t)
	q.PauseAll()
	specs := make([]transfers.Spec, 1000)
	for i := range specs {
		specs[i] = spec(fmt.Sprintf("f%04d", i))
	}
	q.Add(specs...)
	h.send(queueMsg{snap: q.Snapshot()})
	h.key("ctrl+t")
	if !h.m.queue.focused {
		t.Fatal("ctrl+t did not focus the queue panel")
	}
	rows := h.m.queue.rows()
	for _, step := range []struct {
		key  string
		want int
	}{
		{"end", 999}, {"home", 0}, {"pgdown", rows}, {"pgdown", 2 * rows}, {"pgup", rows},
		{"G", 999}, {"pgdown", 999}, {"g", 0}, {"pgup", 0}, {"down", 1}, {"up", 0},
	} {
		h.key(step.key)
		if h.m.queue.cursor != step.want {
			t.Fatalf("after %s the cursor is on row %d, want %d", step.key, h.m.queue.cursor, step.want)
		}
	}
	h.key("end")
	if !strings.Contains(h.screen(), "f0999") {
		t.Fatalf("end does not scroll the last job into view:\n%s", h.screen())
	}
}

func TestDeferredConflictIsNotAskedAgainAndIsDecidedFromThePanel(t *testing.T) {
	h, _ := queueHarness(t)
	snap := sampleSnapshot() // job 4 waits for a decision
	h.send(queueMsg{snap: snap})
	if _, ok := h.m.dialog.(*conflictDialog); !ok {
		t.Fatalf("a conflict did not open its dialog: %T", h.m.dialog)
	}
	h.key("esc") // decide later
	h.send(queueMsg{snap: snap})
	if h.m.dialog != nil {
		t.Fatalf("a conflict left for later was asked again: %T", h.m.dialog)
	}
	h.key("ctrl+t", "end")
	for _, k := range []string{"enter", "r"} {
		h.m.dialog = nil
		h.key(k)
		d, ok := h.m.dialog.(*conflictDialog)
		if !ok || d.job.ID != 4 {
			t.Fatalf("%s on a deferred conflict opened %T, want its conflict dialog", k, h.m.dialog)
		}
	}
}

func TestPausedJobsAreCountedAndNotReportedAsFinished(t *testing.T) {
	h, _ := queueHarness(t)
	active := transfers.Snapshot{Jobs: []transfers.JobStatus{{ID: 1, Spec: spec("a"), State: transfers.Active}}}
	active.Counts[transfers.Active] = 1
	h.send(queueMsg{snap: active})
	paused := transfers.Snapshot{Jobs: []transfers.JobStatus{{ID: 1, Spec: spec("a"), State: transfers.Paused}}}
	paused.Counts[transfers.Paused] = 1
	h.send(queueMsg{snap: paused})
	if strings.Contains(h.m.status, "finished") || !strings.Contains(h.m.status, "1 paused") {
		t.Fatalf("status %q while a job is paused", h.m.status)
	}
	if !h.m.queue.visible() || !strings.Contains(h.screen(), "1 paused") {
		t.Fatalf("the queue header does not count the paused job:\n%s", h.screen())
	}
}

func TestPauseAllKeyResumesAJobPausedOnItsOwn(t *testing.T) {
	h, q := queueHarness(t)
	ids := q.Add(spec("first"), spec("second")) // first waits in its dial
	if err := q.Pause(ids[1]); err != nil {
		t.Fatal(err)
	}
	h.send(queueMsg{snap: q.Snapshot()})
	h.key("ctrl+t", "P")
	for _, j := range q.Snapshot().Jobs {
		if j.ID == ids[1] && j.State != transfers.Queued {
			t.Fatalf("after P the job paused on its own is %s, want queued", j.State)
		}
	}
}

func TestMoveOntoAnExistingFolderMovesIntoIt(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.key("down", "f6") // README
	h.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	h.typeText("data") // no trailing slash, as mc accepts
	h.key("enter")
	if !h.remote.Exists("/pub/data/README") || h.remote.Exists("/pub/README") {
		t.Fatalf("README not moved into the folder data: %q", h.m.status)
	}
	if h.m.statusIsErr {
		t.Fatalf("status %q", h.m.status)
	}
}

func TestMkdirCreatesANestedPath(t *testing.T) {
	for _, tc := range []struct{ typed, want string }{
		{"x/y/z", "/pub/x/y/z"},
		{"data/new", "/pub/data/new"}, // through a folder that exists
		{"/lead/slash/", "/pub/lead/slash"},
	} {
		h := newHarness(t, 120, 35)
		h.key("f7")
		h.typeText(tc.typed)
		h.key("enter")
		if !h.remote.Exists(tc.want) || h.m.statusIsErr {
			t.Errorf("mkdir %q: %s not created (status %q)", tc.typed, tc.want, h.m.status)
		}
	}
}

func TestFailureMessagesDoNotStartWithASuccessVerb(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fail    string // the MemFS operation that fails
		keys    func(h *harness)
		success string
	}{
		{"mkdir over an existing folder", "", func(h *harness) { h.key("f7"); h.typeText("data"); h.key("enter") }, "created"},
		{"rename refused", "rename", func(h *harness) {
			h.key("down", "f2")
			h.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
			h.typeText("other")
			h.key("enter")
		}, "renamed"},
		{"delete refused", "remove", func(h *harness) { h.key("down", "f8", "y") }, "deleted"},
		{"chmod refused", "chmod", func(h *harness) { h.key("down", "a", "enter") }, "permissions set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, 120, 35)
			if tc.fail != "" {
				h.remote.Fail = func(op, _ string) error {
					if op == tc.fail {
						return errors.New("550 refused")
					}
					return nil
				}
			}
			tc.keys(h)
			if !h.m.statusIsErr || strings.HasPrefix(h.m.status, tc.success) || !strings.HasPrefix(h.m.status, "could not") {
				t.Fatalf("status %q (error %v): a failure must say it failed", h.m.status, h.m.statusIsErr)
			}
		})
	}
}

func TestErrorIsClearedBySuccessfulNavigationButNotByTheRefreshAfterIt(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.key("f7")
	h.typeText("data")
	h.key("enter") // fails: exists; the pane refreshes
	if !h.m.statusIsErr {
		t.Fatalf("the failure did not stay after the refresh that follows it: %q", h.m.status)
	}
	h.key("enter") // into data/
	if h.m.statusIsErr || h.m.status != "" {
		t.Fatalf("status %q after a successful navigation", h.m.status)
	}
	h.key("f7")
	h.typeText("a.csv")
	h.key("enter", "ctrl+r")
	if h.m.statusIsErr {
		t.Fatalf("status %q after a successful refresh", h.m.status)
	}
}

func TestEscCancelsAPendingConnectAndItsResultIsIgnored(t *testing.T) {
	h := newHarness(t, 120, 35)
	cancelled := make(chan error, 1)
	h.m.cfg.Connect = func(ctx context.Context, _ Target, _ string, _ io.Writer) (RemoteFS, error) {
		<-ctx.Done()
		cancelled <- ctx.Err()
		return nil, errors.New("i/o timeout")
	}
	before := h.m.panes[rightPane].remote
	_, cmd := h.m.Update(connectMsg{target: Target{URL: "ftp://slow.example/"}})
	h.key("esc")
	if h.m.status != "connect cancelled" || h.m.panes[rightPane].loading {
		t.Fatalf("after esc: status %q, loading %v", h.m.status, h.m.panes[rightPane].loading)
	}
	h.run(cmd) // the attempt ends, and reports its error late
	if err := <-cancelled; !errors.Is(err, context.Canceled) {
		t.Fatalf("the connect's context: %v, want cancelled", err)
	}
	if h.m.statusIsErr || h.m.panes[rightPane].remote != before {
		t.Fatalf("an abandoned connect reported over the session: %q", h.m.status)
	}
}

func TestAConnectAbandonedForAnotherIsIgnored(t *testing.T) {
	h := newHarness(t, 120, 35)
	_, first := h.m.Update(connectMsg{target: Target{URL: "ftp://first.example/"}})
	h.m.cfg.Connect = func(context.Context, Target, string, io.Writer) (RemoteFS, error) { return h.remote, nil }
	h.send(connectMsg{target: Target{URL: "ftpes://me@example.org/pub"}})
	h.m.Update(connectedMsg{target: Target{URL: "ftp://first.example/"}, err: errors.New("i/o timeout"), gen: 1})
	_ = first
	if h.m.statusIsErr || h.m.panes[rightPane].target.URL != "ftpes://me@example.org/pub" {
		t.Fatalf("the abandoned connect spoke over the new one: %q (%s)", h.m.status, h.m.panes[rightPane].target.URL)
	}
}

func TestEscClearsAFilterKeptWithEnterAndAnErrorKeepsItShown(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.key("enter", "/") // into data, filter
	h.typeText("a.")
	h.key("enter")
	if f := h.m.panes[rightPane].model.Filter(); f != "a." {
		t.Fatalf("filter %q after enter", f)
	}
	h.m.panes[rightPane].err = errors.New("550 something went wrong")
	if !strings.Contains(h.screen(), "filter:a.") {
		t.Fatalf("an error hides the active filter:\n%s", h.screen())
	}
	h.key("esc")
	if f := h.m.panes[rightPane].model.Filter(); f != "" {
		t.Fatalf("esc left the kept filter %q", f)
	}
}

func TestLogScrollStopsAtTheTop(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.key("ctrl+l")
	lines := make([]string, 30)
	for i := range lines {
		lines[i] = fmt.Sprintf("%s line %d", protocol.LogReceived, i)
	}
	h.m.log.lines = nil
	h.m.log.append(lines)
	for range 40 {
		h.key("shift+up")
	}
	top := h.m.log.back
	if want := 30 - h.m.log.rows(); top != want {
		t.Fatalf("scrolled back %d lines, want %d (the first line at the top)", top, want)
	}
	h.key("shift+down")
	if h.m.log.back != top-3 {
		t.Fatalf("one press forward moved to %d from %d: extra presses piled up", h.m.log.back, top)
	}
}

func TestWarningsFromBeforeTheScreenAreShownInIt(t *testing.T) {
	m := New(Config{Connect: func(context.Context, Target, string, io.Writer) (RemoteFS, error) { return nil, nil },
		Warnings: []string{"config.toml:3:1: unknown key \"colour\"", "unknown theme \"solarised\"; using the default theme"}})
	if !m.statusIsErr || !strings.Contains(m.status, "2 warnings") || !strings.Contains(m.status, "colour") {
		t.Fatalf("status %q", m.status)
	}
	log := strings.Join(m.log.lines, "\n")
	if !strings.Contains(log, "solarised") || !strings.Contains(log, "colour") {
		t.Fatalf("log panel lacks the warnings:\n%s", log)
	}
}

func TestDetailsViewShowsTheWholeErrorAndAJobsHistory(t *testing.T) {
	h, _ := queueHarness(t)
	long := "550 " + strings.Repeat("a very long reason ", 20) + "END"
	h.m.setStatus("could not create x: "+long, true)
	h.key("ctrl+e")
	v, ok := h.m.dialog.(*viewerDialog)
	if !ok {
		t.Fatalf("ctrl+e opened %T", h.m.dialog)
	}
	if text := strings.Join(strings.Fields(v.vp.GetContent()), " "); !strings.Contains(text, strings.Join(strings.Fields(long), " ")) {
		t.Fatalf("details lack the whole error:\n%s", v.vp.GetContent())
	}
	h.key("esc")
	job := transfers.JobStatus{ID: 7, Spec: spec("big.iso"), State: transfers.Queued}
	for _, st := range []struct {
		state  transfers.State
		reason string
	}{{transfers.Queued, ""}, {transfers.Active, ""}, {transfers.Queued, "421 too many users"}, {transfers.Failed, "550 gone"}} {
		job.State, job.Reason = st.state, st.reason
		snap := transfers.Snapshot{Jobs: []transfers.JobStatus{job}}
		snap.Counts[st.state] = 1
		h.send(queueMsg{snap: snap})
	}
	h.key("ctrl+t", "i")
	v, ok = h.m.dialog.(*viewerDialog)
	if !ok {
		t.Fatalf("i in the queue opened %T", h.m.dialog)
	}
	content := v.vp.GetContent()
	for _, want := range []string{"/pub/big.iso", "active", "queued: 421 too many users", "failed: 550 gone"} {
		if !strings.Contains(content, want) {
			t.Errorf("job details lack %q:\n%s", want, content)
		}
	}
}

func TestPaneTitleIsAURLThatConnectsBackToTheFolder(t *testing.T) {
	for _, tc := range []struct{ home, dir, want string }{
		{"/home/ann", "/home/ann", "ftp://ann@h/"},
		{"/home/ann", "/home/ann/pub/x", "ftp://ann@h/pub/x"},
		{"/home/ann", "/tmp/srv/tt", "ftp://ann@h/%2Ftmp/srv/tt"},
		{"/", "/tmp/srv", "ftp://ann@h/tmp/srv"},
		{"/home/ann", "/home/annex", "ftp://ann@h/%2Fhome/annex"},
		{"/", "/a 50%?#", "ftp://ann@h/a 50%25%3F%23"},
	} {
		got := folderURL("ftp://ann@h", tc.home, tc.dir)
		if got != tc.want {
			t.Errorf("folder %s under login %s: %q, want %q", tc.dir, tc.home, got, tc.want)
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatal(err)
		}
		// As ferry reads it: relative to the login folder, %2F absolute.
		back := strings.TrimPrefix(u.Path, "/")
		if !strings.HasPrefix(back, "/") {
			back = path.Join(tc.home, back)
		}
		if back != tc.dir {
			t.Errorf("%q reads back as %q, want %q", got, back, tc.dir)
		}
	}
	h := newHarness(t, 120, 35)
	h.key("enter")
	if title := h.m.panes[rightPane].title(); title != "ftpes://me@example.org/data" {
		t.Fatalf("title %q", title)
	}
}

func TestWrongPasswordIsAskedAgain(t *testing.T) {
	h := newHarness(t, 120, 35)
	var tried []string
	h.m.cfg.Connect = func(_ context.Context, _ Target, password string, _ io.Writer) (RemoteFS, error) {
		tried = append(tried, password)
		if password != "right" {
			return nil, fmt.Errorf("login to example.org: %w", &protocol.Error{Cmd: "login", Code: 530, Msg: "Login incorrect."})
		}
		return h.remote, nil
	}
	h.send(connectMsg{target: Target{URL: "ftp://me@example.org/"}})
	d, ok := h.m.dialog.(*passwordDialog)
	if !ok {
		t.Fatalf("a refused login opened %T (status %q), want the password prompt", h.m.dialog, h.m.status)
	}
	if !strings.Contains(h.screen(), "530 Login incorrect") {
		t.Fatalf("the prompt does not say why it asks:\n%s", h.screen())
	}
	_ = d
	h.typeText("wrong")
	h.key("enter")
	if _, ok := h.m.dialog.(*passwordDialog); !ok {
		t.Fatal("a second wrong password was not asked again")
	}
	h.typeText("right")
	h.key("enter")
	if h.m.dialog != nil || h.m.statusIsErr || len(tried) != 3 || tried[2] != "right" {
		t.Fatalf("tries %q, dialog %T, status %q", tried, h.m.dialog, h.m.status)
	}
}

func TestEnterOnTheParentRowGoesUp(t *testing.T) {
	h := newHarness(t, 120, 35)
	h.key("enter") // into /pub/data
	h.key("home")
	if h.current() != ".." || !strings.Contains(h.screen(), "..") {
		t.Fatalf("the top row is %q, want ..", h.current())
	}
	h.key("f8", "f2") // nothing to delete or rename
	if h.m.dialog != nil {
		t.Fatalf("an action on .. opened %T", h.m.dialog)
	}
	h.key("enter")
	if dir := h.m.panes[rightPane].model.Dir(); dir != "/pub" || h.current() != "data" {
		t.Fatalf("enter on .. went to %s on %q, want /pub on data", dir, h.current())
	}
}

func TestCopyToAnEditedTargetPathMakesTheFolderAndCopiesThere(t *testing.T) {
	for _, tc := range []struct{ typed, want string }{
		{"data", "/pub/data/notes.txt"},              // relative to the other pane's folder
		{"/pub/new/deep", "/pub/new/deep/notes.txt"}, // made as needed
	} {
		h := newHarness(t, 120, 35)
		h.key("tab", "down") // local: notes.txt
		h.key("f5")
		h.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
		h.typeText(tc.typed)
		h.key("enter")
		if got, _ := h.remote.ReadFile(tc.want); got != "my notes\n" {
			t.Errorf("copy to %q: %s = %q (status %q)", tc.typed, tc.want, got, h.m.status)
		}
		if h.remote.Exists("/pub/notes.txt") {
			t.Errorf("copy to %q also went to the offered folder", tc.typed)
		}
	}
}

func TestPaneFootersLineUpWithoutAConnection(t *testing.T) {
	m := New(Config{Local: panestest.New("", "/home/me", map[string]string{"a": "1"}),
		Connect: func(context.Context, Target, string, io.Writer) (RemoteFS, error) { return nil, errors.New("no") }})
	h := &harness{t: t, m: m}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 35})
	h.run(m.load(leftPane, "/home/me", ""))
	for _, line := range strings.Split(h.screen(), "\n") {
		if strings.Contains(line, "sort:name") {
			if strings.Count(line, "sort:name") != 2 {
				t.Fatalf("the footers are on different lines:\n%s", h.screen())
			}
			return
		}
	}
	t.Fatalf("no footer:\n%s", h.screen())
}

func TestKeyHintsKeepHelpAndQuitWhenCut(t *testing.T) {
	for _, w := range []int{120, 80, 40} {
		h := newHarness(t, w, 24)
		lines := strings.Split(h.screen(), "\n")
		hints := lines[len(lines)-1]
		if !strings.Contains(hints, "help") || (w >= 80 && !strings.Contains(hints, "quit")) {
			t.Errorf("at %d columns the hints are %q", w, hints)
		}
	}
}

func TestALongErrorIsCutWithAPointerToTheDetails(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.m.setStatus("could not create x: 550 "+strings.Repeat("a very long reason ", 10), true)
	lines := strings.Split(h.screen(), "\n")
	status := lines[len(lines)-2]
	if !strings.HasSuffix(strings.TrimRight(status, " "), "…^E") {
		t.Fatalf("status line %q: want it to end with …^E", status)
	}
}
