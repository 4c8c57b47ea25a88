package ui

import (
	"fmt"
	"path"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ferry/internal/safe"
	"ferry/transfers"
)

// queueMsg carries a fresh snapshot of the transfer queue.
type queueMsg struct{ snap transfers.Snapshot }

// queuePanel shows the transfer queue: one row per job with a progress
// bar, speed, ETA and state. It reads snapshots; it never pushes work.
type queuePanel struct {
	q       *transfers.Queue
	snap    transfers.Snapshot
	cursor  int
	offset  int
	width   int
	height  int
	bar     progress.Model
	shown   bool // the user asked for it (ctrl+t)
	focused bool // keys go to it
	history jobHistory
}

func newQueuePanel(q *transfers.Queue, s *Styles) *queuePanel {
	bar := progress.New(progress.WithWidth(20), progress.WithoutPercentage(),
		progress.WithColors(s.ProgressBar), progress.WithFillCharacters('█', '░'))
	return &queuePanel{q: q, bar: bar}
}

// listen waits for the queue to change and delivers a snapshot. The queue
// rate-limits Changed to about ten a second and never loses the last one.
func (p *queuePanel) listen() tea.Cmd {
	if p == nil || p.q == nil {
		return nil
	}
	ch, q := p.q.Changed(), p.q
	return func() tea.Msg {
		<-ch
		return queueMsg{snap: q.Snapshot()}
	}
}

// active reports whether jobs are queued or running.
func (p *queuePanel) active() bool {
	if p == nil {
		return false
	}
	c := p.snap.Counts
	return c[transfers.Queued]+c[transfers.Active]+c[transfers.Conflict] > 0
}

// visible: shown on request, automatically while work is going on, and
// while failures wait to be seen.
func (p *queuePanel) visible() bool {
	return p != nil && (p.shown || p.active() || p.snap.Counts[transfers.Failed]+p.snap.Counts[transfers.Paused] > 0)
}

func (p *queuePanel) setSnapshot(s transfers.Snapshot) {
	p.snap = s
	p.history.record(s, time.Now())
	p.cursor = max(min(p.cursor, len(s.Jobs)-1), 0)
	p.scroll()
}

func (p *queuePanel) SetSize(w, h int) {
	p.width, p.height = w, h
	p.bar.SetWidth(min(max(w/5, 8), 30))
	p.scroll()
}

func (p *queuePanel) rows() int { return max(p.height-1, 1) }

func (p *queuePanel) scroll() {
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+p.rows() {
		p.offset = p.cursor - p.rows() + 1
	}
	p.offset = max(min(p.offset, len(p.snap.Jobs)-p.rows()), 0)
}

// moveCursor moves the cursor by delta rows, stopping at either end.
func (p *queuePanel) moveCursor(delta int) {
	p.cursor = max(min(p.cursor+delta, len(p.snap.Jobs)-1), 0)
	p.scroll()
}

func (p *queuePanel) current() (transfers.JobStatus, bool) {
	if p.cursor < len(p.snap.Jobs) {
		return p.snap.Jobs[p.cursor], true
	}
	return transfers.JobStatus{}, false
}

// queueKeys are the panel's own keys while it has the focus.
var queueKeys = struct {
	Pause, PauseAll, Cancel, Retry, Remove, Up, Down, MoveUp, MoveDown, Clear, Limit, Leave key.Binding
	PageUp, PageDown, Top, Bottom, Decide, Details                                          key.Binding
}{
	PageUp:   key.NewBinding(key.WithKeys("pgup")),
	PageDown: key.NewBinding(key.WithKeys("pgdown")),
	Top:      key.NewBinding(key.WithKeys("home", "g")),
	Bottom:   key.NewBinding(key.WithKeys("end", "G")),
	Decide:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "decide conflict")),
	Details:  key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "details")),
	Pause:    key.NewBinding(key.WithKeys("p", "space"), key.WithHelp("p", "pause/resume")),
	PauseAll: key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "pause/resume all")),
	Cancel:   key.NewBinding(key.WithKeys("x", "f8"), key.WithHelp("x", "cancel")),
	Retry:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
	Remove:   key.NewBinding(key.WithKeys("delete", "d"), key.WithHelp("del", "remove")),
	Up:       key.NewBinding(key.WithKeys("up", "k")),
	Down:     key.NewBinding(key.WithKeys("down", "j")),
	MoveUp:   key.NewBinding(key.WithKeys("K", "shift+up"), key.WithHelp("K", "move up")),
	MoveDown: key.NewBinding(key.WithKeys("J", "shift+down"), key.WithHelp("J", "move down")),
	Clear:    key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "clear finished")),
	Limit:    key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "speed limit")),
	Leave:    key.NewBinding(key.WithKeys("esc", "tab", "ctrl+t"), key.WithHelp("esc", "back to panes")),
}

