package protocol

import (
	"context"
	"errors"
	"strings"

	"ferry/protocol/listing"
)

// ListLinksFunc is ListFunc over LIST even when the server offers MLSD.
// Some servers' MLSD facts describe what a symbolic link points to
// (pyftpdlib reports a link to a directory as type=dir), while LIST's
// mode column shows the link itself. Walks that must never follow a link,
// such as a recursive delete or chmod, list with this.
func (c *Conn) ListLinksFunc(ctx context.Context, path string, fn func(*listing.Entry) error) (*Listing, error) {
	if err := checkLine(path); err != nil {
		return nil, err
	}
	if path != "" { // LIST lists a file or a missing path as if a folder; see ListFunc
		if err := c.checkDir(ctx, path); err != nil {
			return nil, err
		}
	}
	if c.listDashA == dashARefused || strings.HasPrefix(path, "-") {
		return c.list(ctx, withArg("LIST", path), listing.LIST, fn)
	}
	// "-a" shows dot-files on servers that hide them (vsftpd). Some
	// servers take it for part of the path when a path follows
	// (pyftpdlib), so a refusal is retried without it, whatever worked
	// before.
	l, err := c.list(ctx, withArg("LIST -a", path), listing.LIST, fn)
	if err == nil || !errors.Is(err, ErrPermanent) {
		return l, err
	}
	l, err2 := c.list(ctx, withArg("LIST", path), listing.LIST, fn)
	if err2 == nil {
		c.listDashA = dashARefused
		c.logf("LIST -a %s refused (%v); listing without -a", path, err)
	}
	return l, err2
}
