package protocol

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/ianaindex"

	"ferry/protocol/listing"
)

// Many older servers store names in a legacy charset (Latin-1, Shift-JIS,
// GBK, ...) and send them as such. Options.Encoding names that charset;
// the engine then decodes every name it reads (listings, PWD, MKD, NLST)
// into UTF-8 and encodes every command it sends back into the charset, so
// callers speak UTF-8 only. "auto" (or "") keeps names as the server sent
// them, which is right for UTF-8 servers and for the OPTS UTF8 ON that
// Login sends when FEAT offers it.
//
// Round trips are exact: a name is shown decoded only if encoding the
// decoded text gives back the very bytes the server sent. Bytes that do
// not decode (an invalid sequence, a code the charset leaves undefined)
// stay in the name as they are, which makes it invalid UTF-8; the encoder
// passes such bytes through unchanged, so the name still reaches the
// server intact, and listing.DisplayName shows them as \xNN.

// ErrUnencodable is wrapped by the error for a command whose argument
// has a character the connection's charset cannot represent.
var ErrUnencodable = errors.New("ftp: name cannot be written in the server's charset")

// EncodingError reports a name that cannot be sent in Charset.
type EncodingError struct {
	Charset string // the charset's canonical name, such as "shift_jis"
	Name    string // the command's argument, in UTF-8
	Rune    rune   // the first character the charset lacks
}

func (e *EncodingError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("ftp: a password or account cannot be written in %s", e.Charset)
	}
	return fmt.Sprintf("ftp: %q cannot be written in %s: it has no code for %q (%U)", e.Name, e.Charset, e.Rune, e.Rune)
}

func (e *EncodingError) Unwrap() error { return ErrUnencodable }

// charsetAlias maps the names --encoding and bookmarks accept to the
// name the IANA index knows. Only charsets that keep ASCII as ASCII are
// offered: FTP verbs and the bytes CR, LF and space must stay themselves.
func charsetAlias(n string) (string, bool) {
	switch n {
	case "utf-8", "utf8":
		return "utf-8", true
	case "latin1", "latin-1":
		return "iso-8859-1", true
	case "shift_jis", "shift-jis", "sjis":
		return "shift_jis", true
	case "euc-jp", "eucjp":
		return "euc-jp", true
	case "euc-kr", "euckr":
		return "euc-kr", true
	case "gbk", "gb2312":
		return "gbk", true
	case "gb18030", "big5", "koi8-r", "koi8-u":
		return n, true
	}
	if strings.HasPrefix(n, "iso-8859-") || strings.HasPrefix(n, "windows-125") && len(n) == len("windows-1250") {
		return n, true
	}
	return "", false
}

// Charset converts names between UTF-8 and a server's charset. A nil
// *Charset is "auto": names pass through unchanged.
type Charset struct {
	name string            // canonical lower-case name
	enc  encoding.Encoding // nil for UTF-8
}

// LookupCharset returns the charset called name (case-insensitive):
// "utf-8", "latin1" or "iso-8859-1" to "iso-8859-16", "windows-1250" to
// "windows-1258", "shift_jis", "euc-jp", "euc-kr", "gbk", "gb18030",
// "big5", "koi8-r" or "koi8-u". "" and "auto" return nil, which means
// names are used as the server sends them.
func LookupCharset(name string) (*Charset, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" || n == "auto" {
		return nil, nil
	}
	iana, ok := charsetAlias(n)
	if !ok {
		return nil, fmt.Errorf("unknown encoding %q (want auto, utf-8, latin1, iso-8859-N, windows-125N, shift_jis, euc-jp, euc-kr, gbk, gb18030, big5 or koi8-r)", name)
	}
	if iana == "utf-8" {
		return &Charset{name: "utf-8"}, nil
	}
	enc, err := ianaindex.IANA.Encoding(iana)
	if err != nil || enc == nil {
		return nil, fmt.Errorf("unknown encoding %q", name)
	}
	return &Charset{name: iana, enc: enc}, nil
}

// Name returns the charset's canonical name ("shift_jis"), or "auto" for
// the nil Charset.
func (cs *Charset) Name() string {
	if cs == nil {
		return "auto"
	}
	return cs.name
}

