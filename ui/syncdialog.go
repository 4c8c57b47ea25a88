package ui

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ferry/panes"
	"ferry/protocol/listing"
	"ferry/syncplan"
	"ferry/transfers"
)

// planTimeout bounds the walk of both trees for the sync dialog.
const planTimeout = 10 * time.Minute

// fsSide lets syncplan walk a pane's file system below a folder.
type fsSide struct {
	fs   panes.FS
	root string
}

func (s fsSide) List(ctx context.Context, dir string, fn func(syncplan.Entry) error) error {
	p := s.root
	if dir != "" {
		p = s.fs.Join(s.root, dir)
	}
	entries, err := s.fs.List(ctx, p)
	if err != nil {
		return err
	}
	for i := range entries {
		if err := fn(entryOf(&entries[i])); err != nil {
			return err
		}
	}
	return nil
}

// planMsg carries the sync dialog's plan, computed in the background.
type planMsg struct {
	plan *syncplan.Plan
	err  error
}

// syncEnd is what the sync dialog's run did before its copies were queued.
type syncRanMsg struct {
	specs   []transfers.Spec // copies for the queue
	done    string           // what was done directly
	errs    []error
	refresh []int
}

// syncSides are the two folders of a sync: from the active pane's to the
// other's.
type syncSides struct {
	srcFS, dstFS   panes.FS
	srcDir, dstDir string
	download       bool // the source is a server
	upload         bool // the target is a server
	queued         bool // copies go through the transfer queue
	site, dstSite  string
	fxp            bool
	dstPane        int
}

// openSyncDialog plans the sync from the active pane's folder to the
// other pane's in the background and shows the plan.
func (m *Model) openSyncDialog() tea.Cmd {
	src, dst := m.panes[m.active], m.panes[1-m.active]
	if src.fs == nil || dst.fs == nil || src.model.Dir() == "" || dst.model.Dir() == "" {
		m.setStatus("sync: connect to a server first (ctrl+o)", true)
		return nil
	}
	sides := syncSides{
		srcFS: src.fs, dstFS: dst.fs, srcDir: src.model.Dir(), dstDir: dst.model.Dir(),
		download: src.remote != nil, upload: dst.remote != nil,
		site: SiteOf(src.target), dstSite: SiteOf(dst.target), dstPane: 1 - m.active,
		fxp: m.cfg.FXP || wantsFXP(src.remote) || wantsFXP(dst.remote),
	}
	sides.queued = m.queue != nil && (sides.download || sides.upload)
	verb := "copy"
	switch {
	case sides.download && !sides.upload:
		verb = "download"
	case sides.upload && !sides.download:
		verb = "upload"
	}
	title := fmt.Sprintf("Sync %s → %s", src.title(), dst.title())
	m.dialog = newSyncDialog(title, dst.title(), m.runSync(sides))
	opts := syncplan.Options{Delete: true, Verb: verb}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), planTimeout)
		defer cancel()
		p, err := syncplan.Build(ctx, fsSide{sides.srcFS, sides.srcDir}, fsSide{sides.dstFS, sides.dstDir}, opts)
		return planMsg{plan: p, err: err}
	}
}

// runSync returns what the dialog runs with the lines the user kept:
// folders are created and deletions made directly, in plan order; the
// copies go to the transfer queue (or, between two panes without one,
// are copied directly).
func (m *Model) runSync(s syncSides) func([]syncplan.Action) tea.Cmd {
	return func(actions []syncplan.Action) tea.Cmd {
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), planTimeout)
			defer cancel()
			var msg syncRanMsg
			msg.refresh = []int{s.dstPane}
			made, deleted, copied := 0, 0, 0
			fail := func(what string, err error) {
				msg.errs = append(msg.errs, fmt.Errorf("%s: %w", what, err))
			}
			for _, a := range actions {
				if a.Op == syncplan.MakeDir && a.Path != "" {
					if err := s.dstFS.Mkdir(ctx, s.dstFS.Join(s.dstDir, a.Path)); err != nil {
						fail("create "+a.Path, err)
					} else {
						made++
					}
				}
			}
			for _, a := range actions {
				switch a.Op {
				case syncplan.Transfer:
					if s.queued {
						msg.specs = append(msg.specs, s.spec(&a))
						continue
					}
					dir, name := path.Split(a.Path)
					file := listing.Entry{Name: name, RawName: name, Kind: listing.File}
					if err := panes.Copy(ctx, s.srcFS, s.srcFS.Join(s.srcDir, a.Path), s.dstFS, s.dstFS.Join(s.dstDir, strings.TrimSuffix(dir, "/")), file, nil); err != nil {
						fail("copy "+a.Path, err)
					} else {
						copied++
					}
				case syncplan.Delete:
					kind := listing.File
					if a.Dir {
						kind = listing.Dir
					}
					if err := s.dstFS.Remove(ctx, s.dstFS.Join(s.dstDir, a.Path), kind); err != nil {
						fail("delete "+a.Path, err)
					} else {
						deleted++
					}
				}
			}
			msg.done = fmt.Sprintf("sync: %d folder(s) created, %d copied, %d deleted", made, copied, deleted)
			return msg
		}
	}
}

