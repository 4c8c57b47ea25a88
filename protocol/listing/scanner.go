package listing

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// ErrLineTooLong is returned (wrapped, with the line number) by
// Scanner.Err when a line exceeds Options.MaxLine.
var ErrLineTooLong = errors.New("listing: line too long")

// MaxBadLines is how many unparsable lines a Scanner keeps; BadCount
// still counts them all.
const MaxBadLines = 100

// BadLine is a listing line that no parser understood.
type BadLine struct {
	Line int    // 1-based line number in the stream
	Text string // the line without its line ending
	Err  error  // why it was rejected; wraps ErrUnrecognized
}

// Scanner reads a listing from an io.Reader one line at a time and
// yields its entries, holding at most one line (Options.MaxLine) in
// memory. Lines may end in CR LF or LF; a last line without an ending is
// read too. Lines that carry no entry ("total 12", blank lines, VMS
// headers) are skipped; lines nothing understands are collected (see Bad)
// and the scan goes on.
//
//	sc := p.NewScanner(dataConn, listing.LIST)
//	for sc.Scan() {
//		e := sc.Entry()
//		...
//	}
//	if err := sc.Err(); err != nil { ... }
type Scanner struct {
	br     *bufio.Reader
	p      *Parser
	c      ctx
	format Format // MLSD or LIST
	max    int
	family Format // the LIST dialect of this listing; LIST until its first entry

	ent    Entry
	err    error
	eof    bool
	lineNo int

	pending     []byte // a VMS name line waiting for its continuation
	pendingLine int
	hasPending  bool

	bad    []BadLine
	badCnt int
}

// NewScanner returns a Scanner for a listing in format f with a Parser of
// its own. Pass MLSD for MLSD output, LIST to detect the LIST dialect, or
// a dialect to try first.
func NewScanner(r io.Reader, f Format, opts Options) *Scanner {
	return NewParser(opts).NewScanner(r, f)
}

// NewScanner returns a Scanner that parses LIST lines with p, so the
// dialect detected by earlier listings is tried first and the one
// detected now is remembered. For f other than MLSD and LIST, f becomes
// p's detected dialect before the scan starts.
func (p *Parser) NewScanner(r io.Reader, f Format) *Scanner {
	bufSize := p.opts.MaxLine + 2 // room for CR LF
	if bufSize < 64 {
		bufSize = 64
	}
	s := &Scanner{
		br:     bufio.NewReaderSize(r, bufSize),
		p:      p,
		c:      p.ctx(),
		format: f,
		max:    p.opts.MaxLine,
	}
	if f != MLSD && f != LIST && f <= MVS {
		p.locked = f
		s.format = LIST
	} else if f > MVS {
		s.format = LIST
	}
	return s
}

// Scan advances to the next entry, which Entry then returns. It returns
// false at the end of the input or on an error (see Err).
func (s *Scanner) Scan() bool {
	for s.err == nil {
		line, err := s.readLine()
		if err != nil {
			if err != io.EOF {
				s.err = err
			}
			if s.hasPending {
				s.addBad(s.pendingLine, string(s.pending), ErrUnrecognized)
				s.hasPending = false
			}
			return false
		}
		if s.format == MLSD {
			if isBlank(line) {
				continue
			}
			raw := string(line)
			if err := parseMLSx(raw, &s.ent); err != nil {
				s.addBad(s.lineNo, raw, err)
				continue
			}
			return true
		}
		if s.hasPending {
			s.hasPending = false
			if len(line) > 0 && isSpace(line[0]) && !isBlank(line) {
				i := 0
				for isSpace(line[i]) {
					i++
				}
				joined := make([]byte, 0, len(s.pending)+1+len(line)-i)
				joined = append(append(append(joined, s.pending...), ' '), line[i:]...)
				raw := string(joined)
				if s.parse(raw) == nil {
					return true
				}
				s.addBad(s.pendingLine, raw, ErrUnrecognized)
				continue
			}
			// Some servers do not indent the continuation.
			if !isBlank(line) {
				joined := make([]byte, 0, len(s.pending)+1+len(line))
				joined = append(append(append(joined, s.pending...), ' '), line...)
				if raw := string(joined); s.parse(raw) == nil {
					return true
				}
			}
			s.addBad(s.pendingLine, string(s.pending), ErrUnrecognized)
		}
		if (s.family == LIST || s.family == VMS) && vmsContinued(line) {
			s.pending = append(s.pending[:0], line...)
			s.pendingLine = s.lineNo
			s.hasPending = true
			continue
		}
		raw := string(line)
		switch err := s.parse(raw); err {
		case nil:
			return true
		case ErrNotEntry:
		default:
			s.addBad(s.lineNo, raw, err)
		}
	}
	return false
}

