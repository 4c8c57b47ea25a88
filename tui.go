package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"ferry/bookmarks"
	"ferry/config"
	"ferry/panes"
	"ferry/protocol"
	"ferry/themes"
	"ferry/transfers"
	"ferry/ui"
)

// tui opens the full-screen interface: with a URL or -b NAME connected
// to it and the remote pane active, without one asking where to connect.
func (c *cli) tui(ctx context.Context, args []string) error {
	fs := c.flags("ferry")
	themeName := fs.String("theme", "", "colour theme: a built-in or a file in the themes directory")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 || (len(pos) == 1 && c.bookmark != "") {
		return usagef("ferry takes one URL or -b NAME")
	}
	cfg := ui.Config{Connect: c.connectRemote}
	switch {
	case c.bookmark != "":
		if _, err := c.bookmarkTarget(c.bookmark, ""); err != nil {
			return usageError{err.Error()}
		}
		cfg.Start = ui.Target{Bookmark: c.bookmark}
	case len(pos) == 1:
		if _, err := parseTarget(pos[0]); err != nil {
			return usageError{err.Error()}
		}
		cfg.Start = ui.Target{URL: pos[0]}
	}
	if err := c.applySettings(&cfg, *themeName); err != nil {
		return err
	}
	if c.debug {
		f, path, err := openDebugLog()
		if err != nil {
			return err
		}
		defer f.Close()
		defer fmt.Fprintf(c.stderr, "ferry: the FTP conversation was logged to %s\n", path)
		cfg.LogFile = f
		c.debug = false // the conversation goes to the file, not the screen
	}
	q, err := c.openQueue(&cfg)
	if err != nil {
		return err
	}
	defer q.Close()
	cfg.IsDark = lipgloss.HasDarkBackground(os.Stdin, os.Stdout)
	_, err = tea.NewProgram(ui.New(cfg), tea.WithContext(ctx)).Run()
	if err == tea.ErrProgramKilled && ctx.Err() != nil {
		return nil // interrupted by a signal
	}
	return err
}

// applySettings reads config.toml, the theme and the certificate store,
// printing their problems before the screen is taken over: ferry starts
// with defaults rather than refuse to start over a bad file.
func (c *cli) applySettings(cfg *ui.Config, themeFlag string) error {
	dir, err := config.Dir()
	if err != nil {
		return err
	}
	settings, f := config.Load(dir)
	if err := f.Err(); err != nil {
		fmt.Fprintf(c.stderr, "ferry: %v; using the default settings\n", err)
	}
	for _, w := range f.Warnings() {
		fmt.Fprintf(c.stderr, "ferry: warning: %v\n", w)
	}
	cfg.ShowHidden = settings.ShowHidden
	cfg.NoConfirmDelete = !settings.ConfirmDelete
	cfg.Keys = settings.Keys
	cfg.Sort = map[config.Sort]panes.SortKey{config.SortName: panes.ByName, config.SortSize: panes.BySize,
		config.SortTime: panes.ByTime, config.SortExtension: panes.ByExtension}[settings.Sort]
	c.parallel = settings.Parallel
	cfg.Editor = settings.Editor
	if cfg.Editor == "" {
		cfg.Editor = os.Getenv("VISUAL")
	}
	name := settings.Theme
	if themeFlag != "" {
		name = themeFlag
	}
	theme, warnings, err := themes.Load(name, filepath.Join(dir, themes.DirName))
	if err != nil {
		fmt.Fprintf(c.stderr, "ferry: %v; using the default theme\n", err)
	}
	for _, w := range warnings {
		fmt.Fprintf(c.stderr, "ferry: warning: %v\n", w)
	}
	cfg.Theme = theme
	cfg.Trust = c.trustStore()
	marks := bookmarks.Load(dir)
	marks.SetSecrets(c.keyring())
	if err := marks.Err(); err != nil {
		fmt.Fprintf(c.stderr, "ferry: %v; the site manager shows no bookmarks and will not change the file\n", err)
	}
	for _, w := range marks.Warnings() {
		fmt.Fprintf(c.stderr, "ferry: warning: %v\n", w)
	}
	cfg.Bookmarks = marks
	if path, err := ui.DefaultHistoryPath(); err == nil {
		cfg.History = path // without a home directory, the history lasts the session
	}
	return nil
}

