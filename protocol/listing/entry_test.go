package listing

import (
	"testing"
	"unsafe"
)

func TestUnsafeFlagsNamesThatEscapeTheTargetFolderOrReachTheTerminal(t *testing.T) {
	for _, tc := range []struct {
		name       string
		unsafe     bool
		unjoinable bool // cannot be browsed on the server either
	}{
		{"file.txt", false, false},
		{" leading and trailing ", false, false},
		{"...", false, false},
		{".hidden", false, false},
		{"a;b=c", false, false},
		{"latin1 caf\xe9", false, false},
		{"名前.txt", false, false},
		{"", true, true},
		{".", true, true},
		{"..", true, true},
		{"a/b", true, true},
		{"/etc/passwd", true, true},
		{`..\..\win.ini`, true, true},
		{`dir\file`, true, true},
		{"nul\x00byte", true, true},
		{"cr\rname", true, true},
		{"lf\nname", true, true},
		{"esc\x1b[2Jname", true, false},
		{"bell\x07", true, false},
		{"tab\tname", true, false},
		{"del\x7f", true, false},
		{"c1\u009bname", true, false},
		{"evil\u202etxt.exe", true, false},
		{"isolate\u2067x\u2069", true, false},
		{"mark\u200f", true, false},
	} {
		e := Entry{RawName: tc.name}
		if got := e.Unsafe(); got != tc.unsafe {
			t.Errorf("Unsafe(%q) = %v, want %v", tc.name, got, tc.unsafe)
		}
		if got := UnsafeName(tc.name); got != tc.unsafe {
			t.Errorf("UnsafeName(%q) = %v, want %v", tc.name, got, tc.unsafe)
		}
		if got := e.Unjoinable(); got != tc.unjoinable {
			t.Errorf("Unjoinable(%q) = %v, want %v", tc.name, got, tc.unjoinable)
		}
	}
}

func TestNameEscapesInvalidUTF8AndControlCharacters(t *testing.T) {
	for _, tc := range []struct{ raw, name string }{
		{"plain.txt", "plain.txt"},
		{"héllo wörld", "héllo wörld"},
		{"\uFFFD literal replacement char", "\uFFFD literal replacement char"},
		{"a\xffb", `a\xffb`},
		{"latin1 caf\xe9", `latin1 caf\xe9`},
		{"\x1b[31mred", `\x1b[31mred`},
		{"tab\there", `tab\x09here`},
		{"del\x7f", `del\x7f`},
		{"c1\u0085", `c1\u0085`},
		{"evil\u202etxt.exe", `evil\u202etxt.exe`},
		{"\xe2\x82", `\xe2\x82`}, // truncated sequence
	} {
		got := displayName(tc.raw)
		if got != tc.name {
			t.Errorf("displayName(%q) = %q, want %q", tc.raw, got, tc.name)
		}
	}
}

func TestCleanNameSharesRawNameMemory(t *testing.T) {
	raw := "some file.txt"
	if got := displayName(raw); unsafe.StringData(got) != unsafe.StringData(raw) {
		t.Error("displayName copied a name that needs no escaping")
	}
}

func TestKindPrecisionAndFormatHaveNames(t *testing.T) {
	kinds := map[Kind]string{File: "file", Dir: "dir", Symlink: "symlink", Other: "other", Kind(9): "invalid"}
	for k, want := range kinds {
		if k.String() != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, k.String(), want)
		}
	}
	precs := map[Precision]string{TimeUnknown: "unknown", TimeDay: "day", TimeMinute: "minute", TimeSecond: "second", Precision(9): "invalid"}
	for p, want := range precs {
		if p.String() != want {
			t.Errorf("Precision(%d).String() = %q, want %q", p, p.String(), want)
		}
	}
	formats := map[Format]string{LIST: "LIST", MLSD: "MLSD", Unix: "unix", DOS: "DOS", EPLF: "EPLF", VMS: "VMS", OS2: "OS/2", AS400: "AS/400", MVS: "MVS", Format(99): "invalid"}
	for f, want := range formats {
		if f.String() != want {
			t.Errorf("Format(%d).String() = %q, want %q", f, f.String(), want)
		}
	}
}
