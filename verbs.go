package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"ferry/internal/safe"
	"ferry/protocol/listing"
	"ferry/transfers"
)

// ls lists a remote directory, one entry per line: kind, size, time (UTC),
// name; with -l also permissions, owner and group. "." and ".." are left
// out; lines the parser did not understand are shown on stderr.
func (c *cli) ls(ctx context.Context, args []string) error {
	fs := c.flags("ls")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	pos = c.optionalRemote(pos, 1, "")
	if len(pos) != 1 {
		return usagef("ls takes one URL (or -b NAME and an optional path)")
	}
	t, err := c.target(pos[0])
	if err != nil {
		return usageError{err.Error()}
	}
	conn, err := c.connect(ctx, t)
	if err != nil {
		return err
	}
	defer conn.Quit(context.WithoutCancel(ctx))
	// Keep only each entry's printed line, not the whole Entry: a
	// directory of 100,000 files then takes a few MiB, not tens.
	type row struct{ key, line string }
	var rows []row
	var line bytes.Buffer
	w := bufio.NewWriter(&line)
	l, err := conn.ListFunc(ctx, t.Path, func(e *listing.Entry) error {
		writeEntry(w, e, c.opt.long)
		w.Flush()
		rows = append(rows, row{strings.Clone(e.RawName), line.String()}) // a clone: RawName would keep the whole raw line alive
		line.Reset()
		return nil
	})
	if err != nil {
		return fmt.Errorf("ls %s: %w", t, err)
	}
	slices.SortFunc(rows, func(a, b row) int { return strings.Compare(a.key, b.key) })
	out := bufio.NewWriter(c.stdout)
	for _, r := range rows {
		out.WriteString(r.line)
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if l.BadCount > 0 {
		fmt.Fprintf(c.stderr, "ferry: warning: %d listing lines not understood (format %s):\n", l.BadCount, l.Format)
		for _, b := range l.Bad {
			fmt.Fprintf(c.stderr, "  %q\n", b.Text)
		}
	}
	return nil
}

// writeEntry prints one listing entry in ls's format.
func writeEntry(w *bufio.Writer, e *listing.Entry, long bool) {
	switch e.Kind {
	case listing.File:
		w.WriteByte('-')
	case listing.Dir:
		w.WriteByte('d')
	case listing.Symlink:
		w.WriteByte('l')
	default:
		w.WriteByte('?')
	}
	if long {
		perm := "?????????"
		switch {
		case e.HasMode:
			perm = e.Mode.Perm().String()[1:]
		case e.Perm != "":
			perm = "perm=" + e.Perm
		}
		writePadded(w, perm, 9, false)
		w.WriteByte(' ')
		writePadded(w, orDash(safe.Line(e.Owner)), 8, false)
		w.WriteByte(' ')
		writePadded(w, orDash(safe.Line(e.Group)), 8, false)
	}
	size := "-"
	if e.Size >= 0 && e.Kind == listing.File {
		size = strconv.FormatInt(e.Size, 10)
	}
	w.WriteByte(' ')
	writePadded(w, size, 12, true)
	w.WriteString("  ")
	w.WriteString(formatTime(e))
	w.WriteString("  ")
	w.WriteString(e.Name)
	if e.Target != "" {
		w.WriteString(" -> ")
		w.WriteString(safe.Line(e.Target))
	}
	if e.Unsafe() {
		w.WriteString("  [unsafe name]")
	}
	w.WriteByte('\n')
}

// writePadded writes s padded with spaces to width, on the left when
// right-aligned.
func writePadded(w *bufio.Writer, s string, width int, right bool) {
	pad := max(width-len(s), 0)
	if right {
		w.WriteString(strings.Repeat(" ", pad))
	}
	w.WriteString(s)
	if !right {
		w.WriteString(strings.Repeat(" ", pad))
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// formatTime shows as much of the time as the listing gave.
func formatTime(e *listing.Entry) string {
	t := e.ModTime.UTC()
	switch e.Precision {
	case listing.TimeUnknown:
		return "-               "
	case listing.TimeDay:
		return t.Format("2006-01-02") + "      "
	}
	return t.Format("2006-01-02 15:04")
}

// get downloads one file (to a local file, or "-" for standard output).
func (c *cli) get(ctx context.Context, args []string) error {
	var tf treeFlags // --segments
	pos, err := parseArgs(c.flagSet("get", &tf), args)
	if err != nil {
		return err
	}
	if tf.segments < 0 || tf.segments > transfers.MaxSegments {
		return usagef("--segments must be 1 to %d", transfers.MaxSegments)
	}
	if len(pos) < 1 || len(pos) > 2 {
		return usagef("get takes a URL (or -b NAME and a path) and an optional local path")
	}
	t, err := c.target(pos[0])
	if err != nil {
		return usageError{err.Error()}
	}
	base := path.Base(t.Path)
	if t.Path == "" || strings.HasSuffix(t.Path, "/") || !safeLocalName(base) {
		return usagef("get needs a URL naming a file, not %q", t.Path)
	}
	local := base
	if len(pos) == 2 {
		local = pos[1]
		if st, err := os.Stat(local); err == nil && st.IsDir() {
			local = filepath.Join(local, base)
		}
	}
	limit, err := c.rateLimiter(t)
	if err != nil {
		return err
	}
	if local == "-" {
		conn, err := c.connect(ctx, t)
		if err != nil {
			return err
		}
		defer conn.Quit(context.WithoutCancel(ctx))
		// The size the server announces bounds the stream (protocol
		// fails a transfer that runs past it or stops short of it).
		if _, err := conn.Retrieve(ctx, t.Path, limit.Writer(ctx, c.stdout), 0); err != nil {
			return fmt.Errorf("get %s: %w", t, err)
		}
		return nil
	}
	// A file goes through the same download as the tree verbs: a partial
	// that is resumed only when proven to be of this file, the size and
	// the server's hash checked, the time kept, the umask honoured, and
	// nothing under the final name until all of that passed.
	abs, err := filepath.Abs(local)
	if err != nil {
		return err
	}
	spec := transfers.Spec{Site: t.String(), Direction: transfers.Download, Remote: t.Path,
		LocalRoot: filepath.Dir(abs), Local: filepath.Base(abs), Segments: tf.segments}
	return c.transfer(ctx, t, 1, transfers.Overwrite, spec)
}

// safeLocalName reports whether a remote base name can be used as a local
// file name without leaving the folder it is written to.
func safeLocalName(name string) bool {
	return name != "" && name != "." && name != ".." && name != "/" &&
		!strings.ContainsAny(name, "/\\\x00\r\n")
}

// put uploads one file. A URL ending in "/" names the directory to put
// the file in under its own name.
func (c *cli) put(ctx context.Context, args []string) error {
	fs := c.flags("put")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	pos = c.optionalRemote(pos, 2, "./")
	if len(pos) != 2 {
		return usagef("put takes a local file and a URL (or -b NAME and an optional path)")
	}
	t, err := c.target(pos[1])
	if err != nil {
		return usageError{err.Error()}
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return err
	} else if st.IsDir() {
		return fmt.Errorf("put: %s is a directory", pos[0])
	}
	remote := t.Path
	if remote == "" || strings.HasSuffix(remote, "/") {
		remote += filepath.Base(pos[0])
	}
	limit, err := c.rateLimiter(t)
	if err != nil {
		return err
	}
	conn, err := c.connect(ctx, t)
	if err != nil {
		return err
	}
	defer conn.Quit(context.WithoutCancel(ctx))
	if _, err := conn.Store(ctx, remote, limit.Reader(ctx, f), 0); err != nil {
		return fmt.Errorf("put %s: %w", t, err)
	}
	return nil
}
