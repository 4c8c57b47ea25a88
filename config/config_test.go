package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestDirFollowsXDGConfigHomeAndIgnoresRelativeOnes(t *testing.T) {
	t.Setenv("HOME", "/home/alice")
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	if d, _ := Dir(); d != "/xdg/ferry" {
		t.Errorf("Dir = %q", d)
	}
	t.Setenv("XDG_CONFIG_HOME", "relative/dir")
	if d, _ := Dir(); d != "/home/alice/.config/ferry" {
		t.Errorf("Dir with relative XDG_CONFIG_HOME = %q", d)
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	if d, _ := Dir(); d != "/home/alice/.config/ferry" {
		t.Errorf("Dir without XDG_CONFIG_HOME = %q", d)
	}
}

func TestConfigRoundTripsEveryField(t *testing.T) {
	dir := t.TempDir()
	want := Config{
		Theme:         "classic",
		ShowHidden:    true,
		Sort:          SortTime,
		TLS:           TLSExplicit,
		Parallel:      5,
		ConfirmDelete: false,
		Editor:        "vim -u NONE",
		Keys:          map[string][]string{"quit": {"q", "f10"}, "copy": {"f5"}},
	}
	_, f := Load(dir)
	if err := Save(f, want, false); err != nil {
		t.Fatal(err)
	}
	got, f := Load(dir)
	if f.Err() != nil || len(f.Warnings()) > 0 {
		t.Fatalf("reload: %v %v", f.Err(), f.Warnings())
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
}

func TestMissingConfigMeansDefaults(t *testing.T) {
	c, f := Load(t.TempDir())
	if f.Err() != nil || !reflect.DeepEqual(c, Default()) {
		t.Fatalf("%+v %v", c, f.Err())
	}
}

func TestConfigKeysNotMentionedKeepTheirDefaults(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, FileName), "show_hidden = true\n")
	c, f := Load(dir)
	if f.Err() != nil {
		t.Fatal(f.Err())
	}
	want := Default()
	want.ShowHidden = true
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v", c)
	}
}

func TestDecodeErrorsNameFileLineColumnAndKey(t *testing.T) {
	tests := []struct {
		name, text string
		line, col  int
		key, msg   string
	}{
		{"wrong type", "theme = \"x\"\nparallel = \"four\"\n", 2, 12, "parallel", "cannot decode TOML string"},
		{"bad enum", "sort = \"random\"\n", 1, 8, "sort", `not "random"`},
		{"bad tls", "\n\ntls = \"maybe\"\n", 3, 7, "tls", "auto, explicit, implicit or off"},
		{"not toml", "theme = \"unterminated\nsort = \"name\"\n", 1, 22, "", "new lines"},
		{"key list of numbers", "[keys]\nquit = [1]\n", 2, 9, "keys.quit", "cannot decode TOML integer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			write(t, path, tt.text)
			c, f := Load(dir)
			var fe *FileError
			if !errors.As(f.Err(), &fe) {
				t.Fatalf("err = %v, want a *FileError", f.Err())
			}
			if fe.Path != path || fe.Line != tt.line || fe.Column != tt.col || fe.Key != tt.key || !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("got %+v, want line %d col %d key %q msg containing %q", fe, tt.line, tt.col, tt.key, tt.msg)
			}
			if !strings.HasPrefix(fe.Error(), path+":") {
				t.Errorf("message does not start with the file: %v", fe)
			}
			if !reflect.DeepEqual(c, Default()) {
				t.Errorf("a broken file gave %+v, not the defaults", c)
			}
		})
	}
}

func TestUnknownKeysAreWarningsAndTheRestStillLoads(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, FileName), "show_hiden = true\nparallel = 3\n[colours]\nx = 1\n")
	c, f := Load(dir)
	if f.Err() != nil {
		t.Fatal(f.Err())
	}
	if c.Parallel != 3 {
		t.Errorf("parallel = %d: known keys beside a typo were not loaded", c.Parallel)
	}
	var got []string
	for _, w := range f.Warnings() {
		var fe *FileError
		if !errors.As(w, &fe) {
			t.Fatalf("warning %v is not a *FileError", w)
		}
		got = append(got, fe.Key+"@"+string(rune('0'+fe.Line)))
	}
	if want := []string{"show_hiden@1", "colours@3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("warnings %v (%v), want %v", got, f.Warnings(), want)
	}
}

