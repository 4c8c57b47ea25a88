package ui

import (
	tea "charm.land/bubbletea/v2"

	"ferry/bookmarks"
)

// sitesDialog is the site manager. (Being built: until then it lists the
// bookmarks' names and connects to the first with Enter.)
type sitesDialog struct {
	file    *bookmarks.File
	current *Target
}

func newSitesDialog(file *bookmarks.File, current *Target, width, height int) dialog {
	return &sitesDialog{file: file, current: current}
}

func (d *sitesDialog) Update(msg tea.Msg) (dialog, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc":
			return nil, nil
		case "enter":
			if all := d.file.All(); len(all) > 0 {
				return nil, func() tea.Msg { return connectMsg{target: Target{Bookmark: all[0].Name}} }
			}
		}
	}
	return d, nil
}

func (d *sitesDialog) View(s *Styles, width, _ int) string {
	body := s.TitleActive.Render("Sites")
	for _, b := range d.file.All() {
		body += "\n" + b.Name
	}
	return s.Dialog.Render(body)
}
