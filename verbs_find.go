package main

import (
	"bufio"
	"context"
	"fmt"
	"path"

	"ferry/panes"
	"ferry/protocol"
	"ferry/protocol/listing"
)

// find searches a remote tree for names matching a shell pattern and
// prints one path a line (folders end in "/"), in the form the URL gave:
// relative to the login folder unless it was absolute. Links are listed
// but not followed. Folders that cannot be listed are named on stderr and
// make the exit status 1, as find(1) does; no match is not an error.
func (c *cli) find(ctx context.Context, args []string) error {
	fs := c.flags("find")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if c.bookmark != "" && len(pos) == 1 {
		pos = []string{"", pos[0]} // -b NAME GLOB: the bookmark's folder
	}
	if len(pos) != 2 {
		return usagef("find takes a URL and a name pattern (or -b NAME [PATH] PATTERN)")
	}
	glob := pos[1]
	if _, err := path.Match(glob, ""); err != nil || glob == "" {
		return usagef("find: %q is not a name pattern (such as *.log)", glob)
	}
	t, err := c.target(pos[0])
	if err != nil {
		return usageError{err.Error()}
	}
	conn, err := c.connect(ctx, t)
	if err != nil {
		return err
	}
	dial := func(ctx context.Context) (*protocol.Conn, error) { return c.connect(ctx, t) }
	r, err := panes.NewRemote(conn, dial, "", "", false)
	if err != nil {
		conn.Close()
		return err
	}
	defer r.Close()
	root := t.Path
	if root == "" {
		root = "."
	}
	out := bufio.NewWriter(c.stdout)
	defer out.Flush()
	unreadable := 0
	err = panes.Walk(ctx, r, root, func(dir string, e *listing.Entry) error {
		if ok, _ := path.Match(glob, e.Name); !ok {
			return nil
		}
		p := path.Join(dir, e.Name)
		if e.Kind == listing.Dir {
			p += "/"
		}
		_, err := fmt.Fprintln(out, p)
		return err
	}, func(dir string, err error) {
		out.Flush()
		unreadable++
		fmt.Fprintf(c.stderr, "ferry: find: %s: %v\n", dir, err)
	})
	if err != nil {
		return fmt.Errorf("find %s: %w", t, err)
	}
	if unreadable > 0 {
		return fmt.Errorf("find: %d folder(s) could not be listed", unreadable)
	}
	return nil
}
