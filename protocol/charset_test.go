package protocol_test

import (
	"errors"
	"strings"
	"testing"

	"ferry/protocol"
)

func TestLookupCharsetAcceptsTheIssueNamesAndRefusesOthers(t *testing.T) {
	for _, tc := range []struct{ in, name string }{
		{"auto", "auto"}, {"", "auto"},
		{"utf-8", "utf-8"}, {"UTF8", "utf-8"},
		{"latin1", "iso-8859-1"}, {"ISO-8859-1", "iso-8859-1"}, {"iso-8859-15", "iso-8859-15"}, {"iso-8859-2", "iso-8859-2"},
		{"windows-1250", "windows-1250"}, {"windows-1251", "windows-1251"}, {"windows-1252", "windows-1252"},
		{"shift_jis", "shift_jis"}, {"SJIS", "shift_jis"}, {"euc-jp", "euc-jp"}, {"euc-kr", "euc-kr"},
		{"gbk", "gbk"}, {"gb18030", "gb18030"}, {"big5", "big5"}, {"koi8-r", "koi8-r"},
	} {
		cs, err := protocol.LookupCharset(tc.in)
		if err != nil || cs.Name() != tc.name {
			t.Errorf("LookupCharset(%q) = %v, %v; want %s", tc.in, cs.Name(), err, tc.name)
		}
	}
	// ISO-2022-JP and UTF-16 would change the bytes of the FTP verbs.
	for _, bad := range []string{"klingon", "iso-2022-jp", "utf-16", "windows-125", "iso-8859-99"} {
		if _, err := protocol.LookupCharset(bad); err == nil || !strings.Contains(err.Error(), "encoding") {
			t.Errorf("LookupCharset(%q) err = %v, want an unknown-encoding error", bad, err)
		}
	}
}

func TestCharsetDecodeRoundTripsExactly(t *testing.T) {
	for _, tc := range []struct {
		charset, raw, name string
		exact              bool
	}{
		{"latin1", "caf\xe9", "café", true},
		{"koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "Привет", true},
		{"euc-kr", "\xc7\xd1\xb1\xdb", "한글", true},
		{"gbk", "\xd6\xd0\xce\xc4", "中文", true},
		{"big5", "\xa4\xa4\xa4\xe5", "中文", true},
		{"euc-jp", "\xc6\xfc\xcb\xdc", "日本", true},
		{"shift_jis", "\x95\x5c", "表", true},
		{"shift_jis", "plain ascii", "plain ascii", true},
		// windows-1252 leaves 0x81 undefined: the byte is kept as sent,
		// the rest decoded.
		{"windows-1252", "\x80\x81\xe9", "€\x81é", false},
		// An invalid Shift-JIS sequence between valid characters.
		{"shift_jis", "\x93\xfa\xff\x96\x7b", "日\xff本", false},
		// A name too long for any file system that does not decode as a
		// whole is kept as sent, so a server cannot make decoding slow.
		{"shift_jis", strings.Repeat("\x93\xfa", 600) + "\xff", strings.Repeat("\x93\xfa", 600) + "\xff", false},
	} {
		cs, err := protocol.LookupCharset(tc.charset)
		if err != nil {
			t.Fatal(err)
		}
		name, exact := cs.Decode(tc.raw)
		if name != tc.name || exact != tc.exact {
			t.Errorf("%s: Decode(%q) = %q, %v; want %q, %v", tc.charset, tc.raw, name, exact, tc.name, tc.exact)
		}
		back, err := cs.Encode(name)
		if err != nil || back != tc.raw {
			t.Errorf("%s: Encode(%q) = %q, %v; want the original %q", tc.charset, name, back, err, tc.raw)
		}
	}
}

func TestCharsetEncodeRefusesMissingCharacters(t *testing.T) {
	cs, _ := protocol.LookupCharset("latin1")
	_, err := cs.Encode("dir/名前.txt")
	var ee *protocol.EncodingError
	if !errors.As(err, &ee) || !errors.Is(err, protocol.ErrUnencodable) || ee.Rune != '名' || ee.Charset != "iso-8859-1" {
		t.Fatalf("Encode = %v, want an EncodingError for 名", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "名") || !strings.Contains(msg, "iso-8859-1") {
		t.Errorf("message %q does not say what and where", msg)
	}
}

// BenchmarkCharsetDecodeShiftJIS decodes a typical Shift-JIS file name,
// the work a listing does per entry with --encoding shift_jis.
func BenchmarkCharsetDecodeShiftJIS(b *testing.B) {
	cs, _ := protocol.LookupCharset("shift_jis")
	raw := "\x93\xfa\x96\x7b\x8c\xea\x82\xcc\x83\x74\x83\x40\x83\x43\x83\x8b 2026.txt" // 日本語のファイル 2026.txt
	b.ReportAllocs()
	for b.Loop() {
		if _, exact := cs.Decode(raw); !exact {
			b.Fatal("not exact")
		}
	}
}