// spec is the queue job of one planned copy.
func (s *syncSides) spec(a *syncplan.Action) transfers.Spec {
	if s.download && s.upload {
		return transfers.Spec{
			Site: s.site, Direction: transfers.Copy, Remote: s.srcFS.Join(s.srcDir, a.Path),
			DestSite: s.dstSite, DestRemote: s.dstFS.Join(s.dstDir, a.Path), FXP: s.fxp,
			Source: transfers.Facts{Known: true, Size: a.Size, ModTime: a.ModTime, Precision: a.Precision},
		}
	}
	if s.download {
		return transfers.Spec{
			Site: s.site, Direction: transfers.Download, Remote: s.srcFS.Join(s.srcDir, a.Path),
			LocalRoot: s.dstDir, Local: a.Path,
			Source: transfers.Facts{Known: true, Size: a.Size, ModTime: a.ModTime, Precision: a.Precision},
		}
	}
	return transfers.Spec{Site: s.dstSite, Direction: transfers.Upload, Remote: s.dstFS.Join(s.dstDir, a.Path), LocalRoot: s.srcDir, Local: a.Path}
}

// syncRan queues the copies and reports what the sync did.
func (m *Model) syncRan(msg syncRanMsg) tea.Cmd {
	status := msg.done
	if len(msg.specs) > 0 {
		m.queue.q.AddWithPolicy(transfers.Overwrite, msg.specs...)
		m.queueAdded = true
		m.layout()
		status += fmt.Sprintf(", %d copies queued", len(msg.specs))
	}
	if len(msg.errs) > 0 {
		m.setStatus(fmt.Sprintf("%s; %d failed: %v", status, len(msg.errs), errors.Join(msg.errs...)), true)
	} else {
		m.setStatus(status, false)
	}
	var cmds []tea.Cmd
	for _, p := range msg.refresh {
		cmds = append(cmds, m.refresh(p))
	}
	return tea.Batch(cmds...)
}

// syncDialog shows a plan, one line per action with a checkbox, and runs
// the lines left ticked. Skips and errors are shown for information and
// cannot be ticked; deletions come last, in the error colour, and running any of
// them needs a second, explicit yes.
type syncDialog struct {
	title, target string
	plan          *syncplan.Plan
	err           error
	keep          []bool
	cursor, top   int
	rows          int // list rows at the last View
	confirming    bool
	run           func([]syncplan.Action) tea.Cmd
	keys          syncDialogKeyMap
}

func newSyncDialog(title, target string, run func([]syncplan.Action) tea.Cmd) *syncDialog {
	return &syncDialog{title: title, target: target, run: run, rows: 10, keys: newSyncDialogKeys()}
}

// syncDialogKeyMap is the dialog's own keys.
type syncDialogKeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Toggle, All, Run, Close key.Binding
}

func newSyncDialogKeys() syncDialogKeyMap {
	b := func(keys ...string) key.Binding { return key.NewBinding(key.WithKeys(keys...)) }
	return syncDialogKeyMap{
		Up: b("up", "k"), Down: b("down", "j"), PageUp: b("pgup"), PageDown: b("pgdown"),
		Top: b("home", "g"), Bottom: b("end", "G"), Toggle: b("space", "insert"), All: b("a"),
		Run: b("enter"), Close: b("esc", "q"),
	}
}

func (d *syncDialog) Update(msg tea.Msg) (dialog, tea.Cmd) {
	switch msg := msg.(type) {
	case planMsg:
		d.plan, d.err = msg.plan, msg.err
		if d.plan != nil {
			d.keep = make([]bool, len(d.plan.Actions))
			for i := range d.keep {
				d.keep[i] = tickable(&d.plan.Actions[i])
			}
		}
		return d, nil
	case tea.KeyPressMsg:
		return d.key(msg)
	}
	return d, nil
}

func (d *syncDialog) key(k tea.KeyPressMsg) (dialog, tea.Cmd) {
	keys := &d.keys
	if d.confirming {
		switch k.String() {
		case "y", "Y":
			return nil, d.run(d.Kept())
		case "n", "N", "esc":
			d.confirming = false
		}
		return d, nil
	}
	if key.Matches(k, keys.Close) {
		return nil, nil
	}
	if d.plan == nil {
		return d, nil
	}
	n := len(d.plan.Actions)
	switch {
	case key.Matches(k, keys.Up):
		d.move(-1)
	case key.Matches(k, keys.Down):
		d.move(1)
	case key.Matches(k, keys.PageUp):
		d.move(-d.rows)
	case key.Matches(k, keys.PageDown):
		d.move(d.rows)
	case key.Matches(k, keys.Top):
		d.move(-n)
	case key.Matches(k, keys.Bottom):
		d.move(n)
	case key.Matches(k, keys.Toggle):
		if n > 0 && tickable(&d.plan.Actions[d.cursor]) {
			d.keep[d.cursor] = !d.keep[d.cursor]
		}
		d.move(1)
	case key.Matches(k, keys.All):
		on := d.Counts() == (syncplan.Summary{Unchanged: d.plan.Summary.Unchanged})
		for i := range d.keep {
			d.keep[i] = on && tickable(&d.plan.Actions[i])
		}
	case key.Matches(k, keys.Run):
		c := d.Counts()
		switch {
		case c.Files+c.Dirs+c.Deletes == 0:
			return nil, nil
		case c.Deletes > 0:
			d.confirming = true
			return d, nil
		}
		return nil, d.run(d.Kept())
	}
	return d, nil
}

