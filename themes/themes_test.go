package themes

import (
	"errors"
	"image/color"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"charm.land/lipgloss/v2"

	"ferry/config"
)

func TestBuiltinsSetEveryRole(t *testing.T) {
	for _, name := range Builtins() {
		th, ok := Builtin(name)
		if !ok || th.Name != name {
			t.Fatalf("Builtin(%q) = %v %v", name, th.Name, ok)
		}
		for _, p := range []Palette{th.Dark, th.Light} {
			p.eachColor(func(role string, c *color.Color) {
				if *c == nil {
					t.Errorf("%s: %s has no colour", name, role)
				}
			})
		}
	}
	if _, ok := Builtin("nope"); ok {
		t.Error("unknown built-in found")
	}
}

func TestDefaultAdaptsToTheBackground(t *testing.T) {
	d := Default()
	if d.Palette(true) != d.Dark || d.Palette(false) != d.Light {
		t.Fatal("Palette does not pick by background")
	}
	if d.Dark.Directory == d.Light.Directory || d.Dark.CursorBg == d.Light.CursorBg {
		t.Error("default theme is the same on dark and light backgrounds")
	}
	if d.Dark.Text != (lipgloss.NoColor{}) || d.Dark.Background != (lipgloss.NoColor{}) {
		t.Error("default theme overrides the terminal's own text and background")
	}
}

func TestClassicUsesTheTerminalsBlue(t *testing.T) {
	c := Classic()
	if c.Dark.Background != lipgloss.Blue || c.Light.Background != lipgloss.Blue || c.Dark.CursorBg != lipgloss.Cyan {
		t.Errorf("classic background %v cursor %v", c.Dark.Background, c.Dark.CursorBg)
	}
}

func TestMonoHasNoColours(t *testing.T) {
	m := Mono()
	if !m.Dark.NoColor || !m.Light.NoColor {
		t.Fatal("NoColor not set")
	}
	m.Dark.eachColor(func(role string, c *color.Color) {
		if *c != (lipgloss.NoColor{}) {
			t.Errorf("%s is %v", role, *c)
		}
	})
}

func TestNoColorPicksMonoUnlessAThemeIsNamed(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("NO_COLOR", "1")
	if th, _, err := Load("", dir); err != nil || th.Name != MonoName {
		t.Fatalf("NO_COLOR: %v %v", th.Name, err)
	}
	if th, _, _ := Load(ClassicName, dir); th.Name != ClassicName {
		t.Errorf("an explicit theme lost to NO_COLOR: %v", th.Name)
	}
	if th, _, err := Load("missing", dir); err == nil || th.Name != MonoName {
		t.Errorf("fallback under NO_COLOR: %v %v", th.Name, err)
	}
	t.Setenv("NO_COLOR", "")
	if th, _, _ := Load("", dir); th.Name != DefaultName {
		t.Errorf("empty NO_COLOR: %v", th.Name)
	}
}

func TestCustomThemeFileOverridesItsBase(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "mine", `# my colours
base = "classic"
directory = "#FFaa00"
cursor_bg = 202
background = "none"
[light]
directory = "3"
[dark]
error = "#ff0000"
`)
	th, warns, err := Load("mine", dir)
	if err != nil || len(warns) > 0 {
		t.Fatal(err, warns)
	}
	if th.Name != "mine" {
		t.Errorf("name %q", th.Name)
	}
	want := Classic()
	want.Name = "mine"
	for _, p := range []*Palette{&want.Dark, &want.Light} {
		p.Directory, p.CursorBg, p.Background = lipgloss.Color("#ffaa00"), lipgloss.ANSIColor(202), lipgloss.NoColor{}
	}
	want.Light.Directory = lipgloss.Yellow
	want.Dark.Error = lipgloss.Color("#ff0000")
	if !reflect.DeepEqual(th, want) {
		t.Errorf("got\n%+v\nwant\n%+v", th, want)
	}
	if th, _, _ := Load("mine", dir); th.Dark.Title != Classic().Dark.Title {
		t.Error("a role the file does not name does not come from the base")
	}
}

func TestBadThemeFilesFallBackWithTheirLineAndRole(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
		key, msg   string
	}{
		{"bad hex", "title = \"#fff\"\n", 1, "title", `"#fff" is not a colour`},
		{"number out of range", "\n[dark]\ndim = \"256\"\n", 3, "dark.dim", `"256" is not a colour`},
		{"colour name", "error = \"red\"\n", 1, "error", `"red" is not a colour`},
		{"boolean", "\ncursor_bg = true\n", 2, "cursor_bg", "true is not a colour"},
		{"unquoted number out of range", "[dark]\ncursor_bg = 300\n", 2, "dark.cursor_bg", "300 is not a colour"},
		{"dotted key", "light.dim = 1.5\n", 1, "light.dim", "1.5 is not a colour"},
		{"array", "dim = [1]\n", 1, "dim", `a colour is "#rrggbb"`},
		{"unknown role", "text = \"7\"\ndirectroy = \"4\"\n", 2, "directroy", "unknown role (did you mean directory?)"},
		{"unknown role in a table", "[light]\nsparkle = \"4\"\n", 2, "light.sparkle", "unknown role"},
		{"unknown base", "base = \"solarized\"\n", 0, "base", "not a built-in theme"},
		{"mono base", "base = \"mono\"\n", 0, "base", "not a built-in theme with colours"},
		{"not TOML", "title = #ffffff\n", 1, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := write(t, dir, "bad", tt.text)
			th, _, err := Load("bad", dir)
			if th.Name != DefaultName {
				t.Errorf("fell back to %q", th.Name)
			}
			var fe *config.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *config.FileError", err)
			}
			if fe.Path != path || fe.Line != tt.line || fe.Key != tt.key || !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("got %s (line %d key %q)", fe, fe.Line, fe.Key)
			}
		})
	}
}

