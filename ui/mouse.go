package ui

import (
	"strings"
	"time"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// doubleClick is the longest gap between two clicks on one row that
// opens it, as file managers do.
const doubleClick = 400 * time.Millisecond

// wheelStep is how many rows one wheel notch scrolls.
const wheelStep = 3

// lastClick remembers a click, to tell a double-click.
type lastClick struct {
	at   time.Time
	x, y int
}

// mouse handles clicks and the wheel: a click focuses a pane and puts the
// cursor on a row, a double-click opens it, the wheel scrolls what is
// under the pointer, and in a dialog a click on a button word presses its
// key. Screen regions are worked out from the same sizes layout gave the
// children, so nothing is stored from View.
func (m *Model) mouse(msg tea.MouseMsg) tea.Cmd {
	ms := msg.Mouse()
	_, click := msg.(tea.MouseClickMsg)
	_, wheel := msg.(tea.MouseWheelMsg)
	if !click && !wheel {
		return nil
	}
	if m.dialog != nil {
		if wheel {
			var cmd tea.Cmd
			m.dialog, cmd = m.dialog.Update(msg)
			return cmd
		}
		if ms.Button == tea.MouseLeft {
			return m.clickDialog(ms.X, ms.Y)
		}
		return nil
	}
	paneH := m.panes[0].height
	switch {
	case ms.Y < paneH:
		pane := m.active
		if m.wide() {
			pane = leftPane
			if ms.X >= m.panes[0].width {
				pane = rightPane
			}
		}
		return m.mousePane(pane, ms, click)
	case m.queue.visible() && ms.Y < paneH+m.queue.height:
		if wheel {
			m.queue.moveCursor(wheelDelta(ms))
			return nil
		}
		if row := ms.Y - paneH - 1; row >= 0 && m.queue.offset+row < len(m.queue.snap.Jobs) {
			m.queue.focused, m.queue.shown = true, true
			m.queue.cursor = m.queue.offset + row
			m.queue.scroll()
		}
	case m.showLog && wheel:
		m.log.scroll(-wheelDelta(ms))
	}
	return nil
}

func wheelDelta(ms tea.Mouse) int {
	if ms.Button == tea.MouseWheelUp {
		return -wheelStep
	}
	if ms.Button == tea.MouseWheelDown {
		return wheelStep
	}
	return 0
}

// mousePane acts on a click or a wheel notch over a pane.
func (m *Model) mousePane(pane int, ms tea.Mouse, click bool) tea.Cmd {
	v := m.panes[pane]
	if !click {
		v.model.Move(wheelDelta(ms))
		return nil
	}
	if ms.Button != tea.MouseLeft {
		return nil
	}
	m.active = pane
	if m.queue != nil {
		m.queue.focused = false
	}
	first, rows := v.model.Rows()
	row := ms.Y - 2 // the border and the title
	if row < 0 || row >= len(rows) {
		return nil
	}
	v.model.Move(first + row - v.model.Cursor())
	now := m.now()
	double := now.Sub(m.click.at) <= doubleClick && m.click.x == ms.X && m.click.y == ms.Y
	m.click = lastClick{at: now, x: ms.X, y: ms.Y}
	if double {
		m.click = lastClick{}
		return m.open(v)
	}
	return nil
}

// clickable is a dialog with buttons: words that, clicked, press a key.
type clickable interface {
	buttons() map[string]string
}

// clickDialog presses the key of the button word under a click.
func (m *Model) clickDialog(x, y int) tea.Cmd {
	c, ok := m.dialog.(clickable)
	if !ok {
		return nil
	}
	view := m.dialog.View(&m.styles, m.width, m.height)
	left := max((m.width-lipgloss.Width(view))/2, 0)
	top := max((m.height-lipgloss.Height(view))/2, 0)
	lines := strings.Split(view, "\n")
	if y < top || y-top >= len(lines) || x < left {
		return nil
	}
	word := wordAt([]rune(ansi.Strip(lines[y-top])), x-left)
	k, ok := c.buttons()[strings.ToLower(word)]
	if !ok {
		return nil
	}
	var cmd tea.Cmd
	m.dialog, cmd = m.dialog.Update(keyPress(k))
	return cmd
}

// wordAt is the run of letters around column col.
func wordAt(line []rune, col int) string {
	if col < 0 || col >= len(line) || !unicode.IsLetter(line[col]) {
		return ""
	}
	start, end := col, col
	for start > 0 && unicode.IsLetter(line[start-1]) {
		start--
	}
	for end < len(line) && unicode.IsLetter(line[end]) {
		end++
	}
	return string(line[start:end])
}

// keyPress is the key message for a one-letter key.
func keyPress(k string) tea.KeyPressMsg {
	if k == "esc" {
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

func (d *confirmDialog) buttons() map[string]string { return map[string]string{"yes": "y", "no": "n"} }

func (d *conflictDialog) buttons() map[string]string {
	return map[string]string{"overwrite": "o", "skip": "s", "resume": "r", "newer": "n", "both": "e", "rename": "e", "later": "esc"}
}

func (d *trustDialog) buttons() map[string]string {
	return map[string]string{"once": "o", "always": "a", "cancel": "c"}
}
