package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"ferry/filemode"
	"ferry/internal/safe"
	"ferry/protocol"
	"ferry/protocol/listing"
	"ferry/transfers"
)

// The file verbs (rm, mkdir, mv, chmod, cat, stat, quote) take URLs, or
// with -b NAME paths on a bookmark's server, with the same TLS, trust
// and password rules as ls. A verb given several URLs on one server logs
// in once. Whatever the server sends that is printed (names, replies) is
// shown with control characters escaped, so it cannot drive the terminal.

// session is one logged-in connection and the directory it started in.
type session struct {
	conn *protocol.Conn
	home string // PWD after login, to return to after probing with CWD
}

// sessions keeps one session per server for a verb that takes several
// URLs. The caller must close it.
type sessions struct {
	c    *cli
	open map[string]*session
}

func (c *cli) sessions() *sessions { return &sessions{c: c, open: map[string]*session{}} }

// get returns the session for t's server, logging in on first use.
func (s *sessions) get(ctx context.Context, t target) (*session, error) {
	key := t.withoutPath().String() + " " + t.Security.String()
	if ss, ok := s.open[key]; ok {
		return ss, nil
	}
	conn, err := s.c.connect(ctx, t)
	if err != nil {
		return nil, err
	}
	home, err := conn.CurrentDir(ctx)
	if err != nil {
		conn.Quit(context.WithoutCancel(ctx))
		return nil, err
	}
	ss := &session{conn: conn, home: home}
	s.open[key] = ss
	return ss, nil
}

func (s *sessions) close(ctx context.Context) {
	for _, ss := range s.open {
		ss.conn.Quit(context.WithoutCancel(ctx))
	}
}

