package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ferry/internal/safe"
)

// dialog is a modal child. While one is open it gets every key; Update
// returns nil once it is done. Each dialog is its own small model.
type dialog interface {
	Update(msg tea.Msg) (dialog, tea.Cmd)
	View(s *Styles, width, height int) string
}

// promptDialog asks for one line of text.
type promptDialog struct {
	title, hint string
	input       textinput.Model
	onSubmit    func(string) tea.Cmd
	history     *history // nil: up and down do nothing (see withHistory)
	draft       string   // what the user typed before walking the history
}

// newTextInput is a text input with a steady cursor: a blinking one
// redraws the screen twice a second for nothing.
func newTextInput(prompt string) textinput.Model {
	ti := textinput.New()
	ti.Prompt = prompt
	st := ti.Styles()
	st.Cursor.Blink = false
	ti.SetStyles(st)
	return ti
}

func newPrompt(title, hint, value string, secret bool, onSubmit func(string) tea.Cmd) *promptDialog {
	ti := newTextInput("> ")
	ti.SetValue(value)
	ti.CursorEnd()
	if secret {
		ti.EchoMode = textinput.EchoPassword
	}
	ti.Focus()
	return &promptDialog{title: title, hint: hint, input: ti, onSubmit: onSubmit}
}

func (d *promptDialog) Update(msg tea.Msg) (dialog, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc":
			return nil, nil
		case "enter":
			return nil, d.onSubmit(d.input.Value())
		case "up", "down":
			if d.history != nil {
				d.walkHistory(k.String() == "up")
				return d, nil
			}
		}
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	return d, cmd
}

func (d *promptDialog) View(s *Styles, width, _ int) string {
	w := min(max(width-8, 20), 72)
	d.input.SetWidth(w - 4)
	body := s.TitleActive.Render(safe.Line(d.title)) + "\n" + d.input.View()
	if d.hint != "" {
		body += "\n" + s.Dim.Render(d.hint)
	}
	return s.Dialog.Width(w).Render(body)
}

// confirmDialog asks yes or no and names what is at stake.
type confirmDialog struct {
	title string
	body  []string
	onYes tea.Cmd
}

func (d *confirmDialog) Update(msg tea.Msg) (dialog, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "y", "Y", "enter":
			return nil, d.onYes
		case "n", "N", "esc", "q":
			return nil, nil
		}
	}
	return d, nil
}

func (d *confirmDialog) View(s *Styles, width, height int) string {
	w := min(max(width-8, 20), 72)
	lines := d.body
	if room := height - 6; len(lines) > room && room > 1 {
		lines = append(lines[:room-1:room-1], "…")
	}
	body := s.TitleActive.Render(safe.Line(d.title)) + "\n" + safe.Text(strings.Join(lines, "\n")) + "\n\n" +
		s.Dim.Render("y/enter: yes   n/esc: no")
	return s.Dialog.Width(w).Render(body)
}

// viewerDialog shows a file's text in a scrollable viewport.
type viewerDialog struct {
	title string
	vp    viewport.Model
}

func newViewer(title, content string, width, height int) *viewerDialog {
	vp := viewport.New(viewport.WithWidth(max(width-4, 10)), viewport.WithHeight(max(height-4, 3)))
	vp.SetContent(content)
	return &viewerDialog{title: title, vp: vp}
}

func (d *viewerDialog) Update(msg tea.Msg) (dialog, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc", "q", "f3", "f10":
			return nil, nil
		case "g", "home":
			d.vp.GotoTop()
			return d, nil
		case "G", "end":
			d.vp.GotoBottom()
			return d, nil
		}
	}
	var cmd tea.Cmd
	d.vp, cmd = d.vp.Update(msg)
	return d, cmd
}

func (d *viewerDialog) View(s *Styles, width, height int) string {
	d.vp.SetWidth(max(width-4, 10))
	d.vp.SetHeight(max(height-4, 3))
	head := s.TitleActive.Render(safe.Line(d.title)) + s.Dim.Render("  (esc closes)")
	return s.Dialog.Width(width).Render(head + "\n" + d.vp.View())
}

// helpDialog is the full key list: in columns when they fit, else one
// binding a line, scrolled with the arrows when taller than the screen.
type helpDialog struct {
	keys   KeyMap
	help   help.Model
	offset int // first line shown
	lines  int // lines of the last layout, for scrolling
	rows   int // lines that fit
}

func (d *helpDialog) Update(msg tea.Msg) (dialog, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return d, nil
	}
	if d.lines > d.rows {
		switch k.String() {
		case "up", "k":
			d.offset--
		case "down", "j":
			d.offset++
		case "pgup":
			d.offset -= d.rows
		case "pgdown", "space":
			d.offset += d.rows
		case "home", "g":
			d.offset = 0
		case "end", "G":
			d.offset = d.lines
		default:
			return nil, nil
		}
		d.offset = max(min(d.offset, d.lines-d.rows), 0)
		return d, nil
	}
	return nil, nil // any key closes it
}

func (d *helpDialog) View(s *Styles, width, height int) string {
	inner := max(width-4, 10)
	d.help.ShowAll = true
	d.help.SetWidth(0) // no limit: see whether the columns fit whole
	text := d.help.View(d.keys)
	if lipgloss.Width(text) > inner {
		// The columns do not fit: one binding a line.
		var b strings.Builder
		for _, group := range d.keys.FullHelp() {
			for _, k := range group {
				if !k.Enabled() {
					continue
				}
				h := k.Help()
				b.WriteString(s.Help.FullKey.Render(padRight(h.Key, 10)) + " " + s.Help.FullDesc.Render(h.Desc) + "\n")
			}
		}
		text = strings.TrimRight(b.String(), "\n")
	}
	lines := strings.Split(text, "\n")
	d.lines = len(lines)
	d.rows = max(height-6, 1) // border, title, blank, hint
	foot := "any key closes"
	if d.lines > d.rows {
		d.offset = max(min(d.offset, d.lines-d.rows), 0)
		lines = lines[d.offset : d.offset+d.rows]
		foot = fmt.Sprintf("↑/↓ scroll (%d-%d of %d) · other keys close", d.offset+1, d.offset+d.rows, d.lines)
	}
	body := s.TitleActive.Render("ferry keys") + "\n\n" + strings.Join(lines, "\n") + "\n" + s.Dim.Render(ansi.Truncate(foot, inner, "…"))
	return s.Dialog.Render(lipgloss.NewStyle().MaxWidth(inner).Render(body))
}