func TestOutOfRangeValuesWarnAndUseTheDefault(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, FileName), "parallel = 50\n[keys]\nquit = [\"q\", \"\"]\ncopy = [\"q\"]\nBad = [\"x\"]\n")
	c, f := Load(dir)
	if f.Err() != nil {
		t.Fatal(f.Err())
	}
	if c.Parallel != DefaultParallel {
		t.Errorf("parallel = %d", c.Parallel)
	}
	want := map[string][]string{"copy": {"q"}, "quit": {"q"}}
	if !reflect.DeepEqual(c.Keys, want) {
		t.Errorf("keys = %v, want %v", c.Keys, want)
	}
	msgs := strings.Join(errorStrings(f.Warnings()), "\n")
	for _, s := range []string{"parallel: 50 is not between 1 and 10", `keys.Bad: action names`, `keys.quit: "" is not a key name`, `keys.quit: "q" is bound to copy as well`} {
		if !strings.Contains(msgs, s) {
			t.Errorf("warnings lack %q:\n%s", s, msgs)
		}
	}
}

func TestSaveRefusesToOverwriteABrokenFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	broken := "theme = \n"
	write(t, path, broken)
	c, f := Load(dir)
	if f.Err() == nil {
		t.Fatal("broken file loaded")
	}
	if err := Save(f, c, false); !errors.Is(err, ErrBroken) {
		t.Fatalf("Save over a broken file: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != broken {
		t.Fatalf("broken file was changed to %q", b)
	}
	if err := Save(f, c, true); err != nil {
		t.Fatalf("forced save: %v", err)
	}
	if _, f := Load(dir); f.Err() != nil {
		t.Fatalf("forced save wrote a broken file: %v", f.Err())
	}
}

func TestSaveRefusesWhenTheFileChangedOnDisk(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	write(t, path, "parallel = 3\n")
	c, f := Load(dir)
	edited := "parallel = 4\n# edited meanwhile, longer\n"
	write(t, path, edited)
	if err := Save(f, c, false); !errors.Is(err, ErrChanged) {
		t.Fatalf("Save after an edit on disk: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != edited {
		t.Fatal("the edit was overwritten")
	}
	// A file that appeared after a load of nothing counts as a change too.
	dir2 := t.TempDir()
	_, f2 := Load(dir2)
	write(t, filepath.Join(dir2, FileName), "parallel = 1\n")
	if err := Save(f2, c, false); !errors.Is(err, ErrChanged) {
		t.Fatalf("Save over a file created meanwhile: %v", err)
	}
}

func TestWriteAtomicMakesPrivateFilesAndDirectories(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "a", "b", "secret.toml")
	if err := WriteAtomic(path, []byte("x = 1\n")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(root, "a"), filepath.Join(root, "a", "b")} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v %v, want 0700", p, st.Mode().Perm(), err)
		}
	}
	// Replacing a world-readable file makes it private.
	os.Chmod(path, 0o644)
	if err := WriteAtomic(path, []byte("x = 2\n")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v, want 0600", st.Mode().Perm(), err)
	}
	if b, _ := os.ReadFile(path); string(b) != "x = 2\n" {
		t.Fatalf("content %q", b)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestWriteAtomicLeavesTheOldFileWhenItCannotWrite(t *testing.T) {
	// The target is a directory, so the final rename fails for every
	// user, root included: what was there must stay, and no temporary
	// file may be left beside it.
	dir := t.TempDir()
	path := filepath.Join(dir, "f.toml")
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(path, "keep"), "old")
	if err := WriteAtomic(path, []byte("new")); err == nil {
		t.Fatal("replaced a directory with a file")
	}
	if b, _ := os.ReadFile(filepath.Join(path, "keep")); string(b) != "old" {
		t.Fatalf("what was there became %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestTLSModeParsesItsNamesOnly(t *testing.T) {
	for _, m := range []TLSMode{TLSAuto, TLSExplicit, TLSImplicit, TLSOff} {
		got, err := ParseTLSMode(m.String())
		if err != nil || got != m {
			t.Errorf("%v: %v %v", m, got, err)
		}
	}
	for _, s := range []string{"", "on", "AUTO", "TLSMode(9)"} {
		if _, err := ParseTLSMode(s); err == nil {
			t.Errorf("accepted %q", s)
		}
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func errorStrings(errs []error) []string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Error())
	}
	return s
}
