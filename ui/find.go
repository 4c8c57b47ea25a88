package ui

import (
	"context"
	"fmt"
	"path"
	"strings"
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ferry/panes"
	"ferry/protocol/listing"
)

// maxFindResults bounds what a search keeps: a pattern like * over a big
// server would otherwise fill memory.
const maxFindResults = 10000

// findResult is one match: the folder it is in and its entry.
type findResult struct {
	dir   string
	entry listing.Entry
}

// findState is what a search has found so far, shared between the walk
// (in its goroutine) and the UI, which reads it when poked.
type findState struct {
	mu        sync.Mutex
	results   []findResult
	failed    int // folders that could not be listed
	truncated bool
	done      bool
	err       error
}

// findJob is a search running in the background. The walk pokes note (a
// channel of one, so pokes coalesce and the last is never lost) and the
// UI's re-armed listen command reads the state.
type findJob struct {
	state  findState
	note   chan struct{}
	cancel context.CancelFunc
}

// findMsg carries a search's progress to the root.
type findMsg struct {
	job     *findJob
	results []findResult
	failed  int
	trunc   bool
	done    bool
	err     error
}

func (j *findJob) poke() {
	select {
	case j.note <- struct{}{}:
	default:
	}
}

// startFind searches under dir on fsys for names matching the shell
// pattern glob.
func startFind(fsys panes.FS, dir, glob string) *findJob {
	ctx, cancel := context.WithCancel(context.Background())
	j := &findJob{note: make(chan struct{}, 1), cancel: cancel}
	go func() {
		defer cancel()
		err := panes.Walk(ctx, fsys, dir, func(d string, e *listing.Entry) error {
			ok, _ := path.Match(glob, e.Name)
			j.state.mu.Lock()
			defer j.state.mu.Unlock()
			if ok {
				if len(j.state.results) >= maxFindResults {
					j.state.truncated = true
					return context.Canceled
				}
				j.state.results = append(j.state.results, findResult{dir: d, entry: *e})
				j.poke() // coalesced: the UI reads the latest state when it gets to it
			}
			return nil
		}, func(string, error) {
			j.state.mu.Lock()
			j.state.failed++
			j.state.mu.Unlock()
		})
		j.state.mu.Lock()
		j.state.done = true
		if err != nil && !j.state.truncated {
			j.state.err = err
		}
		j.state.mu.Unlock()
		j.poke()
	}()
	return j
}

// listen waits for the search to report and delivers what it has; once
// the search is done it delivers at once.
func (j *findJob) listen() tea.Cmd {
	return func() tea.Msg {
		j.state.mu.Lock()
		done := j.state.done
		j.state.mu.Unlock()
		if !done {
			<-j.note
		}
		j.state.mu.Lock()
		defer j.state.mu.Unlock()
		return findMsg{job: j, results: j.state.results[:len(j.state.results):len(j.state.results)],
			failed: j.state.failed, trunc: j.state.truncated, done: j.state.done, err: j.state.err}
	}
}

// findDialog shows a search's results as they come; Enter jumps to one,
// Esc stops a running search, then closes.
type findDialog struct {
	job     *findJob
	pane    int
	root    string
	glob    string
	results []findResult
	failed  int
	trunc   bool
	done    bool
	err     error
	cursor  int
	offset  int
	rows    int
}

// jumpMsg asks the root to show a found entry in its pane.
type jumpMsg struct {
	pane      int
	dir, name string
}

