package ui

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
)

// component is what the root's children implement: the panes, the queue
// panel and the log panel. The root sizes every child on a window change,
// sends keys only to the focused one, and fills the hint line from the
// focused child's key map. Each draws itself with a View that takes what
// it needs (styles, focus), so no child reaches into the root.
type component interface {
	Update(msg tea.Msg) tea.Cmd
	SetSize(width, height int)
	help.KeyMap
}

var (
	_ component = (*paneView)(nil)
	_ component = (*queuePanel)(nil)
	_ component = (*logPanel)(nil)
)
