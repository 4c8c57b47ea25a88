package safe

import (
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

func TestLineEscapesWhatATerminalWouldObey(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "report.pdf", "report.pdf"},
		{"unicode", "ünïcödé-名前.txt", "ünïcödé-名前.txt"},
		{"escape sequence", "\x1b]0;pwned\x07x", `\x1b]0;pwned\x07x`},
		{"clear screen", "a\x1b[2Jb", `a\x1b[2Jb`},
		{"newline and tab", "a\nb\tc\rd", `a\x0ab\x09c\x0dd`},
		{"delete", "a\x7fb", `a\x7fb`},
		{"C1 CSI as a rune", "a\u009b31mb", `a\u009b31mb`},
		{"invalid UTF-8", "caf\xe9", `caf\xe9`},
		{"right-to-left override", "evil\u202egpj.exe", `evil\u202egpj.exe`},
		{"isolates", "\u2066a\u2069\u2067b\u2068", `\u2066a\u2069\u2067b\u2068`},
		{"marks", "a\u200eb\u200fc\u061cd", `a\u200eb\u200fc\u061cd`},
		{"line separator", "a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"backslash kept", `a\x1b`, `a\x1b`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Line(tc.in); got != tc.want {
				t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if again := Line(Line(tc.in)); again != Line(tc.in) {
				t.Errorf("Line is not idempotent: %q then %q", Line(tc.in), again)
			}
		})
	}
}

func TestTextKeepsLinesAndTabsOnly(t *testing.T) {
	in := "530 Login incorrect.\n\tsee \x1b[31mhere\x1b[0m\r\u202eend"
	want := "530 Login incorrect.\n\tsee \\x1b[31mhere\\x1b[0m\\x0d\\u202eend"
	if got := Text(in); got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
}

func TestLineDoesNotCopyCleanText(t *testing.T) {
	s := strings.Repeat("clean name ", 10)
	if got := Line(s); unsafe.StringData(got) != unsafe.StringData(s) {
		t.Error("Line copied text that needs no escaping")
	}
}

func TestHasEscapedFindsControlsAndBidiButNotBadUTF8(t *testing.T) {
	for in, want := range map[string]bool{
		"ok.txt":        false,
		"caf\xe9":       false,
		"名前":            false,
		"a\x1bb":        true,
		"a\tb":          true,
		"a\u0085b":      true,
		"x\u202etxt.sh": true,
		"x\u2067y":      true,
		"x\u200fy":      true,
	} {
		if got := HasEscaped(in); got != want {
			t.Errorf("HasEscaped(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestURLNeverShowsThePassword(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ftp://u:TopSecret1@host:99999/x", "ftp://u:****@host:99999/x"},
		{"ftp://u:Top%zzSecret1@host/", "ftp://u:****@host/"},
		{"ftp://u:Top/Secret1@host/", "ftp://u:****@host/"},
		{"ftp://u:Top@Secret1@host/", "ftp://u:****@host/"},
		{"gopher://u:TopSecret1@host/", "gopher://u:****@host/"},
		{"ftp://u:TopSecret1@ho st/", "ftp://u:****@ho st/"},
		{"ftp://u:TopSecret1@hostftp://v:Other2@host2/", "ftp://u:****@host2/"},
		{"ftp://alice@host/pub", "ftp://alice@host/pub"},
		{"ftp://host/pub", "ftp://host/pub"},
		{"ftp://u:pw\x1b[2J@host/", "ftp://u:****@host/"},
		{"ftp://host/\x1b[2J", `ftp://host/\x1b[2J`},
		{"not a url", "not a url"},
	} {
		got := URL(tc.in)
		if got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
		for _, secret := range []string{"TopSecret1", "Secret1", "Other2"} {
			if strings.Contains(got, secret) {
				t.Errorf("URL(%q) = %q shows the password", tc.in, got)
			}
		}
	}
}

func BenchmarkLineClean(b *testing.B) {
	s := "an-ordinary-file-name_2026.tar.gz"
	for b.Loop() {
		Line(s)
	}
}

// FuzzLineLeavesNothingATerminalObeys: whatever the input, Line's output
// is valid UTF-8 without a rune Escaped reports, Line is idempotent, and
// clean input comes back unchanged.
func FuzzLineLeavesNothingATerminalObeys(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J", "a\u202eb", "caf\xe9", "\xe2\x82", "x\u2067\u2069", `\x1b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Line(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Line(%q) = %q is not valid UTF-8", s, got)
		}
		for _, r := range got {
			if Escaped(r) {
				t.Fatalf("Line(%q) = %q holds %U", s, got, r)
			}
		}
		if Line(got) != got {
			t.Fatalf("Line is not idempotent on %q", s)
		}
		if utf8.ValidString(s) && !HasEscaped(s) && got != s {
			t.Fatalf("clean %q changed to %q", s, got)
		}
		text := Text(s)
		for _, r := range text {
			if Escaped(r) && r != '\n' && r != '\t' {
				t.Fatalf("Text(%q) = %q holds %U", s, text, r)
			}
		}
	})
}
