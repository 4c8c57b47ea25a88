// Package safe makes text that ferry did not write itself fit to show: a
// server's replies and file names, a file's contents, a URL the user
// typed. Whatever reaches a terminal, a log or an error message from
// outside goes through Line or Text, so a hostile server cannot move the
// cursor, retitle the window, ring the bell or reorder what the user reads
// with bidi overrides, and through URL, so a password never does.
//
// It is one small package with no dependencies so that every layer (the
// engine, the listing parser, the queue, the command line and the UI)
// escapes the same way; it knows nothing of FTP or terminals beyond that.
package safe

import (
	"strings"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// Escaped reports the runes that must not reach a terminal verbatim:
// C0 and C1 control characters, DEL, and the invisible characters that
// change the direction or the lines of the text around them (bidi marks,
// embeddings, overrides and isolates, and the Unicode line and paragraph
// separators). Tab and newline are controls too; Text keeps them.
func Escaped(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f:
		return true
	case r >= 0x80 && r < 0xa0: // C1 controls, CSI (U+009B) among them
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // ARABIC LETTER MARK, LRM, RLM
		return true
	case r >= 0x2028 && r <= 0x202e: // line and paragraph separators, LRE RLE PDF LRO RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI RLI FSI PDI
		return true
	}
	return false
}

// HasEscaped reports whether s contains a rune Escaped reports. Invalid
// UTF-8 does not count: it is shown escaped, but a name made of it can
// still be stored (old servers send Latin-1 names).
func HasEscaped(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if Escaped(r) {
			return true
		}
		i += n
	}
	return false
}

// Line returns s fit for one line of a terminal: every rune Escaped
// reports (newline and tab too) and every invalid UTF-8 byte is written
// as \xNN (below U+0080 and for bad bytes) or \uNNNN. A backslash is left
// alone, so Line(Line(s)) == Line(s) and an escape that was already made
// is not made twice. A clean s is returned as is, without copying.
func Line(s string) string { return escape(s, false) }

// Text is Line for text of several lines: newlines and tabs stay.
func Text(s string) string { return escape(s, true) }

func escape(s string, multiline bool) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 || c == 0x7f) && !(multiline && (c == '\n' || c == '\t')) {
				return escapeFrom(s, i, multiline)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || Escaped(r) {
			return escapeFrom(s, i, multiline)
		}
		i += n
	}
	return s
}

func escapeFrom(s string, from int, multiline bool) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:from])
	for i := from; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 || c == 0x7f) && !(multiline && (c == '\n' || c == '\t')) {
				writeByteEscape(&b, c)
			} else {
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			writeByteEscape(&b, c)
		case Escaped(r):
			b.WriteString(`\u`)
			for shift := 12; shift >= 0; shift -= 4 {
				b.WriteByte(hexDigits[(r>>uint(shift))&15])
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func writeByteEscape(b *strings.Builder, c byte) {
	b.WriteString(`\x`)
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&15])
}

// URL returns raw, a URL or something the user meant as one, fit for a
// message: the password in its user information replaced by ****, and
// then escaped as Line does. It does not need raw to parse, because the
// messages that show it are often about a URL that does not: it masks
// everything between the first ':' of the user information and the last
// '@', so a password holding '@', '/' or ':' is hidden whole, and two
// URLs run together hide both passwords.
func URL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return Line(raw)
	}
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return Line(raw)
	}
	user, _, hasPass := strings.Cut(rest[:at], ":")
	if !hasPass {
		return Line(raw)
	}
	return Line(scheme + "://" + user + ":****" + rest[at:])
}