func (d *syncDialog) move(delta int) {
	n := len(d.plan.Actions)
	d.cursor = min(max(d.cursor+delta, 0), max(n-1, 0))
	if d.cursor < d.top {
		d.top = d.cursor
	}
	if d.cursor >= d.top+d.rows {
		d.top = d.cursor - d.rows + 1
	}
}

// Kept returns the ticked actions in plan order: what Enter runs.
func (d *syncDialog) Kept() []syncplan.Action {
	var out []syncplan.Action
	for i, a := range d.plan.Actions {
		if d.keep[i] && tickable(&a) {
			out = append(out, a)
		}
	}
	return out
}

// Counts totals the ticked lines.
func (d *syncDialog) Counts() syncplan.Summary {
	return d.plan.Counts(func(i int) bool { return d.keep[i] && tickable(&d.plan.Actions[i]) })
}

// tickable reports whether a plan line is something to run: skips and
// errors are shown for information.
func tickable(a *syncplan.Action) bool { return a.Op != syncplan.Skip && a.Op != syncplan.Error }

func (d *syncDialog) View(s *Styles, width, height int) string {
	w := min(max(width-6, 30), 110)
	inner := w - 4
	var b strings.Builder
	b.WriteString(s.TitleActive.Render(ansi.Truncate(d.title, inner, "…")))
	b.WriteByte('\n')
	switch {
	case d.err != nil:
		b.WriteString(s.Error.Render(strings.Join(wrap("cannot plan: "+d.err.Error(), inner), "\n")))
		b.WriteString("\n\n" + s.Dim.Render("esc closes"))
		return s.Dialog.Width(w).Render(b.String())
	case d.plan == nil:
		b.WriteString(s.Dim.Render("comparing both folders…"))
		b.WriteString("\n\n" + s.Dim.Render("esc cancels"))
		return s.Dialog.Width(w).Render(b.String())
	}
	d.rows = max(height-10, 3)
	if len(d.plan.Actions) == 0 {
		b.WriteString(fmt.Sprintf("Nothing to do: %d file(s) already the same.\n", d.plan.Summary.Unchanged))
	}
	end := min(d.top+d.rows, len(d.plan.Actions))
	for i := d.top; i < end; i++ {
		b.WriteString(d.line(s, i, inner))
		b.WriteByte('\n')
	}
	c := d.Counts()
	total := fmt.Sprintf("ticked: %d file(s), %s, %d folder(s) to create, %d deletion(s); %d unchanged",
		c.Files, bytesText(c.Bytes), c.Dirs, c.Deletes, c.Unchanged)
	b.WriteString("\n" + ansi.Truncate(total, inner, "…") + "\n")
	if d.confirming {
		b.WriteString(s.Error.Render(ansi.Truncate(fmt.Sprintf("Delete %d entries from %s? y: delete and run  n: back", c.Deletes, d.target), inner, "…")))
	} else {
		b.WriteString(s.Dim.Render(ansi.Truncate("space tick/untick • a all/none • enter run • esc cancel", inner, "…")))
	}
	return s.Dialog.Width(w).Render(b.String())
}

// line draws one action: checkbox, action, reason, size, path.
func (d *syncDialog) line(s *Styles, i, width int) string {
	a := &d.plan.Actions[i]
	box := "[ ]"
	switch {
	case !tickable(a):
		box = "   "
	case d.keep[i]:
		box = "[x]"
	}
	size := ""
	if a.Op == syncplan.Transfer || (a.Op == syncplan.Delete && !a.Dir) {
		size = formatBytes(max(a.Size, 0))
	}
	p := listing.DisplayName(a.Path)
	if a.Dir {
		p += "/"
	}
	text := fmt.Sprintf("%s %-10s %-16s %7s  %s", box, d.plan.Name(a), ansi.Truncate(a.Reason, 16, "…"), size, p)
	line := padRight(ansi.Truncate(text, width, "…"), width)
	switch {
	case i == d.cursor:
		return s.Cursor.Render(line)
	case a.Op == syncplan.Delete, a.Op == syncplan.Error:
		return s.Error.Render(line)
	case a.Op == syncplan.Skip:
		return s.Dim.Render(line)
	}
	return line
}
