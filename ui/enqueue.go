package ui

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"

	tea "charm.land/bubbletea/v2"

	"ferry/panes"
	"ferry/protocol/listing"
	"ferry/transfers"
)

// FS is panes.FS, named here for comparisons with the remote.
type FS = panes.FS

// SiteOf names a target for the queue's Dial: the bookmark's name, or the
// URL without its password (the queue saves sites to disk).
func SiteOf(t Target) string {
	if t.Bookmark != "" {
		return t.Bookmark
	}
	u, err := url.Parse(t.URL)
	if err != nil {
		return t.URL
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}

// enqueue hands a copy or move between two places, at least one of them a
// server, to the transfer queue, after the user confirms: a download, an
// upload, or a copy between two servers (by FXP when asked and possible,
// else relayed).
func (m *Model) enqueue(move bool, src, dst *paneView, dstDir string, entries []listing.Entry) tea.Cmd {
	srcDir := src.model.Dir()
	fxp := m.cfg.FXP || wantsFXP(src.remote) || wantsFXP(dst.remote)
	var specs []transfers.Spec
	for i := range entries {
		e := &entries[i]
		if e.Kind != listing.File && e.Kind != listing.Dir {
			continue // links and devices are not transferred
		}
		sp := transfers.Spec{Dir: e.Kind == listing.Dir, Source: transfers.EntryFacts(e)}
		switch {
		case src.remote != nil && dst.remote != nil:
			sp.Direction, sp.Site, sp.DestSite, sp.FXP = transfers.Copy, SiteOf(src.target), SiteOf(dst.target), fxp
			sp.Remote, sp.DestRemote, sp.Local = src.fs.Join(srcDir, e.RawName), dst.fs.Join(dstDir, e.RawName), e.RawName
		case src.remote != nil:
			sp.Direction, sp.Site = transfers.Download, SiteOf(src.target)
			sp.Remote, sp.LocalRoot, sp.Local = src.fs.Join(srcDir, e.RawName), dstDir, e.RawName
		default:
			sp.Direction, sp.Site = transfers.Upload, SiteOf(dst.target)
			sp.Remote, sp.LocalRoot, sp.Local = dst.fs.Join(dstDir, e.RawName), srcDir, e.RawName
		}
		specs = append(specs, sp)
	}
	if len(specs) == 0 {
		m.setStatus("nothing to transfer: links and special files are not copied", true)
		return nil
	}
	verb := "Copy"
	if move {
		verb = "Move"
	}
	body := []string{fmt.Sprintf("%d item(s) to %s (in the transfer queue):", len(specs), dstDir)}
	for _, sp := range specs {
		body = append(body, "  "+listing.DisplayName(sp.Local))
	}
	srcFS, pane := src.fs, m.active
	src.model.ClearSelection()
	return m.confirm(verb+"?", body, func() tea.Msg {
		return enqueueMsg{specs: specs, move: move, srcFS: srcFS, srcDir: srcDir, entries: entries, pane: pane}
	})
}

// enqueueMsg adds confirmed jobs to the queue.
type enqueueMsg struct {
	specs   []transfers.Spec
	move    bool
	srcFS   panes.FS
	srcDir  string
	entries []listing.Entry
	pane    int
}

func (m *Model) enqueueConfirmed(msg enqueueMsg) {
	ids := m.queue.q.Add(msg.specs...)
	if msg.move {
		k := 0
		for _, e := range msg.entries {
			if e.Kind != listing.File && e.Kind != listing.Dir {
				continue
			}
			m.moves[ids[k]] = moveSource{fs: msg.srcFS, path: msg.srcFS.Join(msg.srcDir, e.RawName), entry: e, pane: msg.pane}
			k++
		}
	}
	m.queueAdded = true // the jobs may finish before the next snapshot shows them active
	m.layout()
	m.setStatus(fmt.Sprintf("%d item(s) queued", len(ids)), false)
}

// queuedWork counts jobs that quitting would interrupt.
func (m *Model) queuedWork() int {
	if m.queue == nil {
		return 0
	}
	c := m.queue.snap.Counts
	return c[transfers.Queued] + c[transfers.Active] + c[transfers.Conflict]
}

// queueChanged takes a new snapshot: it asks about conflicts, finishes
// moves whose copies are complete, refreshes panes when jobs end, and
// waits for the next change.
func (m *Model) queueChanged(snap transfers.Snapshot) tea.Cmd {
	before := m.queue.snap.Counts
	wasActive := m.queue.active() || m.queueAdded
	m.queueAdded = false
	wasVisible := m.queue.visible()
	m.queue.setSnapshot(snap)
	if wasVisible != m.queue.visible() {
		m.layout()
	}
	cmds := []tea.Cmd{m.queue.listen()}
	if m.dialog == nil {
		for _, j := range snap.Jobs {
			if j.State == transfers.Conflict && !m.deferred[j.ID] {
				m.dialog = &conflictDialog{q: m.queue.q, job: j}
				break
			}
		}
	}
	if wasActive && !m.queue.active() {
		c := snap.Counts
		counts := fmt.Sprintf("%d done, %d failed, %d skipped", c[transfers.Done], c[transfers.Failed], c[transfers.Skipped])
		if m.queue.pausedJobs() {
			// Not finished: work waits to be resumed.
			m.setStatus(fmt.Sprintf("transfers paused: %d paused, %s (ctrl+t, then P resumes)", c[transfers.Paused], counts), false)
		} else {
			m.setStatus("transfers finished: "+counts, c[transfers.Failed] > 0)
		}
	}
	cmds = append(cmds, m.finishMoves(snap)...)
	if snap.Counts[transfers.Done] != before[transfers.Done] || snap.Counts[transfers.Failed] != before[transfers.Failed] {
		cmds = append(cmds, m.refresh(leftPane), m.refresh(rightPane))
	}
	return tea.Batch(cmds...)
}

// finishMoves removes the sources of moves whose jobs are all done. A
// move with any failed, skipped or cancelled part keeps its source.
func (m *Model) finishMoves(snap transfers.Snapshot) []tea.Cmd {
	if len(m.moves) == 0 {
		return nil
	}
	parent := make(map[transfers.ID]transfers.ID, len(snap.Jobs))
	for _, j := range snap.Jobs {
		parent[j.ID] = j.Parent
	}
	rootOf := func(id transfers.ID) transfers.ID {
		for parent[id] != 0 {
			id = parent[id]
		}
		return id
	}
	type progress struct{ finished, ok, seen bool }
	state := map[transfers.ID]*progress{}
	for root := range m.moves {
		state[root] = &progress{finished: true, ok: true}
	}
	for _, j := range snap.Jobs {
		p, ok := state[rootOf(j.ID)]
		if !ok {
			continue
		}
		p.seen = true
		if !j.State.Finished() {
			p.finished = false
		}
		if j.State != transfers.Done {
			p.ok = false
		}
	}
	var cmds []tea.Cmd
	for _, root := range slices.Sorted(maps.Keys(state)) {
		p := state[root]
		if !p.seen || !p.finished {
			continue
		}
		src := m.moves[root]
		delete(m.moves, root)
		if !p.ok {
			m.setStatus("move of "+src.entry.Name+" incomplete: the source is kept", true)
			continue
		}
		cmds = append(cmds, opCmd("moved "+src.entry.Name, "copied "+src.entry.Name+" but could not remove the source", []int{src.pane}, func(ctx context.Context) error {
			return panes.RemoveAll(ctx, src.fs, src.path, src.entry)
		}))
	}
	return cmds
}

// wantsFXP reports whether a server's settings (a bookmark's fxp = true)
// ask for copies to other servers to go directly between them.
func wantsFXP(r RemoteFS) bool {
	f, ok := r.(interface{ FXP() bool })
	return ok && f.FXP()
}
