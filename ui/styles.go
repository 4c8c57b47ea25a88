package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"ferry/themes"
)

// Styles are the lipgloss styles built once from a palette, never per
// frame or per row.
type Styles struct {
	PaneActive, PaneInactive lipgloss.Style
	Title, TitleActive       lipgloss.Style
	File, Directory, Symlink lipgloss.Style
	Exec, Other              lipgloss.Style
	Cursor, CursorInactive   lipgloss.Style
	Selected                 lipgloss.Style
	Dim, Error, Warning      lipgloss.Style
	Secure, Insecure         lipgloss.Style
	Status                   lipgloss.Style
	Dialog                   lipgloss.Style
	LogSent, LogReceived     lipgloss.Style
	Unsafe                   lipgloss.Style

	ProgressBar, ProgressTrack color.Color

	// Background is behind the panes, StatusBg behind the status line,
	// FooterBg behind the key hints, DialogBg behind dialogs (see
	// fillBackground); NoColor keeps the terminal's.
	Background, StatusBg, FooterBg, DialogBg color.Color
	// Help draws key hints and the help screen in the footer_* colours.
	Help help.Styles
}

// NewStyles builds the styles of a theme's palette. Without colours
// (NO_COLOR, the mono theme) the cursor is reverse video and selections
// and problems are bold or underlined, so nothing depends on colour.
func NewStyles(p themes.Palette) Styles {
	base := lipgloss.NewStyle()
	border := base.Border(lipgloss.RoundedBorder())
	s := Styles{
		PaneActive:     border.BorderForeground(p.BorderActive),
		PaneInactive:   border.BorderForeground(p.BorderInactive),
		Title:          base.Foreground(p.Dim),
		TitleActive:    base.Foreground(p.Title).Bold(true),
		File:           base,
		Directory:      base.Foreground(p.Directory).Bold(true),
		Symlink:        base.Foreground(p.Symlink),
		Exec:           base.Foreground(p.Executable),
		Other:          base.Foreground(p.Dim),
		Cursor:         base.Foreground(p.CursorFg).Background(p.CursorBg),
		CursorInactive: base.Reverse(true),
		Selected:       base.Foreground(p.Selection).Bold(true),
		Dim:            base.Foreground(p.Dim),
		Error:          base.Foreground(p.Error).Bold(true),
		Warning:        base.Foreground(p.Warning),
		Secure:         base.Foreground(p.Success),
		Insecure:       base.Foreground(p.Insecure).Bold(true),
		Status:         base.Foreground(p.StatusFg).Background(p.StatusBg),
		Dialog:         border.BorderForeground(p.BorderActive).Foreground(p.DialogFg).Background(p.DialogBg).Padding(0, 1),
		LogSent:        base.Foreground(p.LogSent),
		LogReceived:    base.Foreground(p.LogReceived),
		Unsafe:         base.Foreground(p.Unsafe).Bold(true),
		ProgressBar:    p.ProgressBar,
		ProgressTrack:  p.ProgressTrack,
		Background:     p.Background,
		StatusBg:       p.StatusBg,
		FooterBg:       p.FooterBg,
		DialogBg:       p.DialogBg,
	}
	key, desc, sep := base.Foreground(p.FooterKey).Bold(true), base.Foreground(p.FooterFg), base.Foreground(p.Dim)
	s.Help = help.Styles{Ellipsis: sep, ShortKey: key, ShortDesc: desc, ShortSeparator: sep,
		FullKey: key, FullDesc: desc, FullSeparator: sep}
	if p.Text != nil {
		s.File = s.File.Foreground(p.Text)
	}
	if p.NoColor {
		s.Cursor = base.Reverse(true)
		s.CursorInactive = base.Underline(true)
		s.Selected = base.Bold(true)
		s.Directory = base.Bold(true)
		s.Error = base.Bold(true).Underline(true)
		s.Insecure = base.Bold(true).Underline(true)
		s.Unsafe = base.Underline(true)
		s.Help = help.Styles{Ellipsis: base, ShortKey: base.Bold(true), ShortDesc: base, ShortSeparator: base,
			FullKey: base.Bold(true), FullDesc: base, FullSeparator: base}
	}
	return s
}
