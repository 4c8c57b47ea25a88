package ui

import (
	"fmt"
	"strings"
	"time"

	"ferry/transfers"
)

// keepJobHistory is how many state changes the details view keeps per job.
const keepJobHistory = 20

// jobHistory remembers, per job, the states and reasons the queue's
// snapshots showed, so the details view can tell a job's story (queued,
// active, retry: 421 …, failed: 550 …) after the row shows only the last.
type jobHistory struct {
	events map[transfers.ID][]string
	last   map[transfers.ID]string
}

func (h *jobHistory) record(snap transfers.Snapshot, now time.Time) {
	if h.events == nil {
		h.events, h.last = map[transfers.ID][]string{}, map[transfers.ID]string{}
	}
	for i := range snap.Jobs {
		j := &snap.Jobs[i]
		what := j.State.String()
		if j.Reason != "" {
			what += ": " + j.Reason
		}
		if j.State == transfers.Queued && j.Attempts > 0 {
			what += fmt.Sprintf(" (attempt %d)", j.Attempts+1)
		}
		if h.last[j.ID] == what {
			continue
		}
		h.last[j.ID] = what
		ev := append(h.events[j.ID], now.Format("15:04:05")+"  "+what)
		if len(ev) > keepJobHistory {
			ev = ev[len(ev)-keepJobHistory:]
		}
		h.events[j.ID] = ev
	}
	if len(h.last) > 2*len(snap.Jobs)+64 && snap.First == 0 && len(snap.Jobs) == snap.Len {
		// Jobs were cleared from the queue: forget them.
		keep := make(map[transfers.ID]bool, len(snap.Jobs))
		for _, j := range snap.Jobs {
			keep[j.ID] = true
		}
		for id := range h.last {
			if !keep[id] {
				delete(h.last, id)
				delete(h.events, id)
			}
		}
	}
}

// showDetails opens the details view: the selected job's facts and
// history when there is one, then the last errors in full (the status
// line cuts them to its width).
func (m *Model) showDetails(job transfers.JobStatus, withJob bool) {
	width := max(m.width-6, 20)
	var b strings.Builder
	if withJob {
		dir := job.Direction.String()
		if job.Via != "" {
			dir += ", by " + job.Via
		}
		fmt.Fprintf(&b, "Transfer %d (%s)\n", job.ID, dir)
		if job.Direction == transfers.Copy {
			fmt.Fprintf(&b, "  from:   %s on %s\n  to:     %s on %s\n", job.Remote, job.Site, job.DestRemote, job.DestSite)
		} else {
			fmt.Fprintf(&b, "  remote: %s\n  local:  %s\n  site:   %s\n", job.Remote, job.LocalRoot+"/"+job.Local, job.Site)
		}
		fmt.Fprintf(&b, "  state:  %s", job.State)
		if job.Reason != "" {
			fmt.Fprintf(&b, ": %s", job.Reason)
		}
		fmt.Fprintf(&b, "\n  attempts: %d\n\nHistory\n", job.Attempts)
		for _, ev := range m.queue.history.events[job.ID] {
			b.WriteString("  " + ev + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString("Last errors (newest last)\n")
	if len(m.errors) == 0 {
		b.WriteString("  none\n")
	}
	for _, e := range m.errors {
		for i, line := range wrap(e, width-2) {
			if i > 0 {
				line = "  " + line
			}
			b.WriteString("  " + strings.TrimRight(line, " ") + "\n")
		}
	}
	title := "Details"
	if withJob {
		title = "Transfer details"
	}
	d := newViewer(title, strings.TrimRight(b.String(), "\n"), m.width, m.height)
	d.vp.GotoBottom()
	if withJob {
		d.vp.GotoTop()
	}
	m.dialog = d
}
