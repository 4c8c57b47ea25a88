// Package themes holds ferry's colour themes: built-in ones and custom
// ones read from TOML files. A theme gives a colour for each role the UI
// draws (pane borders, cursor, directories, errors, the log...), for a dark
// and a light terminal background.
//
// It knows nothing of layout or of lipgloss styles: the UI builds its
// styles from a Palette once, whenever the theme or the background changes.
package themes

import (
	"image/color"
	"reflect"

	"charm.land/lipgloss/v2"
)

// Palette is a theme's colour for each role on one kind of background.
// Every field is set; lipgloss.NoColor{} means the terminal's own colour.
type Palette struct {
	// NoColor is true for a theme without colours ($NO_COLOR, "mono"):
	// every colour is lipgloss.NoColor{}, and the UI must mark the cursor
	// with reverse video and selections, titles and problems with bold or
	// underline instead.
	NoColor bool

	Text       color.Color // ordinary text in the panes
	Background color.Color // behind the panes
	Title      color.Color // pane titles and headings

	BorderActive   color.Color // the focused pane's frame
	BorderInactive color.Color // the other pane's frame

	CursorFg, CursorBg color.Color // the entry under the cursor
	Selection          color.Color // marked entries

	Directory  color.Color
	Symlink    color.Color
	Executable color.Color
	Dim        color.Color // secondary text: sizes, dates, hints

	Error    color.Color
	Warning  color.Color
	Success  color.Color
	Insecure color.Color // plain-text sessions, unverified certificates
	Unsafe   color.Color // the marker beside names with control characters

	ProgressBar   color.Color // the done part of a progress bar
	ProgressTrack color.Color // the rest of it

	LogSent     color.Color // commands ferry sent, in the log
	LogReceived color.Color // replies the server sent

	StatusFg, StatusBg color.Color // the status line
	FooterKey          color.Color // key names in the key bar
	FooterFg, FooterBg color.Color // the key bar's labels and background
	DialogFg, DialogBg color.Color // dialogs over the panes
}

// Theme is a named pair of palettes.
type Theme struct {
	Name        string
	Dark, Light Palette
}

// Palette returns the colours for a dark or a light background (the UI
// learns which from tea.BackgroundColorMsg).
func (t Theme) Palette(isDark bool) Palette {
	if isDark {
		return t.Dark
	}
	return t.Light
}

// Built-in theme names.
const (
	DefaultName      = "default"       // adapts to dark and light terminals
	HighContrastName = "high-contrast" // pure colours, black and white
	ClassicName      = "classic"       // blue panes as in Midnight Commander
	MonoName         = "mono"          // no colours at all, as NO_COLOR asks
)

// Builtins lists the built-in themes' names.
func Builtins() []string {
	return []string{DefaultName, HighContrastName, ClassicName, MonoName}
}

// Builtin returns a built-in theme by name.
func Builtin(name string) (Theme, bool) {
	switch name {
	case DefaultName:
		return Default(), true
	case HighContrastName:
		return HighContrast(), true
	case ClassicName:
		return Classic(), true
	case MonoName:
		return Mono(), true
	}
	return Theme{}, false
}

// c reads a colour known to be valid: "#rrggbb" or an ANSI number.
func c(s string) color.Color { return lipgloss.Color(s) }

var none color.Color = lipgloss.NoColor{}

// Default is ferry's theme: the terminal's own text and background, with
// colours chosen to read well on either kind of background.
func Default() Theme {
	return Theme{
		Name: DefaultName,
		Dark: Palette{
			Text: none, Background: none, Title: c("#afd7ff"),
			BorderActive: c("#5fafff"), BorderInactive: c("#585858"),
			CursorFg: c("#1c1c1c"), CursorBg: c("#5fafff"), Selection: c("#ffd75f"),
			Directory: c("#87afff"), Symlink: c("#5fd7d7"), Executable: c("#87d75f"), Dim: c("#8a8a8a"),
			Error: c("#ff5f5f"), Warning: c("#ffaf5f"), Success: c("#87d75f"), Insecure: c("#ff5f87"), Unsafe: c("#ff87ff"),
			ProgressBar: c("#5fafff"), ProgressTrack: c("#3a3a3a"),
			LogSent: c("#87afd7"), LogReceived: c("#a8a8a8"),
			StatusFg: c("#d0d0d0"), StatusBg: c("#303030"),
			FooterKey: c("#5fafff"), FooterFg: c("#bcbcbc"), FooterBg: c("#262626"),
			DialogFg: c("#d0d0d0"), DialogBg: c("#262626"),
		},
		Light: Palette{
			Text: none, Background: none, Title: c("#005faf"),
			BorderActive: c("#005fd7"), BorderInactive: c("#b2b2b2"),
			CursorFg: c("#ffffff"), CursorBg: c("#005fd7"), Selection: c("#af5f00"),
			Directory: c("#005fd7"), Symlink: c("#008787"), Executable: c("#008700"), Dim: c("#767676"),
			Error: c("#d70000"), Warning: c("#af5f00"), Success: c("#008700"), Insecure: c("#d7005f"), Unsafe: c("#af00af"),
			ProgressBar: c("#005fd7"), ProgressTrack: c("#d0d0d0"),
			LogSent: c("#005f87"), LogReceived: c("#585858"),
			StatusFg: c("#262626"), StatusBg: c("#d0d0d0"),
			FooterKey: c("#005fd7"), FooterFg: c("#3a3a3a"), FooterBg: c("#e4e4e4"),
			DialogFg: c("#262626"), DialogBg: c("#eeeeee"),
		},
	}
}