// ShortHelp and FullHelp make the panel's keys the hint line's while it
// has the focus.
func (p *queuePanel) ShortHelp() []key.Binding {
	k := queueKeys
	return []key.Binding{k.Pause, k.PauseAll, k.Cancel, k.Retry, k.Decide, k.Details, k.Remove, k.MoveUp, k.MoveDown, k.Clear, k.Limit, k.Leave}
}

func (p *queuePanel) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// Update acts on a key while the panel has the focus; a refused action
// is reported on the status line.
func (p *queuePanel) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if key.Matches(k, queueKeys.Limit) {
		return p.limitPrompt()
	}
	job, ok := p.current()
	switch {
	case ok && job.State == transfers.Conflict && key.Matches(k, queueKeys.Decide, queueKeys.Retry):
		// A conflict left for later ("esc: decide later") is decided here.
		return func() tea.Msg { return decideMsg{job: job} }
	case ok && key.Matches(k, queueKeys.Details):
		return func() tea.Msg { return jobDetailsMsg{job: job} }
	}
	if _, err := p.handleKey(k); err != nil {
		return func() tea.Msg { return opDoneMsg{what: "queue", err: err} }
	}
	return nil
}

// decideMsg asks the root to open the conflict dialog for a job.
type decideMsg struct{ job transfers.JobStatus }

// jobDetailsMsg asks the root to show a job's details and history.
type jobDetailsMsg struct{ job transfers.JobStatus }

// deferMsg: the user left a conflict for later; it is not asked about
// again until chosen in the queue panel.
type deferMsg struct{ id transfers.ID }

// pausedJobs reports whether anything waits to be resumed: the whole
// queue or a job paused on its own.
func (p *queuePanel) pausedJobs() bool {
	return p.snap.Paused || p.snap.Counts[transfers.Paused] > 0
}

// handleKey acts on a key while the panel has the focus.
func (p *queuePanel) handleKey(msg tea.KeyPressMsg) (handled bool, err error) {
	k := queueKeys
	job, ok := p.current()
	switch {
	case key.Matches(msg, k.Leave):
		p.focused = false
	case key.Matches(msg, k.Up):
		p.moveCursor(-1)
	case key.Matches(msg, k.Down):
		p.moveCursor(1)
	case key.Matches(msg, k.PageUp):
		p.moveCursor(-p.rows())
	case key.Matches(msg, k.PageDown):
		p.moveCursor(p.rows())
	case key.Matches(msg, k.Top):
		p.moveCursor(-len(p.snap.Jobs))
	case key.Matches(msg, k.Bottom):
		p.moveCursor(len(p.snap.Jobs))
	case key.Matches(msg, k.PauseAll):
		if p.pausedJobs() {
			p.q.ResumeAll()
		} else {
			p.q.PauseAll()
		}
	case key.Matches(msg, k.Clear):
		p.q.ClearFinished()
	case !ok:
		return key.Matches(msg, k.Pause, k.Cancel, k.Retry, k.Remove, k.MoveUp, k.MoveDown), nil
	case key.Matches(msg, k.Pause):
		if job.State == transfers.Paused {
			return true, p.q.Resume(job.ID)
		}
		return true, p.q.Pause(job.ID)
	case key.Matches(msg, k.Cancel):
		return true, p.q.Cancel(job.ID)
	case key.Matches(msg, k.Retry):
		return true, p.q.Retry(job.ID)
	case key.Matches(msg, k.Remove):
		return true, p.q.Remove(job.ID)
	case key.Matches(msg, k.MoveUp):
		if err := p.q.Move(job.ID, -1); err != nil {
			return true, err
		}
		p.cursor = max(p.cursor-1, 0)
	case key.Matches(msg, k.MoveDown):
		if err := p.q.Move(job.ID, 1); err != nil {
			return true, err
		}
		p.cursor = min(p.cursor+1, len(p.snap.Jobs)-1)
	default:
		return false, nil
	}
	return true, nil
}

// View draws a title line with the totals and one row per job.
func (p *queuePanel) View(s *Styles) string {
	var b strings.Builder
	snap := p.snap
	c := snap.Counts
	// Every count on a wide screen; on a narrow one only those not zero,
	// so that what is happening fits.
	var counts []string
	for _, n := range []struct {
		state  transfers.State
		word   string
		always bool
	}{{transfers.Active, "active", true}, {transfers.Queued, "queued", true}, {transfers.Done, "done", true},
		{transfers.Failed, "failed", true}, {transfers.Paused, "paused", false}, {transfers.Conflict, "to decide", false}} {
		if c[n.state] > 0 || (n.always && p.width >= 80) {
			counts = append(counts, fmt.Sprintf("%d %s", c[n.state], n.word))
		}
	}
	if len(counts) == 0 {
		counts = []string{"empty"}
	}
	head := "─ transfers: " + strings.Join(counts, ", ")
	if snap.Total > 0 {
		head += fmt.Sprintf(" · %s of %s", bytesText(snap.Done), bytesText(snap.Total))
	}
	if snap.Speed > 0 {
		head += " · " + bytesText(int64(snap.Speed)) + "/s"
	}
	if snap.Conns > 0 { // the queue adapts them; see transfers.Options.MaxParallel
		head += fmt.Sprintf(" · %d conn", snap.Conns)
		if snap.Conns > 1 {
			head += "s"
		}
	}
	if snap.ETA > 0 {
		head += " · ETA " + formatETA(snap.ETA)
	}
	if snap.Paused {
		head += " · PAUSED"
	}
	head += p.limitText()
	if !p.focused {
		head += "  (ctrl+t to manage) "
	}
	title := s.Dim
	if p.focused {
		title = s.TitleActive
	}
	b.WriteString(title.Render(padRight(ansi.Truncate(head, p.width, "…"), p.width)))
	end := min(p.offset+p.rows(), len(snap.Jobs))
	for i := p.offset; i < end; i++ {
		b.WriteByte('\n')
		b.WriteString(p.row(s, snap.Jobs[i], i == p.cursor && p.focused))
	}
	for i := end - p.offset; i < p.rows(); i++ {
		b.WriteByte('\n')
	}
	return b.String()
}