// legacy reports a charset other than UTF-8, for which names are
// converted and OPTS UTF8 ON must not be sent.
func (cs *Charset) legacy() bool { return cs != nil && cs.enc != nil }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Encode turns s, UTF-8 text possibly carrying undecodable bytes kept
// from a listing, into the bytes to send. A character the charset lacks
// is an *EncodingError.
func (cs *Charset) Encode(s string) (string, error) {
	if !cs.legacy() || isASCII(s) {
		return s, nil
	}
	if utf8.ValidString(s) {
		if out, err := cs.enc.NewEncoder().String(s); err == nil {
			return out, nil
		}
	}
	// Kept bytes, or a character the charset lacks: rune by rune.
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteByte(c) // a byte kept as the server sent it
			i++
			continue
		}
		enc, ok := cs.encodeRune(s[i : i+n])
		if !ok {
			return "", &EncodingError{Charset: cs.name, Name: s, Rune: r}
		}
		b.WriteString(enc)
		i += n
	}
	return b.String(), nil
}

func (cs *Charset) encodeRune(r string) (string, bool) {
	out, err := cs.enc.NewEncoder().String(r)
	return out, err == nil && out != ""
}

// Decode turns a name as the server sent it into UTF-8, keeping bytes
// that do not decode exactly as they are; Encode(Decode(raw)) == raw
// always holds. exact is false when some bytes were kept that way.
func (cs *Charset) Decode(raw string) (name string, exact bool) {
	if !cs.legacy() || isASCII(raw) {
		return raw, utf8.ValidString(raw)
	}
	if s, err := cs.enc.NewDecoder().String(raw); err == nil && !strings.ContainsRune(s, utf8.RuneError) {
		if back, err := cs.Encode(s); err == nil && back == raw {
			return s, true
		}
	}
	if len(raw) > maxCharwiseName {
		return raw, false // no file system has such names; bound the work a server can cause
	}
	// One character at a time: what decodes and encodes back to the same
	// bytes becomes UTF-8, every other byte stays.
	var b strings.Builder
	exact = true
	for i := 0; i < len(raw); {
		if raw[i] < utf8.RuneSelf {
			b.WriteByte(raw[i])
			i++
			continue
		}
		n := cs.decodeOne(raw[i:], &b)
		if n == 0 {
			b.WriteByte(raw[i])
			exact = false
			n = 1
		}
		i += n
	}
	s := b.String()
	if back, err := cs.Encode(s); err != nil || back != raw {
		return raw, false // kept bytes would read as other characters
	}
	return s, exact
}

// maxCharwiseName bounds the names Decode takes apart one character at a
// time (a few small allocations per byte); longer ones that do not decode
// as a whole are kept as sent.
const maxCharwiseName = 1024

// decodeOne decodes the character at the start of p, if it is one that
// encodes back to the same bytes, writes it to b and returns its length;
// 0 when p starts with no such character.
func (cs *Charset) decodeOne(p string, b *strings.Builder) int {
	for n := 1; n <= 4 && n <= len(p); n++ {
		s, err := cs.enc.NewDecoder().String(p[:n])
		if err != nil || s == "" {
			continue
		}
		r, size := utf8.DecodeRuneInString(s)
		if size != len(s) || r == utf8.RuneError {
			continue
		}
		if back, ok := cs.encodeRune(s); ok && back == p[:n] {
			b.WriteString(s)
			return n
		}
	}
	return 0
}

// decodeEntry converts the names of a listing entry in place.
func (cs *Charset) decodeEntry(e *listing.Entry) {
	if !cs.legacy() {
		return
	}
	name, _ := cs.Decode(e.RawName)
	if name != e.RawName {
		e.RawName = name
		e.Name = listing.DisplayName(name)
	}
	e.Target, _ = cs.Decode(e.Target)
	e.Owner, _ = cs.Decode(e.Owner)
	e.Group, _ = cs.Decode(e.Group)
}

// decodeName converts a name read from a reply (PWD, MKD, NLST).
func (c *Conn) decodeName(s string) string {
	name, _ := c.charset.Decode(s)
	return name
}

// encodeLine is the one place a command line becomes the bytes sent:
// its argument is written in the connection's charset.
func (c *Conn) encodeLine(line string) (string, error) {
	wire, err := c.charset.Encode(line)
	if err != nil {
		var ee *EncodingError
		if errors.As(err, &ee) {
			verb := commandVerb(line)
			ee.Name = strings.TrimPrefix(line[min(len(verb), len(line)):], " ")
			if verb == "PASS" || verb == "ACCT" {
				ee.Name, ee.Rune = "", 0 // say nothing about a secret
			}
		}
		return "", err
	}
	if err := checkLine(wire); err != nil {
		return "", err // no charset offered maps other bytes to CR, LF or NUL; this makes sure
	}
	return wire, nil
}
