package listing

import (
	"testing"
	"unsafe"
)

func TestUnsafeFlagsNamesThatEscapeTheTargetFolder(t *testing.T) {
	for _, tc := range []struct {
		name   string
		unsafe bool
	}{
		{"file.txt", false},
		{" leading and trailing ", false},
		{"...", false},
		{".hidden", false},
		{"a;b=c", false},
		{"", true},
		{".", true},
		{"..", true},
		{"a/b", true},
		{"/etc/passwd", true},
		{`..\..\win.ini`, true},
		{`dir\file`, true},
		{"nul\x00byte", true},
		{"cr\rname", true},
		{"lf\nname", true},
	} {
		e := Entry{RawName: tc.name}
		if got := e.Unsafe(); got != tc.unsafe {
			t.Errorf("Unsafe(%q) = %v, want %v", tc.name, got, tc.unsafe)
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
	formats := map[Format]string{LIST: "LIST", MLSD: "MLSD", Unix: "unix", DOS: "DOS", EPLF: "EPLF", VMS: "VMS", OS2: "OS/2", AS400: "AS/400", Format(99): "invalid"}
	for f, want := range formats {
		if f.String() != want {
			t.Errorf("Format(%d).String() = %q, want %q", f, f.String(), want)
		}
	}
}