func (d *findDialog) Update(msg tea.Msg) (dialog, tea.Cmd) {
	switch msg := msg.(type) {
	case findMsg:
		if msg.job != d.job {
			return d, nil
		}
		d.results, d.failed, d.trunc, d.done, d.err = msg.results, msg.failed, msg.trunc, msg.done, msg.err
		if d.done {
			return d, nil
		}
		return d, d.job.listen()
	case tea.KeyPressMsg:
		k := msg.String()
		switch {
		case k == "esc" && !d.done:
			d.job.cancel()
			return d, nil
		case k == "esc" || k == "q":
			d.job.cancel()
			return nil, nil
		case k == "enter":
			if d.cursor < len(d.results) {
				r := d.results[d.cursor]
				d.job.cancel()
				pane := d.pane
				return nil, func() tea.Msg { return jumpMsg{pane: pane, dir: r.dir, name: r.entry.RawName} }
			}
		case key.Matches(msg, queueKeys.Up):
			d.cursor--
		case key.Matches(msg, queueKeys.Down):
			d.cursor++
		case key.Matches(msg, queueKeys.PageUp):
			d.cursor -= d.rows
		case key.Matches(msg, queueKeys.PageDown):
			d.cursor += d.rows
		case key.Matches(msg, queueKeys.Top):
			d.cursor = 0
		case key.Matches(msg, queueKeys.Bottom):
			d.cursor = len(d.results)
		}
		d.cursor = max(min(d.cursor, len(d.results)-1), 0)
	}
	return d, nil
}

func (d *findDialog) View(s *Styles, width, height int) string {
	w := min(max(width-4, 20), 110)
	inner := w - 4
	d.rows = max(height-7, 1)
	if d.cursor < d.offset {
		d.offset = d.cursor
	}
	if d.cursor >= d.offset+d.rows {
		d.offset = d.cursor - d.rows + 1
	}
	var b strings.Builder
	b.WriteString(s.TitleActive.Render(ansi.Truncate(fmt.Sprintf("Find %s in %s", d.glob, d.root), inner, "…")) + "\n")
	status := fmt.Sprintf("%d found", len(d.results))
	switch {
	case d.trunc:
		status += fmt.Sprintf(" (stopped at %d)", maxFindResults)
	case d.err != nil && d.done:
		status += " · stopped: " + d.err.Error()
	case !d.done:
		status += " · searching… (esc stops)"
	default:
		status += " · done"
	}
	if d.failed > 0 {
		status += fmt.Sprintf(" · %d folder(s) unreadable", d.failed)
	}
	b.WriteString(s.Dim.Render(ansi.Truncate(status, inner, "…")) + "\n")
	end := min(d.offset+d.rows, len(d.results))
	for i := d.offset; i < end; i++ {
		r := d.results[i]
		name := r.entry.Name
		if r.entry.Kind == listing.Dir {
			name += "/"
		}
		line := padRight(ansi.Truncate(strings.TrimSuffix(r.dir, "/")+"/"+name, inner, "…"), inner)
		if i == d.cursor {
			line = s.Cursor.Render(line)
		}
		b.WriteString(line + "\n")
	}
	for i := end - d.offset; i < d.rows; i++ {
		b.WriteString("\n")
	}
	b.WriteString(s.Dim.Render(ansi.Truncate("enter: go to it   ↑/↓ pgup/pgdn: move   esc: stop, then close", inner, "…")))
	return s.Dialog.Width(w).Render(b.String())
}

// find asks for a pattern and starts a search from the pane's folder.
func (m *Model) find(v *paneView) {
	if v.fs == nil {
		return
	}
	pane, dir, fsys := m.active, v.model.Dir(), v.fs
	m.dialog = newPrompt("Find in "+v.title(), "a name pattern: *.log, report-202?.pdf, exact.txt (searches every folder below)", "*", false, func(glob string) tea.Cmd {
		glob = strings.TrimSpace(glob)
		if _, err := path.Match(glob, ""); err != nil || glob == "" {
			m.setStatus(fmt.Sprintf("find: %q is not a pattern", glob), true)
			return nil
		}
		job := startFind(fsys, dir, glob)
		d := &findDialog{job: job, pane: pane, root: dir, glob: glob}
		return tea.Sequence(func() tea.Msg { return openDialogMsg{d} }, job.listen())
	})
}