// HighContrast uses full-strength colours: white and bright hues on a
// dark background, black and deep hues on a light one.
func HighContrast() Theme {
	return Theme{
		Name: HighContrastName,
		Dark: Palette{
			Text: c("#ffffff"), Background: c("#000000"), Title: c("#ffffff"),
			BorderActive: c("#ffff00"), BorderInactive: c("#ffffff"),
			CursorFg: c("#000000"), CursorBg: c("#ffff00"), Selection: c("#00ffff"),
			Directory: c("#5fd7ff"), Symlink: c("#00ffff"), Executable: c("#00ff00"), Dim: c("#d0d0d0"),
			Error: c("#ff0000"), Warning: c("#ffff00"), Success: c("#00ff00"), Insecure: c("#ff00ff"), Unsafe: c("#ff00ff"),
			ProgressBar: c("#00ff00"), ProgressTrack: c("#585858"),
			LogSent: c("#00ffff"), LogReceived: c("#ffffff"),
			StatusFg: c("#000000"), StatusBg: c("#ffffff"),
			FooterKey: c("#ffff00"), FooterFg: c("#ffffff"), FooterBg: c("#000000"),
			DialogFg: c("#ffffff"), DialogBg: c("#000000"),
		},
		Light: Palette{
			Text: c("#000000"), Background: c("#ffffff"), Title: c("#000000"),
			BorderActive: c("#0000d7"), BorderInactive: c("#000000"),
			CursorFg: c("#ffffff"), CursorBg: c("#000000"), Selection: c("#af0000"),
			Directory: c("#0000d7"), Symlink: c("#005f5f"), Executable: c("#005f00"), Dim: c("#3a3a3a"),
			Error: c("#d70000"), Warning: c("#875f00"), Success: c("#005f00"), Insecure: c("#af005f"), Unsafe: c("#870087"),
			ProgressBar: c("#005f00"), ProgressTrack: c("#bcbcbc"),
			LogSent: c("#0000af"), LogReceived: c("#000000"),
			StatusFg: c("#ffffff"), StatusBg: c("#000000"),
			FooterKey: c("#0000d7"), FooterFg: c("#000000"), FooterBg: c("#ffffff"),
			DialogFg: c("#000000"), DialogBg: c("#ffffff"),
		},
	}
}

// Classic is the blue Midnight Commander look, in the 16 basic ANSI
// colours so that it follows the terminal's palette as MC does.
func Classic() Theme {
	p := Palette{
		Text: c("7"), Background: c("4"), Title: c("15"),
		BorderActive: c("15"), BorderInactive: c("7"),
		CursorFg: c("0"), CursorBg: c("6"), Selection: c("11"),
		Directory: c("15"), Symlink: c("14"), Executable: c("10"), Dim: c("6"),
		Error: c("9"), Warning: c("11"), Success: c("10"), Insecure: c("13"), Unsafe: c("13"),
		ProgressBar: c("14"), ProgressTrack: c("0"),
		LogSent: c("14"), LogReceived: c("7"),
		StatusFg: c("0"), StatusBg: c("6"),
		FooterKey: c("15"), FooterFg: c("0"), FooterBg: c("6"),
		DialogFg: c("0"), DialogBg: c("7"),
	}
	return Theme{Name: ClassicName, Dark: p, Light: p}
}

// Mono has no colours at all (see Palette.NoColor).
func Mono() Theme {
	p := Palette{NoColor: true}
	p.eachColor(func(_ string, c *color.Color) { *c = none })
	return Theme{Name: MonoName, Dark: p, Light: p}
}

// eachColor calls fn with the Go name and address of every colour field.
func (p *Palette) eachColor(fn func(name string, c *color.Color)) {
	v := reflect.ValueOf(p).Elem()
	for i := range v.NumField() {
		if c, ok := v.Field(i).Addr().Interface().(*color.Color); ok {
			fn(v.Type().Field(i).Name, c)
		}
	}
}
