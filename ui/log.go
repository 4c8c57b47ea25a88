package ui

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ferry/internal/safe"
	"ferry/protocol"
)

// logPanel shows the FTP conversation (passwords are masked by the
// engine). Engine writers hand lines to a buffered channel that a
// re-armed command drains, so the engine never waits for the screen; if
// the screen falls far behind, lines are counted as dropped rather than
// blocking a transfer.
type logPanel struct {
	ch      chan string
	dropped atomic.Int64
	file    io.Writer // optional copy (--debug)
	fileMu  sync.Mutex

	lines  []string
	back   int // lines scrolled back from the end
	width  int
	height int
}

const (
	logBuffer = 4096
	logKeep   = 5000
)

func newLogPanel(file io.Writer) *logPanel {
	return &logPanel{ch: make(chan string, logBuffer), file: file}
}

// writer returns an io.Writer for the engine's debug output.
func (l *logPanel) writer() io.Writer { return &logWriter{panel: l} }

type logWriter struct {
	panel   *logPanel
	partial []byte
}

func (w *logWriter) Write(p []byte) (int, error) {
	l := w.panel
	if l.file != nil {
		l.fileMu.Lock()
		l.file.Write(p)
		l.fileMu.Unlock()
	}
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		select {
		case l.ch <- string(w.partial[:i]):
		default:
			l.dropped.Add(1)
		}
		w.partial = w.partial[i+1:]
	}
	return len(p), nil
}

// listen waits for log lines and delivers what has arrived in one message.
func (l *logPanel) listen() tea.Cmd {
	return func() tea.Msg {
		first := <-l.ch
		batch := logMsg{first}
		for len(batch) < 256 {
			select {
			case line := <-l.ch:
				batch = append(batch, line)
			default:
				return batch
			}
		}
		return batch
	}
}

// append adds lines to the log, escaping each (safe.Line) in place: the
// engine escapes what it writes, but the panel shows whatever reaches its
// writer, so it does not rely on that.
func (l *logPanel) append(lines []string) {
	for i, line := range lines {
		lines[i] = safe.Line(line)
	}
	if n := l.dropped.Swap(0); n > 0 {
		l.lines = append(l.lines, fmt.Sprintf("* %d log lines dropped while the screen caught up", n))
	}
	l.lines = append(l.lines, lines...)
	if len(l.lines) > logKeep {
		l.lines = append(l.lines[:0:0], l.lines[len(l.lines)-logKeep:]...)
	}
}

func (l *logPanel) SetSize(w, h int) { l.width, l.height = w, h }

// logKeys scroll the log while it is shown.
var logKeys = struct{ ScrollUp, ScrollDown key.Binding }{
	ScrollUp:   key.NewBinding(key.WithKeys("shift+up", "shift+pgup"), key.WithHelp("shift+↑", "log back")),
	ScrollDown: key.NewBinding(key.WithKeys("shift+down", "shift+pgdown"), key.WithHelp("shift+↓", "log forward")),
}

// Update scrolls the log.
func (l *logPanel) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, logKeys.ScrollUp):
			l.scroll(-3)
		case key.Matches(k, logKeys.ScrollDown):
			l.scroll(3)
		}
	}
	return nil
}

func (l *logPanel) ShortHelp() []key.Binding {
	return []key.Binding{logKeys.ScrollUp, logKeys.ScrollDown}
}
func (l *logPanel) FullHelp() [][]key.Binding { return [][]key.Binding{l.ShortHelp()} }

// scroll moves back through the log, stopping when its first line is at
// the top: presses beyond that do not pile up.
func (l *logPanel) scroll(delta int) {
	l.back = max(min(l.back-delta, len(l.lines)-l.rows()), 0)
}

func (l *logPanel) rows() int { return max(l.height-1, 1) }

// View draws the last lines that fit, under a rule.
func (l *logPanel) View(s *Styles) string {
	rows := l.rows()
	end := max(len(l.lines)-l.back, 0)
	start := max(end-rows, 0)
	var b strings.Builder
	title := "─ log (shift+↑/↓ scrolls) "
	b.WriteString(s.Dim.Render(title + strings.Repeat("─", max(l.width-ansi.StringWidth(title), 0))))
	for _, line := range l.lines[start:end] {
		b.WriteByte('\n')
		line = ansi.Truncate(line, l.width, "…") // escaped by append
		switch {
		case strings.HasPrefix(line, protocol.LogSent):
			b.WriteString(s.LogSent.Render(line))
		default:
			b.WriteString(s.LogReceived.Render(line))
		}
	}
	for i := end - start; i < rows; i++ {
		b.WriteByte('\n')
	}
	return b.String()
}
