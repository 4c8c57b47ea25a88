package protocol

import (
	"bufio"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

func readReplies(t *testing.T, input string) ([]*Reply, error) {
	t.Helper()
	rr := replyReader{r: bufio.NewReader(strings.NewReader(input)), maxLine: 100, maxReply: 400}
	var out []*Reply
	for {
		r, err := rr.read()
		if err != nil {
			if strings.Contains(err.Error(), "EOF") {
				return out, nil
			}
			return out, err
		}
		out = append(out, r)
	}
}

func TestReplyReaderFollowsRFC959Continuations(t *testing.T) {
	tests := []struct {
		name, input string
		code        int
		text        string
	}{
		{"single line", "200 ok\r\n", 200, "ok"},
		{"bare LF", "200 ok\n", 200, "ok"},
		{"code only", "200\r\n", 200, ""},
		{"multi-line", "211-Features:\r\n MDTM\r\n211 End\r\n", 211, "Features:\n MDTM\nEnd"},
		{"inner line with another code", "220-hello\r\n230 not the end\r\n220-still\r\n220 end\r\n", 220, "hello\n230 not the end\n220-still\nend"},
		{"terminator is code alone", "220-a\r\n220\r\n", 220, "a\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := readReplies(t, tt.input)
			if err != nil || len(rs) != 1 {
				t.Fatalf("replies %v, err %v", rs, err)
			}
			if rs[0].Code != tt.code || rs[0].Text() != tt.text {
				t.Fatalf("got %d %q, want %d %q", rs[0].Code, rs[0].Text(), tt.code, tt.text)
			}
		})
	}
}

func TestReplyReaderRejectsBadReplies(t *testing.T) {
	for _, input := range []string{
		"600 out of range\r\n",
		"20 short\r\n",
		"200x no separator\r\n",
		strings.Repeat("2", 150) + "\r\n", // line over the limit
		"211-start\r\n" + strings.Repeat("a line here\r\n", 50), // reply over the limit
	} {
		_, err := readReplies(t, input)
		if !errors.Is(err, ErrProtocol) {
			t.Errorf("%.20q: err = %v, want ErrProtocol", input, err)
		}
	}
}

func TestErrorClassesMatchFtplib(t *testing.T) {
	tests := []struct {
		code                   int
		temp, perm, unexpected bool
	}{
		{150, false, false, true},
		{331, false, false, true},
		{421, true, false, false},
		{450, true, false, false},
		{530, false, true, false},
		{550, false, true, false},
	}
	for _, tt := range tests {
		err := error(&Error{Code: tt.code})
		if errors.Is(err, ErrTemporary) != tt.temp || errors.Is(err, ErrPermanent) != tt.perm || errors.Is(err, ErrUnexpectedReply) != tt.unexpected {
			t.Errorf("%d: temp=%v perm=%v unexpected=%v", tt.code, errors.Is(err, ErrTemporary), errors.Is(err, ErrPermanent), errors.Is(err, ErrUnexpectedReply))
		}
	}
}

func TestParseEPSVUsesTheCharacterAfterTheParenthesis(t *testing.T) {
	for text, want := range map[string]int{
		"Entering Extended Passive Mode (|||6446|)": 6446,
		"EPSV ok (!!!1234!)":                        1234,
		"(###65535#)":                               65535,
	} {
		if got, err := parseEPSV(text); err != nil || got != want {
			t.Errorf("%q: %d %v", text, got, err)
		}
	}
	for _, bad := range []string{"(|||0|)", "(|||70000|)", "(||1|2|)", "no parens", "(|||12a|)", "()"} {
		if _, err := parseEPSV(bad); !errors.Is(err, ErrProtocol) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParsePASVVariants(t *testing.T) {
	for text, want := range map[string]string{
		"Entering Passive Mode (127,0,0,1,4,1).": "127.0.0.1:1025",
		"Entering Passive Mode 10,1,2,3,200,10":  "10.1.2.3:51210",
		"=192,168,0,1,0,21":                      "192.168.0.1:21",
	} {
		ip, port, err := parsePASV(text)
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		if got := net.JoinHostPort(ip.String(), strconv.Itoa(port)); got != want {
			t.Errorf("%q: %s, want %s", text, got, want)
		}
	}
	for _, bad := range []string{"(1,2,3,4,5)", "(256,0,0,1,1,1)", "(1,2,3,4,0,0)", "nothing"} {
		if _, _, err := parsePASV(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseQuotedPathUndoublesQuotes(t *testing.T) {
	tests := map[string]string{
		`"/" is the current directory`: "/",
		`"/a ""quoted"" dir" created`:  `/a "quoted" dir`,
		`MKD ok "/x y"`:                "/x y",
		`"/ends with quote"""`:         `/ends with quote"`,
	}
	for in, want := range tests {
		if got, err := parseQuotedPath(in); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"no quotes", `"unterminated`} {
		if _, err := parseQuotedPath(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseTimeValWithFractions(t *testing.T) {
	tests := map[string]time.Time{
		"20261124141500":        time.Date(2026, 11, 24, 14, 15, 0, 0, time.UTC),
		"20261124141500.5":      time.Date(2026, 11, 24, 14, 15, 0, 500e6, time.UTC),
		"19991231235959.123456": time.Date(1999, 12, 31, 23, 59, 59, 123456e3, time.UTC),
	}
	for in, want := range tests {
		if got, ok := ParseTimeVal(in); !ok || !got.Equal(want) {
			t.Errorf("%q: %v %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "2026112414150", "20261324141500", "20261124141500.", "2026112414150x", "20261124141500,5"} {
		if _, ok := ParseTimeVal(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestAnnouncedSize(t *testing.T) {
	tests := map[string]int64{
		"Opening BINARY mode data connection for f (1234 bytes).": 1234,
		"Opening data connection":                                 -1,
		"Here (12 Bytes)":                                         12,
		"x (-5 bytes)":                                            -1,
	}
	for in, want := range tests {
		if got := announcedSize(in); got != want {
			t.Errorf("%q: %d, want %d", in, got, want)
		}
	}
}

func TestParseFingerprintForms(t *testing.T) {
	hex := strings.Repeat("ab", 32)
	colon := strings.TrimSuffix(strings.Repeat("AB:", 32), ":")
	for _, in := range []string{hex, "sha256:" + hex, "SHA256:" + colon} {
		if b, err := ParseFingerprint(in); err != nil || len(b) != 32 || b[0] != 0xab {
			t.Errorf("%q: %x %v", in, b, err)
		}
	}
	for _, bad := range []string{"", "abc", strings.Repeat("ab", 31), strings.Repeat("zz", 32)} {
		if _, err := ParseFingerprint(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
