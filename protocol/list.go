package protocol

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"ferry/internal/safe"
	"ferry/protocol/listing"
)

// Listing is a parsed directory listing.
type Listing struct {
	Entries []listing.Entry // without the "." and ".." pseudo-entries
	// Bad holds lines no parser understood (at most listing.MaxBadLines);
	// BadCount counts all of them. They are reported, never dropped
	// silently and never turned into entries.
	Bad      []listing.BadLine
	BadCount int
	Format   listing.Format // MLSD, or the LIST dialect that was detected
}

// List lists a directory ("" for the working one). It uses MLSD when FEAT
// offers MLST, and LIST otherwise, asking for "-a" so dot-files show on
// servers that hide them (vsftpd) and dropping "-a" for good on a server
// that refuses it. The data connection streams straight into the parser;
// the LIST dialect detected is remembered for the connection's next
// listings.
func (c *Conn) List(ctx context.Context, path string) (*Listing, error) {
	var entries []listing.Entry
	l, err := c.ListFunc(ctx, path, func(e *listing.Entry) error {
		entries = append(entries, *e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.Entries = entries
	return l, nil
}

// ListFunc is List for callers that use each entry as it streams in and
// keep less than the whole Entry: fn sees every entry but "." and ".."
// (the pointer is valid during the call only), and the returned Listing
// has no Entries. An error from fn aborts the listing and is returned.
func (c *Conn) ListFunc(ctx context.Context, path string, fn func(*listing.Entry) error) (*Listing, error) {
	if err := checkLine(path); err != nil {
		return nil, err
	}
	if c.HasFeature("MLST") {
		return c.list(ctx, withArg("MLSD", path), listing.MLSD, fn)
	}
	// LIST answers a missing path or a file as if it were a folder
	// (vsftpd lists a missing folder as an empty one), so the path is
	// proven a folder first. MLSD refuses both by itself.
	if path != "" {
		if err := c.checkDir(ctx, path); err != nil {
			return nil, err
		}
	}
	if c.listDashA != dashARefused && !strings.HasPrefix(path, "-") {
		l, err := c.list(ctx, withArg("LIST -a", path), listing.LIST, fn)
		if err == nil {
			c.listDashA = dashAWorks
			return l, nil
		}
		var fe *Error
		if c.listDashA == dashAWorks || !errors.As(err, &fe) || !errors.Is(err, ErrPermanent) {
			return nil, err
		}
		c.listDashA = dashARefused
		c.logf("LIST -a refused (%v); listing without it", err)
	}
	return c.list(ctx, withArg("LIST", path), listing.LIST, fn)
}

// States of LIST -a support on a connection.
const (
	dashAUnknown = iota
	dashAWorks
	dashARefused
)

func (c *Conn) list(ctx context.Context, line string, format listing.Format, fn func(*listing.Entry) error) (*Listing, error) {
	if c.listParser == nil {
		c.listParser = listing.NewParser(listing.Options{})
	}
	t, err := c.StartTransfer(ctx, line, 0)
	if err != nil {
		return nil, err
	}
	limit := orDefault(c.opts.MaxListingEntries, DefaultMaxListingEntries)
	// Lines that parse as no entry (garbage, blank lines, headers) count
	// too: an endless stream of them must end. Two lines per entry leave
	// room for VMS's entries, which may take two.
	lines := &lineLimit{r: t, left: 2*int64(limit) + 100}
	sc := c.listParser.NewScanner(lines, format)
	n := 0
	var e listing.Entry // one variable for all: fn gets a pointer, which would escape per entry
	for sc.Scan() {
		e = sc.Entry()
		if e.Pseudo {
			continue
		}
		c.charset.decodeEntry(&e)
		if n == limit {
			return nil, errors.Join(protocolError(fmt.Sprintf("listing longer than %d entries", limit), ""), t.Abort())
		}
		n++
		if err := fn(&e); err != nil {
			return nil, errors.Join(err, t.Abort())
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, listing.ErrLineTooLong) || errors.Is(err, errTooManyLines) {
			err = protocolError(err.Error(), "")
		}
		return nil, errors.Join(err, t.Abort())
	}
	if err := t.Close(); err != nil {
		return nil, err
	}
	if t.final != nil && failedToList(t.final.Text()) {
		return nil, fmt.Errorf("%s: %w: %d %s", commandVerb(line), ErrNotListable, t.final.Code, safe.Text(t.final.Text()))
	}
	return &Listing{Bad: sc.Bad(), BadCount: sc.BadCount(), Format: sc.Detected()}, nil
}

// failedToList recognises a listing's final reply that reports success in
// its code but failure in its text, as vsftpd's "226 Transfer done (but
// failed to open directory)." for a folder that is missing or unreadable.
func failedToList(text string) bool {
	return strings.Contains(strings.ToLower(text), "failed to open directory")
}

var errTooManyLines = errors.New("listing has too many lines")

// lineLimit fails a listing's data stream once it has carried more than
// left lines.
type lineLimit struct {
	r    io.Reader
	left int64
}

func (l *lineLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.left -= int64(bytes.Count(p[:n], newline))
	if l.left < 0 {
		return n, errTooManyLines
	}
	return n, err
}

var newline = []byte{'\n'}

// checkDir makes sure path names a folder: it changes into it and back to
// the working folder, which costs two round trips (and a PWD once per
// connection).
func (c *Conn) checkDir(ctx context.Context, path string) error {
	// Going there and back do not depend on each other (a refused CWD
	// leaves the folder as it was): one round trip when pipelining, two
	// when the folder to come back to must be asked first.
	home := c.pwd
	var there *Reply
	if home == "" {
		replies, err := c.Batch(ctx, "PWD", "CWD "+path)
		if err != nil {
			return err
		}
		if err := replies[0].Check("PWD", CodePathCreated); err != nil {
			return err
		}
		if home, err = parseQuotedPath(replies[0].Text()); err != nil {
			return protocolError("bad PWD reply", replies[0].Lines[0])
		}
		there = replies[1]
	}
	lines := []string{"CWD " + home}
	if there == nil {
		lines = []string{"CWD " + path, "CWD " + home}
	}
	replies, err := c.Batch(ctx, lines...)
	if err != nil {
		return err
	}
	if there == nil {
		there = replies[0]
	}
	if err := there.Check("CWD", 2); err != nil {
		if errors.Is(err, ErrPermanent) {
			return fmt.Errorf("LIST %s: %w: %w", safe.Line(path), ErrNotListable, err)
		}
		return err
	}
	if err := replies[len(replies)-1].Check("CWD", 2); err != nil {
		return err
	}
	c.pwd = home
	return nil
}

// Exists reports whether path names a file or folder: by MLST where the
// server offers it, else by SIZE (a file) and then CWD (a folder, after
// which the working folder is restored). A rename or upload that must not
// replace what is there asks this first.
func (c *Conn) Exists(ctx context.Context, path string) (bool, error) {
	if err := checkLine(path); err != nil {
		return false, err
	}
	if c.HasFeature("MLST") {
		_, err := c.MLST(ctx, path)
		if err == nil {
			return true, nil
		}
		if errors.Is(err, ErrPermanent) {
			return false, nil
		}
		return false, err
	}
	if _, err := c.Size(ctx, path); err == nil {
		return true, nil
	} else if !errors.Is(err, ErrPermanent) {
		return false, err
	}
	switch err := c.checkDir(ctx, path); {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotListable):
		return false, nil
	default:
		return false, err
	}
}