func (p *queuePanel) row(s *Styles, j transfers.JobStatus, cursor bool) string {
	arrow := "↓"
	name := path.Base(j.Remote)
	switch j.Direction {
	case transfers.Upload:
		arrow = "↑"
	case transfers.Copy:
		arrow = "⇄" // server to server
	}
	if j.Dir {
		name += "/"
	}
	state := j.State.String()
	pct := 0.0
	if j.Total > 0 {
		pct = float64(j.Done) / float64(j.Total)
	} else if j.State == transfers.Done {
		pct = 1
	}
	detail := ""
	switch j.State {
	case transfers.Active:
		detail = fmt.Sprintf("%s/%s", bytesText(j.Done), bytesText(max(j.Total, 0)))
		if j.Speed > 0 {
			detail += " " + bytesText(int64(j.Speed)) + "/s"
		}
		if j.ETA > 0 {
			detail += " " + formatETA(j.ETA)
		}
	case transfers.Failed, transfers.Skipped:
		detail = j.Reason
	case transfers.Queued:
		if j.Reason != "" {
			detail = "retry: " + j.Reason
		}
	case transfers.Conflict:
		detail = "target exists: enter to decide"
	}
	nameW := max(p.width/3, 10)
	name, detail = safe.Line(name), safe.Line(detail) // the server's names and replies
	line := fmt.Sprintf("%s %s %s %-9s %s", arrow, padRight(ansi.Truncate(name, nameW, "…"), nameW), p.bar.ViewAs(pct), state, detail)
	line = padRight(ansi.Truncate(line, p.width, "…"), p.width)
	switch {
	case cursor:
		return s.Cursor.Render(ansi.Strip(line))
	case j.State == transfers.Failed:
		return s.Error.Render(ansi.Strip(line))
	case j.State == transfers.Conflict:
		return s.Warning.Render(ansi.Strip(line))
	}
	return line
}

func formatETA(d time.Duration) string {
	d = d.Round(time.Second)
	if d >= time.Hour {
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// conflictDialog asks what to do with a target that exists.
type conflictDialog struct {
	q   *transfers.Queue
	job transfers.JobStatus
	all bool
}

func (d *conflictDialog) Update(msg tea.Msg) (dialog, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return d, nil
	}
	choices := map[string]transfers.Policy{
		"o": transfers.Overwrite, "s": transfers.Skip, "r": transfers.Resume,
		"n": transfers.OverwriteIfNewer, "e": transfers.RenameNew,
	}
	switch k.String() {
	case "a":
		d.all = !d.all
		return d, nil
	case "esc":
		id := d.job.ID // decide later: the job waits in the queue
		return nil, func() tea.Msg { return deferMsg{id: id} }
	}
	if p, ok := choices[k.String()]; ok {
		q, id, all := d.q, d.job.ID, d.all
		return nil, func() tea.Msg {
			if err := q.Resolve(id, p, all); err != nil {
				return opDoneMsg{what: "conflict", err: err}
			}
			return nil
		}
	}
	return d, nil
}

func (d *conflictDialog) View(s *Styles, width, _ int) string {
	ci := d.job.Conflict
	w := min(max(width-8, 30), 80)
	describe := func(f transfers.Facts) string {
		parts := []string{}
		if f.Size >= 0 {
			parts = append(parts, bytesText(f.Size))
		}
		if !f.ModTime.IsZero() {
			parts = append(parts, f.ModTime.Local().Format("2006-01-02 15:04"))
		}
		return strings.Join(parts, ", ")
	}
	check := "[ ]"
	if d.all {
		check = "[x]"
	}
	body := s.Warning.Render("The target exists") + "\n" + safe.Line(ci.Target) + "\n\n" +
		"existing: " + describe(ci.Exists) + "\n" +
		"new:      " + describe(ci.Source) + "\n\n" +
		"o overwrite  s skip  r resume  n overwrite if newer  e keep both (rename new)\n" +
		check + " a: apply to all conflicts   esc: decide later"
	return s.Dialog.Width(w).Render(body)
}
