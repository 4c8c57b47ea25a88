package themes

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"ferry/config"
)

// DirName is the directory of custom themes inside ferry's configuration
// directory: a theme called NAME is the file themes/NAME.toml.
const DirName = "themes"

// A theme file names a colour for any of the roles, by their names in
// snake_case (cursor_bg, log_sent, ...), at the top level for both
// backgrounds and under [dark] or [light] for one. Roles it does not name
// come from the built-in theme called by base ("default" when absent):
//
//	base = "classic"
//	directory = "#ffffff"
//	cursor_bg = 6            # an ANSI colour number, 0-255 (quoted or not)
//	background = "none"      # the terminal's own
//	[light]
//	selection = "#af5f00"
type themeFile struct {
	Base string `toml:"base"`
	fileRoles
	Dark  fileRoles `toml:"dark"`
	Light fileRoles `toml:"light"`
}

// fileRoles has a field for each colour field of Palette, with the same
// Go name (TestEveryRoleCanBeSetFromAFile checks it).
type fileRoles struct {
	Text           *colorValue `toml:"text"`
	Background     *colorValue `toml:"background"`
	Title          *colorValue `toml:"title"`
	BorderActive   *colorValue `toml:"border_active"`
	BorderInactive *colorValue `toml:"border_inactive"`
	CursorFg       *colorValue `toml:"cursor_fg"`
	CursorBg       *colorValue `toml:"cursor_bg"`
	Selection      *colorValue `toml:"selection"`
	Directory      *colorValue `toml:"directory"`
	Symlink        *colorValue `toml:"symlink"`
	Executable     *colorValue `toml:"executable"`
	Dim            *colorValue `toml:"dim"`
	Error          *colorValue `toml:"error"`
	Warning        *colorValue `toml:"warning"`
	Success        *colorValue `toml:"success"`
	Insecure       *colorValue `toml:"insecure"`
	Unsafe         *colorValue `toml:"unsafe"`
	ProgressBar    *colorValue `toml:"progress_bar"`
	ProgressTrack  *colorValue `toml:"progress_track"`
	LogSent        *colorValue `toml:"log_sent"`
	LogReceived    *colorValue `toml:"log_received"`
	StatusFg       *colorValue `toml:"status_fg"`
	StatusBg       *colorValue `toml:"status_bg"`
	FooterKey      *colorValue `toml:"footer_key"`
	FooterFg       *colorValue `toml:"footer_fg"`
	FooterBg       *colorValue `toml:"footer_bg"`
	DialogFg       *colorValue `toml:"dialog_fg"`
	DialogBg       *colorValue `toml:"dialog_bg"`
}

// apply copies the colours r names onto p.
func (r *fileRoles) apply(p *Palette) {
	rv, pv := reflect.ValueOf(r).Elem(), reflect.ValueOf(p).Elem()
	for i := range rv.NumField() {
		if v := rv.Field(i).Interface().(*colorValue); v != nil {
			pv.FieldByName(rv.Type().Field(i).Name).Set(reflect.ValueOf(&v.c).Elem())
		}
	}
}

// colorValue is a colour as theme files write it.
type colorValue struct{ c color.Color }

func (v *colorValue) UnmarshalText(b []byte) error {
	c, err := ParseColor(string(b))
	v.c = c
	return err
}

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// ParseColor reads a colour as theme files write it: "#rrggbb", an ANSI
// colour number from "0" to "255" (0-15 follow the terminal's palette),
// or "none" for the terminal's own colour.
func ParseColor(s string) (color.Color, error) {
	if s == "none" {
		return none, nil
	}
	if hexColor.MatchString(s) {
		return lipgloss.Color(s), nil
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n <= 255 && s == strconv.Itoa(n) {
		return lipgloss.Color(s), nil
	}
	return nil, fmt.Errorf(`%q is not a colour: write "#rrggbb", an ANSI number "0" to "255", or "none"`, s)
}

var themeName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)

// Load returns the theme called name: a built-in, or the file
// dir/NAME.toml. An empty name means the default theme, or Mono when the
// NO_COLOR environment variable is set and not empty (no-color.org: a
// theme the user names explicitly, in config.toml or with --theme, wins
// over NO_COLOR).
//
// When the theme cannot be loaded, Load returns the theme an empty name
// gives, together with an error naming the file, line and role. Warnings
// are problems that did not stop it.
func Load(name, dir string) (Theme, []error, error) {
	fallback := Default()
	if os.Getenv("NO_COLOR") != "" {
		fallback = Mono()
	}
	if name == "" {
		return fallback, nil, nil
	}
	if t, ok := Builtin(name); ok {
		var warns []error
		if path := filepath.Join(dir, name+".toml"); fileExists(path) {
			warns = append(warns, fmt.Errorf("%s is ignored: %q is a built-in theme; give the file another name", path, name))
		}
		return t, warns, nil
	}
	if !themeName.MatchString(name) {
		return fallback, nil, fmt.Errorf("theme %q: not a built-in (%s) and not a valid file name", name, strings.Join(Builtins(), ", "))
	}
	path := filepath.Join(dir, name+".toml")
	data, err := readBounded(path, MaxFileSize)
	if errors.Is(err, os.ErrNotExist) {
		return fallback, nil, fmt.Errorf("theme %q: not a built-in (%s) and no file %s", name, strings.Join(Builtins(), ", "), path)
	}
	if err != nil {
		return fallback, nil, err
	}
	t, err := parse(name, path, data)
	if err != nil {
		return fallback, nil, err
	}
	return t, nil, nil
}