func TestMissingOrOddlyNamedThemesFallBack(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"nowhere", "../etc/passwd", ".hidden", "a/b"} {
		th, _, err := Load(name, dir)
		if err == nil || th.Name != DefaultName {
			t.Errorf("%q: %v %v", name, th.Name, err)
		}
	}
}

func TestAFileNamedLikeABuiltinIsIgnoredWithAWarning(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ClassicName, "title = \"1\"\n")
	th, warns, err := Load(ClassicName, dir)
	if err != nil || !reflect.DeepEqual(th, Classic()) {
		t.Fatalf("%v %v", th.Name, err)
	}
	if len(warns) != 1 || !strings.Contains(warns[0].Error(), "is a built-in theme") {
		t.Errorf("warnings %v", warns)
	}
}

func TestListNamesBuiltinsThenFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "zebra", "")
	write(t, dir, "apple", "")
	write(t, dir, DefaultName, "")
	want := append(Builtins(), "apple", "zebra")
	if got := List(dir); !slices.Equal(got, want) {
		t.Errorf("List = %v, want %v", got, want)
	}
}

func TestEveryRoleCanBeSetFromAFile(t *testing.T) {
	var p Palette
	var colorFields []string
	p.eachColor(func(name string, _ *color.Color) { colorFields = append(colorFields, name) })
	rt := reflect.TypeFor[fileRoles]()
	var roleFields []string
	for i := range rt.NumField() {
		f := rt.Field(i)
		roleFields = append(roleFields, f.Name)
		if tag := f.Tag.Get("toml"); tag != snake(f.Name) {
			t.Errorf("%s is written %q in files, want %q", f.Name, tag, snake(f.Name))
		}
	}
	if !slices.Equal(colorFields, roleFields) {
		t.Errorf("Palette colours %v\nfile roles %v", colorFields, roleFields)
	}
}

func TestParseColorAcceptsHexNumbersAndNone(t *testing.T) {
	for s, want := range map[string]color.Color{
		"#00ff7f": lipgloss.Color("#00ff7f"), "0": lipgloss.Black, "15": lipgloss.BrightWhite,
		"16": lipgloss.ANSIColor(16), "255": lipgloss.ANSIColor(255), "none": lipgloss.NoColor{},
	} {
		if got, err := ParseColor(s); err != nil || got != want {
			t.Errorf("%q: %v %v", s, got, err)
		}
	}
	for _, s := range []string{"", "#12345", "#1234567", "#gggggg", "-1", "+4", "04", "256", "blue", "None"} {
		if _, err := ParseColor(s); err == nil {
			t.Errorf("accepted %q", s)
		}
	}
}

func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name+".toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHugeUnknownKeyIsBoundedInWorkAndEcho: a theme file with an
// enormous unknown key (or any enormous file) is refused quickly, and the
// message quotes a bounded, escaped part of the key.
func TestHugeUnknownKeyIsBoundedInWorkAndEcho(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"key under the size limit", strings.Repeat("k", MaxFileSize-20) + " = \"4\"\n", "unknown role"},
		{"key with escapes", "\"\\u001b]0;owned\\u0007" + strings.Repeat("x", 500) + "\" = \"4\"\n", "unknown role"},
		{"file over the size limit", strings.Repeat("k", 4<<20) + " = \"4\"\n", "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "huge", tc.text)
			th, _, err := Load("huge", dir)
			if err == nil || th.Name != DefaultName {
				t.Fatalf("loaded %q, err %v", th.Name, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %.300q, want %q", msg, tc.want)
			}
			if len(msg) > 400 {
				t.Errorf("the error is %d bytes long: %.300q…", len(msg), msg)
			}
			if strings.ContainsAny(msg, "\x1b\x07") {
				t.Errorf("the error holds control characters: %q", msg)
			}
		})
	}
}

// BenchmarkLoadThemeWithHugeUnknownKey is the start-up cost of a theme
// file that is one unknown key as large as a theme file may be.
func BenchmarkLoadThemeWithHugeUnknownKey(b *testing.B) {
	dir := b.TempDir()
	os.WriteFile(filepath.Join(dir, "huge.toml"), []byte(strings.Repeat("k", MaxFileSize-20)+" = \"4\"\n"), 0o600)
	for b.Loop() {
		if _, _, err := Load("huge", dir); err == nil {
			b.Fatal("loaded")
		}
	}
}
