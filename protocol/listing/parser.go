package listing

import (
	"strings"
	"time"
)

// Format names a listing format: MLSD, LIST with automatic detection, or
// one LIST dialect.
type Format uint8

// The listing formats. LIST means "detect the dialect". Giving a dialect
// instead makes it the first one tried, as if already detected; lines it
// cannot parse still go through the others.
const (
	LIST Format = iota
	MLSD
	Unix
	DOS
	EPLF
	VMS
	OS2
	AS400
	MVS
)

// String returns the format's name, for example "unix" or "MLSD".
func (f Format) String() string {
	switch f {
	case LIST:
		return "LIST"
	case MLSD:
		return "MLSD"
	case Unix:
		return "unix"
	case DOS:
		return "DOS"
	case EPLF:
		return "EPLF"
	case VMS:
		return "VMS"
	case OS2:
		return "OS/2"
	case AS400:
		return "AS/400"
	case MVS:
		return "MVS"
	}
	return "invalid"
}

// Options configure parsing. The zero value is usable.
type Options struct {
	// Now is the reference time for LIST dates shown without a year.
	// Zero means time.Now() when a Scanner is created (or at each
	// Parser.ParseLine call).
	Now time.Time
	// Location is the server's time zone, used for LIST dates (MLSD and
	// EPLF times are UTC by definition). Nil means UTC.
	Location *time.Location
	// MaxLine is the longest line a Scanner accepts, in bytes without the
	// line ending; a longer line stops the scan with ErrLineTooLong.
	// Zero means DefaultMaxLine.
	MaxLine int
}

// DefaultMaxLine is the line length limit when Options.MaxLine is zero.
const DefaultMaxLine = 8 << 10

type dialect struct {
	f     Format
	parse func(c *ctx, s string, e *Entry) bool
}

// dialects in detection order: the most distinctive first.
var dialects = [...]dialect{
	{EPLF, parseEPLF},
	{Unix, parseUnix},
	{DOS, parseDOS},
	{OS2, parseOS2},
	{AS400, parseAS400},
	{VMS, parseVMS},
	{MVS, parseMVS},
}

// Parser parses LIST lines and remembers the dialect that last
// recognized a line, trying it first from then on; when it fails on a
// line, all dialects are tried and the one that succeeds is remembered
// instead. Keep one Parser per connection so that later listings skip
// detection. The zero value is not usable; call NewParser.
type Parser struct {
	opts   Options
	locked Format // LIST while nothing is detected
}

// NewParser returns a Parser with the given options.
func NewParser(opts Options) *Parser {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.MaxLine <= 0 {
		opts.MaxLine = DefaultMaxLine
	}
	return &Parser{opts: opts}
}

// Detected returns the LIST dialect the parser has locked in, or LIST if
// none yet.
func (p *Parser) Detected() Format { return p.locked }

func (p *Parser) ctx() ctx {
	now := p.opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	return newCtx(now, p.opts.Location)
}

// ParseLine parses one LIST line (a trailing CR LF is removed). It returns
// ErrNotEntry for lines that are part of listings but describe no entry
// ("total 12", blank lines, ...) and an error wrapping ErrUnrecognized
// for lines no dialect understands. ParseLine does not join VMS entries
// split over two lines; a Scanner does.
func (p *Parser) ParseLine(line string) (Entry, error) {
	c := p.ctx()
	var e Entry
	err := p.parse(&c, trimEOL(line), &e)
	return e, err
}

func (p *Parser) parse(c *ctx, raw string, e *Entry) error {
	if p.locked != LIST {
		for i := range dialects {
			if dialects[i].f == p.locked {
				if dialects[i].parse(c, raw, e) {
					finish(e, raw)
					return nil
				}
				break
			}
		}
	}
	for i := range dialects {
		d := &dialects[i]
		if d.f == p.locked {
			continue
		}
		if d.parse(c, raw, e) {
			p.locked = d.f
			finish(e, raw)
			return nil
		}
	}
	*e = Entry{Size: -1, Raw: raw}
	if noise(raw) {
		return ErrNotEntry
	}
	return ErrUnrecognized
}

// noise reports lines that belong to listings but carry no entry.
func noise(s string) bool {
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return true
	case hasPrefixFold(t, "total ") && isDigit(t[len("total "):][0]):
		return true // ls: "total 123", "total 12K"
	case hasPrefixFold(t, "total of "), hasPrefixFold(t, "grand total of "):
		return true // VMS trailers
	case hasPrefixFold(t, "directory ") && strings.ContainsAny(t, "[:"):
		return true // VMS header "Directory DISK$USER:[USER]"
	case hasPrefixFold(t, "status of "):
		return true // STAT -l output
	case strings.HasPrefix(t, "Volume Unit") && strings.HasSuffix(t, "Dsname"),
		strings.HasPrefix(t, "Name ") && strings.Contains(t, "VV.MM"):
		return true // MVS headers
	}
	return false
}
