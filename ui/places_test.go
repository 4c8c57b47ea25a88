package ui

import (
	"context"
	"io"
	"strings"
	"testing"

	"ferry/panes/panestest"
	"ferry/transfers"
)

// twoServers is a harness whose connect opens one of two servers by URL.
func twoServers(t *testing.T) (*harness, *panestest.MemFS, *panestest.MemFS) {
	t.Helper()
	h := newHarness(t, 120, 35) // the right pane is on ftpes://me@example.org/pub
	other := panestest.New("ftp://bob@other.example", "/srv", map[string]string{"x.bin": "xx", "dir/": ""})
	first := h.remote
	h.m.cfg.Connect = func(_ context.Context, tg Target, _ string, _ io.Writer) (RemoteFS, error) {
		if tg.URL == "ftp://bob@other.example/srv" {
			return other, nil
		}
		return first, nil
	}
	return h, first, other
}

func TestQuickConnectOpensTheServerInTheActivePane(t *testing.T) {
	h, first, other := twoServers(t)
	h.key("tab") // to the left pane, on the local machine
	if h.m.active != leftPane || h.m.panes[leftPane].remote != nil {
		t.Fatalf("active %d, left remote %v", h.m.active, h.m.panes[leftPane].remote)
	}
	h.quickConnect("ftp://bob@other.example/srv")
	left, right := h.m.panes[leftPane], h.m.panes[rightPane]
	if left.remote != RemoteFS(other) || right.remote != RemoteFS(first) {
		t.Fatalf("left on %v, right on %v; want the new server left and the first still right", left.remote, right.remote)
	}
	if left.model.Dir() != "/srv" || h.m.active != leftPane {
		t.Errorf("left pane in %q, active %d", left.model.Dir(), h.m.active)
	}
	if s := h.screen(); !strings.Contains(s, "ftp://bob@other.example/srv") || !strings.Contains(s, "ftpes://me@example.org/pub") {
		t.Errorf("the status line does not name both panes' sites:\n%s", s)
	}
}

func TestCtrlUSwapsThePanesAndCtrlDReturnsAPaneToTheLocalMachine(t *testing.T) {
	h, first, _ := twoServers(t)
	h.key("tab")
	leftDir := h.m.panes[leftPane].model.Dir()
	h.send(keyMsg("ctrl+u"))
	if h.m.panes[leftPane].remote != RemoteFS(first) || h.m.panes[rightPane].model.Dir() != leftDir {
		t.Fatalf("after ctrl+u: left on %v, right in %q", h.m.panes[leftPane].remote, h.m.panes[rightPane].model.Dir())
	}
	if h.m.active != leftPane {
		t.Errorf("focus moved to %d; it stays on the same side", h.m.active)
	}
	h.send(keyMsg("ctrl+d")) // the left pane, now on the server
	if v := h.m.panes[leftPane]; v.remote != nil || v.model.Dir() != "/home/me" {
		t.Fatalf("after ctrl+d: left on %v in %q; want the local machine", v.remote, v.model.Dir())
	}
}

func TestCopyBetweenTwoServerPanesQueuesServerToServerJobs(t *testing.T) {
	h, q := queueHarness(t)
	q.PauseAll()
	other := panestest.New("ftp://bob@other.example", "/srv", map[string]string{"x.bin": "xx"})
	first := h.remote
	h.m.cfg.Connect = func(_ context.Context, tg Target, _ string, _ io.Writer) (RemoteFS, error) {
		if tg.URL == "ftp://bob@other.example/srv" {
			return other, nil
		}
		return first, nil
	}
	h.key("tab")
	h.quickConnect("ftp://bob@other.example/srv") // left: other, right: the first server
	h.key("down")                                 // x.bin below ".."
	if h.current() != "x.bin" {
		t.Fatalf("cursor on %q", h.current())
	}
	h.key("f5")
	h.key("enter") // the offered target folder
	h.key("y")
	s := q.Snapshot()
	if len(s.Jobs) != 1 {
		t.Fatalf("%d jobs queued; want 1 (dialog %T)", len(s.Jobs), h.m.dialog)
	}
	j := s.Jobs[0]
	if j.Direction != transfers.Copy || j.Site != "ftp://bob@other.example/srv" || j.DestSite != "ftpes://me@example.org/pub" ||
		j.Remote != "/srv/x.bin" || j.DestRemote != "/pub/x.bin" {
		t.Errorf("job %+v; want a copy from the left server's /srv/x.bin to the right one's /pub/x.bin", j.Spec)
	}
}

func TestResumingSavedJobsAsksOncePerSiteWithoutAPassword(t *testing.T) {
	h, q := queueHarness(t)
	q.PauseAll()
	var asked []string
	typed := map[string]string{}
	h.m.cfg.SiteNeedsPassword = func(site string) bool {
		asked = append(asked, site)
		return site == "ftp://bob@one.example/"
	}
	h.m.cfg.SetSitePassword = func(site, pw string) { typed[site] = pw }
	saved := []transfers.Saved{
		{ID: 1, Spec: transfers.Spec{Site: "ftp://bob@one.example/", Direction: transfers.Download, Remote: "a", LocalRoot: "/tmp", Local: "a"}},
		{ID: 2, Spec: transfers.Spec{Site: "ftp://bob@one.example/", Direction: transfers.Download, Remote: "b", LocalRoot: "/tmp", Local: "b"}},
		{ID: 3, Spec: transfers.Spec{Site: "work", Direction: transfers.Copy, Remote: "c", DestSite: "ftp://bob@one.example/", DestRemote: "c"}},
	}
	h.send(resumeMsg{saved: saved, ask: h.m.sitesNeedingPasswords(saved)})
	if len(asked) != 2 {
		t.Errorf("asked about %v; want each site once", asked)
	}
	if q.Snapshot().Len != 0 {
		t.Fatal("jobs restored before the password was given")
	}
	h.typeText("hunter2")
	h.key("enter")
	if typed["ftp://bob@one.example/"] != "hunter2" || len(typed) != 1 {
		t.Errorf("passwords given: %v", typed)
	}
	if n := q.Snapshot().Len; n != 3 {
		t.Errorf("%d jobs restored; want 3", n)
	}
}

func TestAFolderVisitedBeforeShowsAtOnceAndRefreshes(t *testing.T) {
	h := newHarness(t, 120, 35)
	v := h.m.panes[rightPane]
	h.run(h.m.load(rightPane, "/pub/data", ""))
	h.run(h.m.load(rightPane, "/pub", ""))
	w, _ := h.remote.Create(context.Background(), "/pub/data/c.csv") // changed on the server meanwhile
	io.WriteString(w, "5,6\n")
	w.Close()
	cmd := h.m.load(rightPane, "/pub/data", "")
	if v.model.Dir() != "/pub/data" || !v.refreshing || v.model.Len() != 3 { // .., a.csv, b.csv
		t.Fatalf("before the listing came: dir %q, refreshing %v, %d rows; want the last listing shown at once", v.model.Dir(), v.refreshing, v.model.Len())
	}
	if !strings.Contains(h.screen(), "(refreshing)") {
		t.Error("the pane does not say it is refreshing")
	}
	h.run(cmd)
	if v.refreshing || v.model.Len() != 4 {
		t.Errorf("after the listing: refreshing %v, %d rows; want the new listing", v.refreshing, v.model.Len())
	}
}
