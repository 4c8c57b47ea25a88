package ui

import (
	tea "charm.land/bubbletea/v2"

	"ferry/ratelimit"
)

// openDialogMsg asks the root to open a dialog for a child that has none
// of its own (the queue panel's speed-limit prompt).
type openDialogMsg struct{ d dialog }

// limitPrompt asks for the queue's speed limit, shared by all transfers,
// and applies it at once to those under way; empty or 0 lifts it.
func (p *queuePanel) limitPrompt() tea.Cmd {
	current := ""
	if r := p.q.RateLimit(); r > 0 {
		current = ratelimit.Format(r)
	}
	d := newPrompt("Speed limit for all transfers", "bytes per second: 500K, 2M (empty or 0: no limit)", current, false,
		func(s string) tea.Cmd {
			bps, err := ratelimit.Parse(s)
			if err == nil {
				p.q.SetRateLimit(bps)
			}
			return func() tea.Msg { return opDoneMsg{what: "speed limit: " + ratelimit.Format(bps), err: err} }
		})
	return func() tea.Msg { return openDialogMsg{d: d} }
}

// limitText is the limit for the panel's title, "" when there is none.
func (p *queuePanel) limitText() string {
	if p.q == nil {
		return ""
	}
	if r := p.q.RateLimit(); r > 0 {
		return " · limit " + ratelimit.Format(r) + "/s"
	}
	return ""
}
