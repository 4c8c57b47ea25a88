package filemode

import (
	"io/fs"
	"testing"
)

func TestApplyFollowsChmod(t *testing.T) {
	for _, c := range []struct {
		mode string
		cur  fs.FileMode
		dir  bool
		want string
	}{
		{"644", 0o777, false, "0644"},
		{"0755", 0, false, "0755"},
		{"4755", 0, false, "4755"},
		{"u+x", 0o644, false, "0744"},
		{"+x", 0o644, false, "0755"},
		{"a+x", 0o600, false, "0711"},
		{"go-w", 0o666, false, "0644"},
		{"u=rw,go=r", 0o777, false, "0644"},
		{"o=", 0o777, false, "0770"},
		{"a=rX", 0o600, false, "0444"},
		{"a=rX", 0o700, false, "0555"},
		{"a=rX", 0o600, true, "0555"},
		{"u+s", 0o755, false, "4755"},
		{"+t", 0o777, true, "1777"},
		{"g=u", 0o740, false, "0770"},
		{"u+x,g-r", 0o644, false, "0704"},
		{"u+w-x", 0o500, false, "0600"},
		{"ug+rw", 0o400, false, "0660"},
	} {
		m, err := Parse(c.mode)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.mode, err)
			continue
		}
		if got := Octal(m.Apply(c.cur, c.dir)); got != c.want {
			t.Errorf("%s on %04o (dir %v): %s, want %s", c.mode, c.cur, c.dir, got, c.want)
		}
	}
}

func TestParseRefusesWhatIsNotAMode(t *testing.T) {
	for _, s := range []string{"", "8", "12345", "u", "u+q", "x+u", "rw-r--r--", "u+x,", "-R"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted it", s)
		}
	}
}

func TestOnlySymbolicModesNeedTheCurrentMode(t *testing.T) {
	for s, want := range map[string]bool{"644": false, "u+x": true, "a=r": true} {
		m, _ := Parse(s)
		if m.NeedsCurrent() != want {
			t.Errorf("%s: NeedsCurrent %v", s, !want)
		}
	}
}

// FuzzParse: any string either fails to parse or yields a mode whose
// result, on any current mode, is permission bits only, and the same
// every time.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"644", "u+x", "a=rX,u+s", "go-w", "+t", "o=u", "u+x,", "7777"} {
		f.Add(s, uint32(0o644), false)
	}
	f.Fuzz(func(t *testing.T, s string, cur uint32, dir bool) {
		m, err := Parse(s)
		if err != nil {
			return
		}
		in := fs.FileMode(cur) & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
		got := m.Apply(in, dir)
		if got&^(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != 0 {
			t.Fatalf("%q on %v: %v has more than permission bits", s, in, got)
		}
		if again := m.Apply(in, dir); again != got {
			t.Fatalf("%q on %v: %v, then %v", s, in, got, again)
		}
	})
}