// connectRemote is the UI's ConnectFunc: it uses the same URL, bookmark,
// flags, credentials and certificate rules as the command-line verbs.
func (c *cli) connectRemote(ctx context.Context, ut ui.Target, password string, log io.Writer) (ui.RemoteFS, error) {
	var t target
	var err error
	if ut.Bookmark != "" {
		t, err = c.bookmarkTarget(ut.Bookmark, "")
	} else {
		t, err = parseTarget(ut.URL)
	}
	if err != nil {
		return nil, err
	}
	opts, err := c.options(t)
	if err != nil {
		return nil, err
	}
	if ut.Pin != nil {
		opts = bookmarks.Pin(opts, ut.Pin)
		c.sessionPins.Store(ui.SiteOf(ut), ut.Pin)
	}
	opts.Debug, opts.DebugLevel = log, 1
	user, pass := t.User, password
	if password == "" {
		var found bool
		user, pass, found, err = c.storedCredentials(t)
		if err != nil {
			return nil, err
		}
		if !found && needsPassword(user) {
			return nil, c.needPassword(ut.Bookmark)
		}
	} else if t.Bookmark != nil && user == "" {
		user = t.Bookmark.User
	}
	dial := func(ctx context.Context) (*protocol.Conn, error) {
		conn, err := protocol.Dial(ctx, t.Addr(), opts)
		if err != nil {
			return nil, &ui.DialError{Addr: t.Addr(), Err: explainTLS(err)}
		}
		if err := conn.Login(ctx, user, pass); err != nil {
			conn.Close()
			return nil, fmt.Errorf("login to %s: %w", t.Host, err)
		}
		return conn, nil
	}
	conn, err := dial(ctx)
	if err != nil {
		return nil, err
	}
	// Whatever the login used (the URL's password, one typed, a stored
	// one), the queue's connections to this site use it too, for the
	// session only: it is kept in memory, never written.
	if pass != "" {
		c.sessionPasswords.Store(ui.SiteOf(ut), pass)
	}
	title := strings.TrimSuffix(t.withoutPath().String(), "/")
	verified := opts.Security != protocol.Plain && !opts.InsecureSkipVerify && !conn.TLSRefused()
	r, err := panes.NewRemote(conn, dial, title, t.Path, verified)
	if err != nil {
		conn.Close()
		return nil, err // not a typed nil inside the interface
	}
	if b := t.Bookmark; b != nil {
		if b.Parallel > 0 && c.queue != nil {
			c.queue.SetWorkers(b.Parallel)
		}
		c.applyBookmarkLimit(b)
		if b.LocalDir != "" {
			return bookmarkRemote{r, bookmarks.ExpandHome(b.LocalDir)}, nil
		}
	}
	return r, nil
}

// bookmarkRemote is a server connected through a bookmark that names the
// local folder to start in.
type bookmarkRemote struct {
	*panes.Remote
	localDir string
}

func (b bookmarkRemote) LocalStart() string { return b.localDir }

// openQueue makes the transfer queue the TUI enqueues copies and moves
// in, and loads what an earlier run left unfinished.
func (c *cli) openQueue(cfg *ui.Config) (*transfers.Queue, error) {
	statePath, err := transfers.DefaultStatePath()
	if err != nil {
		return nil, err
	}
	saved, err := transfers.Load(statePath)
	if err != nil {
		fmt.Fprintf(c.stderr, "ferry: warning: the saved transfer queue is unreadable (%v); it is not offered\n", err)
		saved = nil
	}
	limit, err := c.tuiRateLimiter()
	if err != nil {
		return nil, err
	}
	q := transfers.New(transfers.Options{Dial: c.dialSite, Workers: c.parallel, StatePath: statePath, Limit: limit})
	c.queue = q
	cfg.Queue, cfg.Saved = q, saved
	return q, nil
}

// dialSite opens a queue worker's connection to a site (ui.SiteOf: a URL
// without password, or a bookmark name), with the credentials and
// certificate trust of the session that connected to it.
func (c *cli) dialSite(ctx context.Context, site string) (*protocol.Conn, error) {
	var t target
	var err error
	if strings.Contains(site, "://") {
		t, err = parseTarget(site)
	} else {
		t, err = c.bookmarkTarget(site, "")
	}
	if err != nil {
		return nil, err
	}
	opts, err := c.options(t)
	if err != nil {
		return nil, err
	}
	if pin, ok := c.sessionPins.Load(site); ok {
		opts = bookmarks.Pin(opts, pin.([]byte))
	}
	user, pass, found, err := c.storedCredentials(t)
	if err != nil {
		return nil, err
	}
	if !found {
		p, ok := c.sessionPasswords.Load(site)
		if !ok && needsPassword(user) {
			return nil, fmt.Errorf("no password for %s: connect to it in a pane first", site)
		}
		if ok {
			pass = p.(string)
		}
		if t.Bookmark != nil && user == "" {
			user = t.Bookmark.User
		}
	}
	conn, err := protocol.Dial(ctx, t.Addr(), opts)
	if err != nil {
		return nil, explainTLS(err)
	}
	if err := conn.Login(ctx, user, pass); err != nil {
		conn.Close()
		return nil, fmt.Errorf("login to %s: %w", t.Host, err)
	}
	return conn, nil
}

// openDebugLog opens $XDG_STATE_HOME/ferry/debug.log for appending.
func openDebugLog() (*os.File, string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, "", err
		}
		dir = filepath.Join(home, ".local", "state")
	}
	dir = filepath.Join(dir, "ferry")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", err
	}
	path := filepath.Join(dir, "debug.log")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	return f, path, err
}