// remoteTargets parses a verb's remote arguments (URLs, or paths with -b).
func (c *cli) remoteTargets(args []string) ([]target, error) {
	var ts []target
	for _, a := range args {
		t, err := c.target(a)
		if err != nil {
			return nil, usageError{err.Error()}
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// show makes a path or text from the server safe to print on one line.
func show(s string) string { return safe.Line(s) }

// isDir reports whether p is a directory (or a link to one) on the
// server: CWD into it succeeds. The session returns to its home after.
func (ss *session) isDir(ctx context.Context, p string) (bool, error) {
	if p == "" || p == "/" {
		return true, nil
	}
	if err := ss.conn.ChangeDir(ctx, p); err != nil {
		if errors.Is(err, protocol.ErrPermanent) {
			return false, nil
		}
		return false, err
	}
	return true, ss.conn.ChangeDir(ctx, ss.home)
}

// lookup returns the entry for p from its parent directory's LIST,
// which every server offers and which tells a link from what it points
// to (MLSD does not on every server).
func (ss *session) lookup(ctx context.Context, p string) (listing.Entry, error) {
	p = path.Clean(p)
	if p == "." || p == "/" || p == ".." || strings.HasSuffix(p, "/..") {
		return listing.Entry{}, fmt.Errorf("%s: a directory without a parent here; name the file itself", show(p))
	}
	parent, name := path.Split(p)
	if parent != "/" {
		parent = strings.TrimSuffix(parent, "/")
	}
	var found *listing.Entry
	_, err := ss.conn.ListLinksFunc(ctx, parent, func(e *listing.Entry) error {
		if found == nil && e.RawName == name {
			c := *e
			found = &c
		}
		return nil
	})
	if err != nil {
		return listing.Entry{}, fmt.Errorf("listing the folder of %s: %w", show(p), err)
	}
	if found == nil {
		return listing.Entry{}, fmt.Errorf("%s: no such file or directory", show(p))
	}
	return *found, nil
}

// sendable reports whether a listed name can be sent back as part of a
// path: no separators, no line breaks, not "." or "..".
func sendable(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, "/\r\n\x00")
}

// children lists a directory's entries other than "." and "..", links
// as links, refusing names that cannot be sent back to the server.
func (ss *session) children(ctx context.Context, dir string) ([]listing.Entry, error) {
	var out []listing.Entry
	_, err := ss.conn.ListLinksFunc(ctx, dir, func(e *listing.Entry) error {
		if e.Pseudo {
			return nil
		}
		if !sendable(e.RawName) {
			return fmt.Errorf("%s holds %q, a name that cannot be sent back to the server", show(dir), e.Name)
		}
		out = append(out, *e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", show(dir), err)
	}
	return out, nil
}

// rm removes files, and with -r directories with what they hold.
func (c *cli) rm(ctx context.Context, args []string) error {
	pos, err := c.verbArgs("rm", args)
	if err != nil {
		return err
	}
	for _, a := range pos {
		if b := path.Base(strings.TrimRight(a, "/")); b == "." || b == ".." {
			return usagef("rm: refusing to remove %q: it names a directory by . or .., name it itself", a)
		}
	}
	ts, err := c.remoteTargets(pos)
	if err != nil {
		return err
	}
	ss := c.sessions()
	defer ss.close(ctx)
	var failed error
	for _, t := range ts {
		if err := c.rmOne(ctx, ss, t); err != nil {
			failed = errors.Join(failed, err)
		}
	}
	return failed
}

func (c *cli) rmOne(ctx context.Context, ss *sessions, t target) error {
	p := cleanRemote(t.Path)
	if clean := path.Clean("/" + p); p == "" || clean == "/" || path.Base(p) == "." || path.Base(p) == ".." {
		return fmt.Errorf("rm %s: refusing to remove the login or root directory", t)
	}
	s, err := ss.get(ctx, t)
	if err != nil {
		return err
	}
	if !c.opt.recursive {
		if err := s.conn.Delete(ctx, p); err != nil {
			if e, lerr := s.lookup(ctx, p); lerr == nil && e.Kind == listing.Dir {
				return fmt.Errorf("rm %s: is a directory (rm -r removes it and what it holds)", t)
			}
			return fmt.Errorf("rm %s: %w", t, err)
		}
		c.removed(p)
		return nil
	}
	e, err := s.lookup(ctx, p)
	if err != nil {
		return fmt.Errorf("rm %s: %w", t, err)
	}
	if e.Kind == listing.Dir && !c.opt.force && c.stdinTerminal {
		ok, err := c.confirm(fmt.Sprintf("remove the directory %s and everything in it?", show(t.String())))
		if err != nil || !ok {
			return errors.Join(fmt.Errorf("rm %s: not removed", t), err)
		}
	}
	if err := c.removeTree(ctx, s, p, e, 0); err != nil {
		return fmt.Errorf("rm %s: %w", t, err)
	}
	return nil
}

// maxTreeDepth bounds how deep rm -r and chmod -R descend, as the
// transfer queue's walks are bounded: a server whose folders contain
// themselves must not recurse without end.
const maxTreeDepth = transfers.DefaultMaxDepth

// removeTree removes p, and when it is a directory everything in it,
// deepest first. Links are removed with DELE like files: the listing
// says they are links, and they are never listed into.
func (c *cli) removeTree(ctx context.Context, s *session, p string, e listing.Entry, depth int) error {
	if e.Kind != listing.Dir {
		if err := s.conn.Delete(ctx, p); err != nil {
			return fmt.Errorf("%s: %w", show(p), err)
		}
		c.removed(p)
		return nil
	}
	if depth >= maxTreeDepth {
		return fmt.Errorf("%s was not removed: deeper than %d folders", show(p), maxTreeDepth)
	}
	kids, err := s.children(ctx, p)
	if err != nil {
		return fmt.Errorf("%s was not removed: %w", show(p), err)
	}
	for _, k := range kids {
		if err := c.removeTree(ctx, s, path.Join(p, k.RawName), k, depth+1); err != nil {
			return err
		}
	}
	if err := s.conn.RemoveDir(ctx, p); err != nil {
		return fmt.Errorf("%s: %w", show(p), err)
	}
	c.removed(p)
	return nil
}

// removed reports a removal with -v, as rm -v does.
func (c *cli) removed(p string) {
	if c.opt.verbose {
		fmt.Fprintf(c.stdout, "removed %s\n", show(p))
	}
}

// confirm asks a yes/no question on the terminal; only "y" or "yes" is
// yes.
func (c *cli) confirm(question string) (bool, error) {
	fmt.Fprintf(c.stderr, "ferry: %s [y/N] ", question)
	if c.stdinLines == nil {
		c.stdinLines = bufio.NewReader(c.stdin)
	}
	line, err := c.stdinLines.ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// mkdir creates directories, with -p their missing parents too.
func (c *cli) mkdir(ctx context.Context, args []string) error {
	ts, err := c.verbTargets("mkdir", args)
	if err != nil {
		return err
	}
	ss := c.sessions()
	defer ss.close(ctx)
	var failed error
	for _, t := range ts {
		p := cleanRemote(t.Path)
		if p == "" || p == "/" {
			if c.opt.parents {
				continue // it exists
			}
			failed = errors.Join(failed, usagef("mkdir %s: name a directory to create", t))
			continue
		}
		s, err := ss.get(ctx, t)
		if err != nil {
			return err
		}
		if c.opt.parents {
			err = s.mkdirAll(ctx, p)
		} else {
			_, err = s.conn.MakeDir(ctx, p)
		}
		if err != nil {
			failed = errors.Join(failed, fmt.Errorf("mkdir %s: %w", t, err))
		}
	}
	return failed
}

// mkdirAll creates p and its missing parents; existing directories are
// fine.
func (s *session) mkdirAll(ctx context.Context, p string) error {
	prefix := ""
	if strings.HasPrefix(p, "/") {
		prefix = "/"
	}
	for _, part := range strings.Split(strings.Trim(p, "/"), "/") {
		if part == "" || part == "." {
			continue
		}
		prefix = path.Join(prefix, part)
		dir, err := s.isDir(ctx, prefix)
		if err != nil {
			return err
		}
		if dir {
			continue
		}
		if _, err := s.conn.MakeDir(ctx, prefix); err != nil {
			return fmt.Errorf("%s: %w", show(prefix), err)
		}
	}
	return nil
}

// mv renames a file or directory on its server; NEWPATH is a path on the
// same server.
func (c *cli) mv(ctx context.Context, args []string) error {
	pos, err := parseArgs(c.flags("mv"), args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("mv takes a URL (or -b NAME and a path) and a new path on the same server")
	}
	t, err := c.target(pos[0])
	if err != nil {
		return usageError{err.Error()}
	}
	to := pos[1]
	if strings.ContainsAny(to, "\r\n\x00") {
		return usagef("mv: the new path contains a line break or NUL")
	}
	if strings.Contains(to, "://") {
		return usagef("mv: NEWPATH is a path on the same server, not a URL")
	}
	if t.Bookmark != nil {
		to = t.Bookmark.RemotePath(to)
	}
	from := cleanRemote(t.Path)
	if from == "" || from == "/" {
		return usagef("mv: name the file or directory to move")
	}
	s, err := (c.sessions()).get(ctx, t)
	if err != nil {
		return err
	}
	defer s.conn.Quit(context.WithoutCancel(ctx))
	into := strings.HasSuffix(to, "/")
	if !into {
		if into, err = s.isDir(ctx, to); err != nil {
			return err
		}
	}
	if into {
		to = path.Join(cleanRemote(to), path.Base(from))
	}
	// Servers replace an existing file on RNTO without a word; mv does
	// so only when told, as the file manager asks first.
	if !c.opt.force {
		exists, err := s.conn.Exists(ctx, to)
		if err != nil {
			return fmt.Errorf("mv %s: checking %s: %w", t, show(to), err)
		}
		if exists {
			return fmt.Errorf("mv %s: %s exists; mv -f replaces it", t, show(to))
		}
	}
	if err := s.conn.Rename(ctx, from, to); err != nil {
		return fmt.Errorf("mv %s to %s: %w", t, show(to), err)
	}
	return nil
}

// chmod sets permissions: MODE is octal or symbolic (u+x), and -R
// descends into directories, leaving links alone.
func (c *cli) chmod(ctx context.Context, args []string) error {
	fset := c.flags("chmod")
	// A mode such as -w or -x looks like a flag; take it as the mode,
	// as chmod(1) does.
	var modeArg string
	for i, a := range args {
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "-") && fset.Lookup(strings.TrimLeft(a, "-")) == nil {
			if _, err := filemode.Parse(a); err == nil {
				modeArg = a
				args = append(args[:i:i], args[i+1:]...)
				break
			}
		}
	}
	pos, err := parseArgs(fset, args)
	if err != nil {
		return err
	}
	if modeArg == "" && len(pos) > 0 {
		modeArg, pos = pos[0], pos[1:]
	}
	if modeArg == "" || len(pos) == 0 {
		return usagef("chmod takes a MODE and one or more URLs (or -b NAME and paths)")
	}
	mode, err := filemode.Parse(modeArg)
	if err != nil {
		return usageError{err.Error()}
	}
	ts, err := c.remoteTargets(pos)
	if err != nil {
		return err
	}
	ss := c.sessions()
	defer ss.close(ctx)
	var failed error
	for _, t := range ts {
		s, err := ss.get(ctx, t)
		if err != nil {
			return err
		}
		p := cleanRemote(t.Path)
		var e listing.Entry
		if mode.NeedsCurrent() || c.opt.recursive {
			if e, err = s.lookup(ctx, p); err != nil {
				failed = errors.Join(failed, fmt.Errorf("chmod %s: %w", t, err))
				continue
			}
		}
		if err := c.chmodTree(ctx, s, p, e, mode, 0); err != nil {
			failed = errors.Join(failed, fmt.Errorf("chmod %s: %w", t, err))
		}
	}
	return failed
}

// chmodTree applies mode to p (whose listing entry is e when the mode or
// -R needs it), then with -R to everything below it.
func (c *cli) chmodTree(ctx context.Context, s *session, p string, e listing.Entry, mode filemode.Mode, depth int) error {
	if c.opt.recursive && e.Kind == listing.Symlink {
		return nil
	}
	var cur fs.FileMode
	if mode.NeedsCurrent() {
		if !e.HasMode {
			return fmt.Errorf("%s: the server does not list its permissions, which %s changes; give an octal mode", show(p), mode)
		}
		cur = e.Mode
	}
	if err := s.conn.Chmod(ctx, p, mode.Apply(cur, e.Kind == listing.Dir)); err != nil {
		return fmt.Errorf("%s: %w", show(p), err)
	}
	if !c.opt.recursive || e.Kind != listing.Dir {
		return nil
	}
	if depth >= maxTreeDepth {
		return fmt.Errorf("%s: deeper than %d folders; not descending", show(p), maxTreeDepth)
	}
	kids, err := s.children(ctx, p)
	if err != nil {
		return err
	}
	for _, k := range kids {
		if err := c.chmodTree(ctx, s, path.Join(p, k.RawName), k, mode, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// cat writes remote files to stdout.
func (c *cli) cat(ctx context.Context, args []string) error {
	ts, err := c.verbTargets("cat", args)
	if err != nil {
		return err
	}
	ss := c.sessions()
	defer ss.close(ctx)
	for _, t := range ts {
		s, err := ss.get(ctx, t)
		if err != nil {
			return err
		}
		if _, err := s.conn.Retrieve(ctx, t.Path, c.stdout, 0); err != nil {
			return fmt.Errorf("cat %s: %w", t, err)
		}
	}
	return nil
}

// stat shows what the server tells about one path: from MLST when it
// offers it (with every fact), else from its parent's listing.
func (c *cli) stat(ctx context.Context, args []string) error {
	pos, err := parseArgs(c.flags("stat"), args)
	if err != nil {
		return err
	}
	pos = c.optionalRemote(pos, 1, "")
	if len(pos) != 1 {
		return usagef("stat takes one URL (or -b NAME and a path)")
	}
	t, err := c.target(pos[0])
	if err != nil {
		return usageError{err.Error()}
	}
	s, err := (c.sessions()).get(ctx, t)
	if err != nil {
		return err
	}
	defer s.conn.Quit(context.WithoutCancel(ctx))
	p := cleanRemote(t.Path)
	// The parent's LIST tells a link from its target and has the mode
	// on every Unix server; MLST adds exact times and its facts.
	e, lerr := s.lookup(ctx, p)
	var facts []string
	if s.conn.HasFeature("MLST") {
		line, err := s.conn.MLST(ctx, p)
		if err != nil {
			return fmt.Errorf("stat %s: %w", t, err)
		}
		m, err := listing.ParseMLSx(line)
		if err != nil {
			return fmt.Errorf("stat %s: the server's MLST reply %q: %w", t, show(line), err)
		}
		factText, _, _ := strings.Cut(line, " ")
		for _, f := range strings.Split(factText, ";") {
			if f != "" {
				facts = append(facts, f)
			}
		}
		sort.Strings(facts)
		e = mergeStat(e, m, lerr == nil)
	} else if lerr != nil {
		// The login or root directory has no parent listing to be found
		// in; that it is a directory is all such a server can tell.
		if dir, err := s.isDir(ctx, p); err != nil || !dir || (p != "" && p != "/") {
			return fmt.Errorf("stat %s: %w", t, lerr)
		}
		e = listing.Entry{Kind: listing.Dir, Size: -1}
	}
	writeStat(bufio.NewWriter(c.stdout), t, e, facts)
	return nil
}

// mergeStat combines what LIST said of a path (l, when listed) with its
// MLST entry m: the kind, mode, owner and link target from LIST, which
// shows links as links, the rest from MLST, which is more precise.
func mergeStat(l, m listing.Entry, listed bool) listing.Entry {
	if !listed {
		return m
	}
	if l.Kind != listing.Symlink {
		l.Kind = m.Kind
	}
	if m.Size >= 0 {
		l.Size = m.Size
	}
	if m.Precision >= l.Precision {
		l.ModTime, l.Precision = m.ModTime, m.Precision
	}
	if m.HasMode {
		l.Mode, l.HasMode = m.Mode, true
	}
	l.Perm = m.Perm
	if m.Owner != "" {
		l.Owner = m.Owner
	}
	if m.Group != "" {
		l.Group = m.Group
	}
	return l
}

// writeStat prints one entry as "key: value" lines.
func writeStat(w *bufio.Writer, t target, e listing.Entry, facts []string) {
	row := func(k, v string) { fmt.Fprintf(w, "%-12s %s\n", k+":", v) }
	row("url", show(t.String()))
	row("type", e.Kind.String())
	if e.Size >= 0 {
		row("size", fmt.Sprint(e.Size))
	}
	if e.Precision != listing.TimeUnknown {
		row("modified", formatStatTime(e))
	}
	switch {
	case e.HasMode:
		row("permissions", e.Mode.Perm().String()[1:]+" ("+filemode.Octal(e.Mode)+")")
	}
	if e.Perm != "" {
		row("access", "perm="+show(e.Perm)+" (RFC 3659: what this login may do)")
	}
	if e.Owner != "" {
		row("owner", show(e.Owner))
	}
	if e.Group != "" {
		row("group", show(e.Group))
	}
	if e.Target != "" {
		row("link to", show(e.Target))
	}
	for i, f := range facts {
		k := ""
		if i == 0 {
			k = "facts"
		}
		fmt.Fprintf(w, "%-12s %s\n", k, show(f))
	}
	w.Flush()
}

func formatStatTime(e listing.Entry) string {
	t := e.ModTime.UTC()
	switch e.Precision {
	case listing.TimeDay:
		return t.Format("2006-01-02") + " UTC"
	case listing.TimeMinute:
		return t.Format("2006-01-02 15:04") + " UTC"
	}
	return t.Format("2006-01-02 15:04:05") + " UTC"
}

// quote sends one raw command after login and prints the reply as it
// came. A 4xx or 5xx reply makes the exit status 1. Flags end where the
// command starts: what follows is the command's, "-l" included.
func (c *cli) quote(ctx context.Context, args []string) error {
	fset := c.flags("quote")
	var rawURL string
	rest := args
	for {
		if err := fset.Parse(rest); err != nil {
			return flagError(fset, err)
		}
		rest = fset.Args()
		if c.bookmark != "" || rawURL != "" || len(rest) == 0 {
			break
		}
		rawURL, rest = rest[0], rest[1:]
	}
	if len(rest) == 0 || (c.bookmark == "" && rawURL == "") {
		return usagef("quote takes a URL (or -b NAME) and a COMMAND with its arguments")
	}
	var t target
	var err error
	if c.bookmark != "" {
		t, err = c.bookmarkTarget(c.bookmark, "")
	} else {
		t, err = parseTarget(rawURL)
	}
	if err != nil {
		return usageError{err.Error()}
	}
	line := strings.Join(rest, " ")
	if strings.ContainsAny(line, "\r\n\x00") {
		return usagef("quote: the command contains a line break or NUL")
	}
	conn, err := c.connect(ctx, t)
	if err != nil {
		return err
	}
	defer conn.Quit(context.WithoutCancel(ctx))
	r, err := conn.Cmd(ctx, line)
	if r != nil {
		w := bufio.NewWriter(c.stdout)
		for _, l := range r.Lines {
			w.WriteString(show(l))
			w.WriteByte('\n')
		}
		if ferr := w.Flush(); ferr != nil {
			return ferr
		}
	}
	var fe *protocol.Error
	if errors.As(err, &fe) {
		return quietError{} // the reply, printed above, says why
	}
	return err
}

// verbArgs parses a file verb's flags and returns its arguments: one or
// more URLs (or, with -b NAME, paths).
func (c *cli) verbArgs(verb string, args []string) ([]string, error) {
	pos, err := parseArgs(c.flags(verb), args)
	if err != nil {
		return nil, err
	}
	if len(pos) == 0 {
		return nil, usagef("%s takes one or more URLs (or -b NAME and paths)", verb)
	}
	return pos, nil
}

// verbTargets is verbArgs made into targets.
func (c *cli) verbTargets(verb string, args []string) ([]target, error) {
	pos, err := c.verbArgs(verb, args)
	if err != nil {
		return nil, err
	}
	return c.remoteTargets(pos)
}
