package ui

import (
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"ferry/bookmarks"
)

// connectWithPasswordMsg asks the root to connect to a target with the
// password the user typed.
type connectWithPasswordMsg struct {
	target   Target
	password string
}

// passwordDialog asks for the password a connection needs. For a
// bookmark it offers to save the answer, in the OS keyring or (only when
// chosen) in bookmarks.toml, but saves nothing unless the user asks.
type passwordDialog struct {
	target Target
	file   *bookmarks.File // nil when saving is not offered
	input  textinput.Model
	onBox  bool              // the checkbox has the focus, not the input
	save   bookmarks.Storage // where to save it; DontSave unless changed
	note   string            // why it asks again: the server refused the last one
}

func newPasswordDialog(target Target, file *bookmarks.File) dialog {
	ti := newTextInput("> ")
	ti.EchoMode = textinput.EchoPassword
	ti.Focus()
	d := &passwordDialog{target: target, input: ti}
	if target.Bookmark != "" {
		d.file = file
	}
	return d
}

func (d *passwordDialog) Update(msg tea.Msg) (dialog, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(msg)
		return d, cmd
	}
	switch k.String() {
	case "esc":
		return nil, nil
	case "enter":
		return nil, d.submit()
	case "ctrl+s":
		if d.file != nil {
			d.save = d.save.Next()
		}
		return d, nil
	case "tab", "shift+tab":
		if d.file != nil {
			d.onBox = !d.onBox
			if d.onBox {
				d.input.Blur()
				return d, nil
			}
			return d, d.input.Focus()
		}
		return d, nil
	}
	if d.onBox {
		if k.String() == "space" {
			d.save = d.save.Next()
		}
		return d, nil
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	return d, cmd
}

// submit connects with the password, saving it in the bookmark first
// when the box is ticked. A failure to save is reported, and the
// connection is made all the same.
func (d *passwordDialog) submit() tea.Cmd {
	t, pw := d.target, d.input.Value()
	connect := func() tea.Msg { return connectWithPasswordMsg{target: t, password: pw} }
	if d.save == bookmarks.DontSave || d.file == nil {
		return connect
	}
	return tea.Sequence(savePasswordCmd(d.file, t.Bookmark, pw, d.save), connect)
}

// savePasswordCmd saves password for the bookmark called name where the
// user chose (bookmarks.File.SavePassword: the keyring, or the file).
func savePasswordCmd(file *bookmarks.File, name, password string, where bookmarks.Storage) tea.Cmd {
	return func() tea.Msg {
		if err := file.SavePassword(name, password, where); err != nil {
			return opDoneMsg{what: "saving the password", err: err}
		}
		return nil
	}
}

func (d *passwordDialog) View(s *Styles, width, _ int) string {
	w := min(max(width-8, 20), 72)
	d.input.SetWidth(w - 4)
	body := s.TitleActive.Render("Password for "+d.target.String()) + "\n"
	if d.note != "" {
		body += s.Error.Width(w-4).Render(d.note) + "\n"
	}
	body += d.input.View() + "\n"
	if d.file == nil {
		body += s.Dim.Render("not stored anywhere")
		return s.Dialog.Width(w).Render(body)
	}
	box := "save the password: ‹ " + d.save.String() + " ›"
	if d.onBox {
		box = s.TitleActive.Render(box)
	}
	body += box + "\n"
	switch d.save {
	case bookmarks.SaveFile:
		body += s.Warning.Render("saved as plain text in a 0600 file only you can read; the keyring or password_cmd is safer")
	case bookmarks.SaveKeyring:
		body += s.Dim.Render("bookmarks.toml records only where it is (ctrl+s changes it)")
	default:
		body += s.Dim.Render("not stored unless chosen (ctrl+s, or tab then space)")
	}
	return s.Dialog.Width(w).Render(body)
}

// checkbox draws a tick box.
func checkbox(on bool) string {
	if on {
		return "[x]"
	}
	return "[ ]"
}