// parse reads a theme file's contents.
func parse(name, path string, data []byte) (Theme, error) {
	if err := checkUnquoted(path, data); err != nil {
		return Theme{}, err
	}
	var f themeFile
	unknown, err := config.DecodeInto(path, data, &f)
	var fe *config.FileError
	if errors.As(err, &fe) && strings.Contains(fe.Msg, "cannot decode TOML") {
		fe.Msg = `a colour is "#rrggbb", an ANSI number 0-255, or "none"`
	}
	if err != nil {
		return Theme{}, err
	}
	if len(unknown) > 0 {
		errors.As(unknown[0], &fe)
		fe.Msg = "unknown role" + suggestRole(fe.Key)
		return Theme{}, fe
	}
	base := DefaultName
	if f.Base != "" {
		base = f.Base
	}
	t, ok := Builtin(base)
	if !ok || base == MonoName {
		return Theme{}, &config.FileError{Path: path, Key: "base", Msg: fmt.Sprintf("%q is not a built-in theme with colours (default, high-contrast, classic)", base)}
	}
	t.Name = name
	f.fileRoles.apply(&t.Dark)
	f.fileRoles.apply(&t.Light)
	f.Dark.apply(&t.Dark)
	f.Light.apply(&t.Light)
	return t, nil
}

// checkUnquoted checks colours written as TOML numbers or booleans. The
// decoder hands their text to colorValue too, but reports its error without
// a position, so they are checked here first, where the parser knows it.
func checkUnquoted(path string, data []byte) error {
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keyOf(e)
		case unstable.KeyValue:
			v := e.Value()
			if v.Kind == unstable.String || v.Kind == unstable.InlineTable || v.Kind == unstable.Array {
				continue // the decoder reports these with their position
			}
			if _, err := ParseColor(string(v.Data)); v.Kind == unstable.Integer && err == nil {
				continue
			}
			key := e.Key()
			key.Next()
			at := p.Shape(key.Node().Raw).Start
			return &config.FileError{Path: path, Line: at.Line, Column: at.Column,
				Key: strings.Join(append(slices.Clone(table), keyOf(e)...), "."),
				Msg: fmt.Sprintf(`%s is not a colour: write "#rrggbb", an ANSI number 0-255, or "none"`, v.Data)}
		}
	}
	return nil // syntax errors are the decoder's to report
}

func keyOf(n *unstable.Node) []string {
	var key []string
	for it := n.Key(); it.Next(); {
		key = append(key, string(it.Node().Data))
	}
	return key
}

// readBounded reads path, refusing a file larger than max bytes without
// reading more of it.
func readBounded(path string, max int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(max)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > max {
		return nil, &config.FileError{Path: path, Msg: fmt.Sprintf("larger than %d KiB: a theme file is a few dozen lines", max>>10)}
	}
	return data, nil
}

// suggestRole names the role closest to a mistyped key, if one is close.
// Only roles whose length is within reach are compared, so a huge key
// costs nothing.
func suggestRole(key string) string {
	last := key[strings.LastIndex(key, ".")+1:]
	best, bestDist := "", 3
	rt := reflect.TypeFor[fileRoles]()
	for i := range rt.NumField() {
		role := strings.Split(rt.Field(i).Tag.Get("toml"), ",")[0]
		if abs(len(last)-len(role)) >= bestDist { // the distance is at least the difference in length
			continue
		}
		if d := distance(last, role); d < bestDist {
			best, bestDist = role, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

func abs(n int) int { return max(n, -n) }

// distance is the Levenshtein edit distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := []int{i}
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur = append(cur, min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost))
		}
		prev = cur
	}
	return prev[len(b)]
}

// List returns the names of the built-in themes followed by those of the
// theme files in dir, sorted, for a theme picker.
func List(dir string) []string {
	names := Builtins()
	matches, _ := filepath.Glob(filepath.Join(dir, "*.toml"))
	var files []string
	for _, m := range matches {
		n := strings.TrimSuffix(filepath.Base(m), ".toml")
		if themeName.MatchString(n) && !slices.Contains(names, n) {
			files = append(files, n)
		}
	}
	slices.Sort(files)
	return append(names, files...)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// MaxFileSize bounds a theme file: a theme is a few dozen lines, and
// reading one happens before the screen appears.
const MaxFileSize = 64 << 10