// parse parses a LIST line of this listing. The first line understood
// fixes the listing's dialect (the Parser's remembered one is tried
// first); from then on a line only that dialect understands is an entry,
// and a line of another family is reported as not understood, naming
// both, rather than mixed in: a server does not change its format in the
// middle of a listing, so such a line is more likely misread than right.
func (s *Scanner) parse(raw string) error {
	if s.family == LIST {
		err := s.p.parse(&s.c, raw, &s.ent)
		if err == nil {
			s.family = s.p.locked
		}
		return err
	}
	for i := range dialects {
		if d := &dialects[i]; d.f == s.family {
			if d.parse(&s.c, raw, &s.ent) {
				finish(&s.ent, raw)
				return nil
			}
			break
		}
	}
	s.ent = Entry{Size: -1, Raw: raw}
	if noise(raw) {
		return ErrNotEntry
	}
	var other Entry
	for i := range dialects {
		if d := &dialects[i]; d.f != s.family && d.parse(&s.c, raw, &other) {
			return fmt.Errorf("%w: a %v line in a %v listing", ErrUnrecognized, d.f, s.family)
		}
	}
	return ErrUnrecognized
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

// readLine returns the next line without its ending, or io.EOF.
func (s *Scanner) readLine() ([]byte, error) {
	if s.eof {
		return nil, io.EOF
	}
	b, err := s.br.ReadSlice('\n')
	switch err {
	case nil:
	case io.EOF:
		s.eof = true
		if len(b) == 0 {
			return nil, io.EOF
		}
	case bufio.ErrBufferFull:
		return nil, fmt.Errorf("%w (line %d, limit %d bytes)", ErrLineTooLong, s.lineNo+1, s.max)
	default:
		return nil, err
	}
	s.lineNo++
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	if len(b) > s.max {
		return nil, fmt.Errorf("%w (line %d, limit %d bytes)", ErrLineTooLong, s.lineNo, s.max)
	}
	return b, nil
}

func (s *Scanner) addBad(line int, text string, err error) {
	s.badCnt++
	if len(s.bad) < MaxBadLines {
		s.bad = append(s.bad, BadLine{Line: line, Text: text, Err: err})
	}
}

// Entry returns the entry found by the last successful Scan.
func (s *Scanner) Entry() Entry { return s.ent }

// Err returns the error that stopped the scan: a read error or
// ErrLineTooLong; nil at a clean end of input.
func (s *Scanner) Err() error { return s.err }

// Bad returns the first MaxBadLines lines that could not be parsed. The
// slice belongs to the Scanner.
func (s *Scanner) Bad() []BadLine { return s.bad }

// BadCount returns how many lines could not be parsed in all.
func (s *Scanner) BadCount() int { return s.badCnt }

// Detected returns MLSD for an MLSD scan, else the LIST dialect of this
// listing once a line fixed it, else the dialect its Parser will try
// first (LIST if none).
func (s *Scanner) Detected() Format {
	if s.format == MLSD {
		return MLSD
	}
	if s.family != LIST {
		return s.family
	}
	return s.p.locked
}
