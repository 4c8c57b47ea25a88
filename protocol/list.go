package protocol

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	sc := c.listParser.NewScanner(t, format)
	limit := orDefault(c.opts.MaxListingEntries, DefaultMaxListingEntries)
	n := 0
	var e listing.Entry // one variable for all: fn gets a pointer, which would escape per entry
	for sc.Scan() {
		e = sc.Entry()
		if e.Pseudo {
			continue
		}
		if n == limit {
			return nil, errors.Join(protocolError(fmt.Sprintf("listing longer than %d entries", limit), ""), t.Abort())
		}
		n++
		if err := fn(&e); err != nil {
			return nil, errors.Join(err, t.Abort())
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, listing.ErrLineTooLong) {
			err = protocolError(err.Error(), "")
		}
		return nil, errors.Join(err, t.Abort())
	}
	if err := t.Close(); err != nil {
		return nil, err
	}
	return &Listing{Bad: sc.Bad(), BadCount: sc.BadCount(), Format: sc.Detected()}, nil
}
