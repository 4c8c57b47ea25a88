package ui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Palette names a colour for each role the interface draws. Themes fill
// it; nil colours mean "terminal default".
type Palette struct {
	BorderActive, BorderInactive color.Color
	CursorFg, CursorBg           color.Color
	Selection                    color.Color
	Directory, Symlink, Exec     color.Color
	Dim                          color.Color
	Error, Warning, Insecure     color.Color
	Secure                       color.Color
	Title                        color.Color
	StatusFg, StatusBg           color.Color
	LogSent, LogReceived         color.Color
}

// DefaultPalette reads well on dark and light terminals.
func DefaultPalette(isDark bool) Palette {
	ld := lipgloss.LightDark(isDark)
	return Palette{
		BorderActive:   ld(lipgloss.Color("#1f6feb"), lipgloss.Color("#58a6ff")),
		BorderInactive: ld(lipgloss.Color("#afb8c1"), lipgloss.Color("#484f58")),
		CursorFg:       ld(lipgloss.Color("#ffffff"), lipgloss.Color("#0d1117")),
		CursorBg:       ld(lipgloss.Color("#1f6feb"), lipgloss.Color("#58a6ff")),
		Selection:      ld(lipgloss.Color("#9a6700"), lipgloss.Color("#e3b341")),
		Directory:      ld(lipgloss.Color("#0550ae"), lipgloss.Color("#79c0ff")),
		Symlink:        ld(lipgloss.Color("#8250df"), lipgloss.Color("#d2a8ff")),
		Exec:           ld(lipgloss.Color("#116329"), lipgloss.Color("#7ee787")),
		Dim:            ld(lipgloss.Color("#6e7781"), lipgloss.Color("#8b949e")),
		Error:          ld(lipgloss.Color("#cf222e"), lipgloss.Color("#ff7b72")),
		Warning:        ld(lipgloss.Color("#9a6700"), lipgloss.Color("#d29922")),
		Insecure:       ld(lipgloss.Color("#cf222e"), lipgloss.Color("#ff7b72")),
		Secure:         ld(lipgloss.Color("#116329"), lipgloss.Color("#3fb950")),
		Title:          ld(lipgloss.Color("#24292f"), lipgloss.Color("#e6edf3")),
		StatusFg:       ld(lipgloss.Color("#24292f"), lipgloss.Color("#c9d1d9")),
		StatusBg:       ld(lipgloss.Color("#eaeef2"), lipgloss.Color("#161b22")),
		LogSent:        ld(lipgloss.Color("#0550ae"), lipgloss.Color("#79c0ff")),
		LogReceived:    ld(lipgloss.Color("#57606a"), lipgloss.Color("#8b949e")),
	}
}

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
}

// NewStyles builds the styles of a palette.
func NewStyles(p Palette) Styles {
	base := lipgloss.NewStyle()
	border := base.Border(lipgloss.RoundedBorder())
	return Styles{
		PaneActive:     border.BorderForeground(p.BorderActive),
		PaneInactive:   border.BorderForeground(p.BorderInactive),
		Title:          base.Foreground(p.Dim),
		TitleActive:    base.Foreground(p.Title).Bold(true),
		File:           base,
		Directory:      base.Foreground(p.Directory).Bold(true),
		Symlink:        base.Foreground(p.Symlink),
		Exec:           base.Foreground(p.Exec),
		Other:          base.Foreground(p.Dim),
		Cursor:         base.Foreground(p.CursorFg).Background(p.CursorBg),
		CursorInactive: base.Reverse(true),
		Selected:       base.Foreground(p.Selection).Bold(true),
		Dim:            base.Foreground(p.Dim),
		Error:          base.Foreground(p.Error).Bold(true),
		Warning:        base.Foreground(p.Warning),
		Secure:         base.Foreground(p.Secure),
		Insecure:       base.Foreground(p.Insecure).Bold(true),
		Status:         base.Foreground(p.StatusFg).Background(p.StatusBg),
		Dialog:         border.BorderForeground(p.BorderActive).Padding(0, 1),
		LogSent:        base.Foreground(p.LogSent),
		LogReceived:    base.Foreground(p.LogReceived),
	}
}
