package ui

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"ferry/panes"
	"ferry/protocol/listing"
)

// columnMode says whether the panes show the permissions and owner
// columns: when there is room (the default), always or never.
type columnMode int

const (
	columnsAuto columnMode = iota
	columnsOn
	columnsOff
)

// toggleColumns shows the permissions and owner columns when the active
// pane does not show them (at any width), and hides them when it does.
func (m *Model) toggleColumns() {
	v := m.panes[m.active]
	perm, _ := v.columns(max(v.width-2, 1))
	if perm {
		m.cols = columnsOff
		m.setStatus("permissions and owner columns hidden (L shows them)", false)
	} else {
		m.cols = columnsOn
		m.setStatus("permissions and owner columns shown (L hides them)", false)
	}
}

// dirSizeMsg reports a folder's size computed in the background.
type dirSizeMsg struct {
	pane  int
	path  string
	bytes int64
	files int
	err   error
}

// dirSize adds up the folders selected (or under the cursor) in the
// background; their size column shows "…" until it is known.
func (m *Model) dirSize(v *paneView) tea.Cmd {
	if v.fs == nil {
		return nil
	}
	var cmds []tea.Cmd
	pane, fsys := m.active, v.fs
	for _, e := range v.model.Selection() {
		if e.Kind != listing.Dir || e.Unsafe() {
			continue
		}
		p := fsys.Join(v.model.Dir(), e.RawName)
		if v.sizing[p] {
			continue
		}
		if v.sizing == nil {
			v.sizing, v.sizes = map[string]bool{}, map[string]int64{}
		}
		v.sizing[p] = true
		cmds = append(cmds, func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
			defer cancel()
			bytes, files, err := panes.DirSize(ctx, fsys, p, nil)
			return dirSizeMsg{pane: pane, path: p, bytes: bytes, files: files, err: err}
		})
	}
	if len(cmds) == 0 {
		m.setStatus("folder size: put the cursor on a folder (or select folders)", false)
		return nil
	}
	m.setStatus(fmt.Sprintf("adding up %d folder(s)…", len(cmds)), false)
	return tea.Batch(cmds...)
}

func (m *Model) dirSized(msg dirSizeMsg) {
	v := m.panes[msg.pane]
	delete(v.sizing, msg.path)
	if msg.err != nil {
		m.setStatus(msg.err.Error(), true)
		return
	}
	v.sizes[msg.path] = msg.bytes
	m.setStatus(fmt.Sprintf("%s: %s in %d file(s)", baseName(msg.path), bytesText(msg.bytes), msg.files), false)
}

// quoteMsg reports the server's reply to a raw command.
type quoteMsg struct {
	line, reply string
	err         error
}

// quoter is a file system that sends raw commands (*panes.Remote).
type quoter interface {
	Quote(ctx context.Context, line string) (string, error)
}

// quote asks for a raw command and sends it on the pane's connection, as
// lftp's quote does; the conversation shows in the log panel.
func (m *Model) quote(v *paneView) {
	q, ok := v.fs.(quoter)
	if !ok {
		m.setStatus("raw commands go to a server: use them in the remote pane", true)
		return
	}
	m.dialog = newPrompt("Send to the server", "a command such as SITE CHMOD 644 f, STAT, SYST, MDTM file; the reply shows here and in the log (ctrl+l)", "", false, func(line string) tea.Cmd {
		line = strings.TrimSpace(line)
		if line == "" {
			return nil
		}
		m.showLog = true
		m.layout()
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
			defer cancel()
			reply, err := q.Quote(ctx, line)
			return quoteMsg{line: line, reply: reply, err: err}
		}
	})
}
