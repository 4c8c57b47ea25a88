package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"ferry/bookmarks"
	"ferry/config"
	"ferry/panes"
	"ferry/protocol"
	"ferry/site"
	"ferry/themes"
	"ferry/transfers"
	"ferry/ui"
)

// tuiMaxParallel is how far the full-screen interface's queue grows by
// itself: it shares the server with the panes' browsing connection.
const tuiMaxParallel = 4

// tui opens the full-screen interface: with a URL or -b NAME connected
// to it and the remote pane active, without one asking where to connect.
func (c *cli) tui(ctx context.Context, args []string) error {
	fs := c.flags("")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 || (len(pos) == 1 && c.bookmark != "") {
		return usagef("ferry takes one URL or -b NAME")
	}
	cfg := ui.Config{Connect: c.connectRemote, FXP: c.opt.fxp,
		SiteNeedsPassword: c.siteNeedsPassword, SetSitePassword: c.setSitePassword}
	switch {
	case c.bookmark != "":
		if _, err := c.bookmarkTarget(c.bookmark, ""); err != nil {
			return usageError{err.Error()}
		}
		cfg.Start = ui.Target{Bookmark: c.bookmark}
	case len(pos) == 1:
		t, err := parseTarget(pos[0])
		if err != nil {
			return usageError{err.Error()}
		}
		if t.HasPass {
			c.passwordHint() // now: the screen is about to be taken over
		}
		cfg.Start = ui.Target{URL: pos[0]}
	}
	if err := c.applySettings(&cfg, c.opt.theme); err != nil {
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
	defer func() {
		q.Close() // saves the queue, then the lock on it ends
		if c.releaseState != nil {
			c.releaseState()
		}
	}()
	cfg.IsDark = lipgloss.HasDarkBackground(os.Stdin, os.Stdout)
	if os.Getenv("GOMEMLIMIT") == "" {
		cfg.Listed = memoryBudget
		memoryBudget(0)
	}
	_, err = tea.NewProgram(ui.New(cfg), tea.WithContext(ctx)).Run()
	if err == tea.ErrProgramKilled && ctx.Err() != nil {
		return nil // interrupted by a signal
	}
	return err
}

// memoryBudget sets the Go runtime's soft memory limit for panes holding
// entries listing entries. A listing is parsed from many short-lived
// strings (about 1 KiB of garbage an entry), and with the default pacing
// the heap grows to twice what is kept before the collector runs: a
// folder of 100,000 entries took 85 MB. The limit makes the collector
// run before that, while leaving room above what the entries keep (about
// 250 bytes each) so that a bigger folder raises it rather than making
// the collector run all the time. GOMEMLIMIT, when set, is used instead.
func memoryBudget(entries int) {
	const floor, base, perEntry = 32 << 20, 8 << 20, 320
	debug.SetMemoryLimit(max(floor, base+int64(entries)*perEntry))
}

// applySettings reads config.toml, the theme and the certificate store.
// Their problems are printed and also handed to the UI (cfg.Warnings),
// which shows them once the screen is up, since the alternate screen
// hides what was printed before it: ferry starts with defaults rather
// than refuse to start over a bad file.
func (c *cli) applySettings(cfg *ui.Config, themeFlag string) error {
	dir, err := config.Dir()
	if err != nil {
		return err
	}
	warn := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		fmt.Fprintf(c.stderr, "ferry: %s\n", msg)
		cfg.Warnings = append(cfg.Warnings, msg)
	}
	settings, f := config.Load(dir)
	if err := f.Err(); err != nil {
		warn("%v; using the default settings", err)
	}
	for _, w := range f.Warnings() {
		warn("warning: %v", w)
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
		warn("%v; using the default theme", err)
	}
	for _, w := range warnings {
		warn("warning: %v", w)
	}
	cfg.Theme = theme
	cfg.Trust = c.trustStore()
	marks := bookmarks.Load(dir)
	marks.SetSecrets(c.keyring())
	if err := marks.Err(); err != nil {
		warn("%v; the site manager shows no bookmarks and will not change the file", err)
	}
	for _, w := range marks.Warnings() {
		warn("warning: %v", w)
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
	s, err := c.tuiSite(t, ui.SiteOf(ut))
	if err != nil {
		return nil, err
	}
	if ut.Pin != nil {
		s.Options = bookmarks.Pin(s.Options, ut.Pin)
	}
	if password != "" {
		user := t.User
		if t.Bookmark != nil && user == "" {
			user = t.Bookmark.User
		}
		s.SetPassword(user, password)
	}
	if _, _, err := s.Login(ctx); err != nil {
		return nil, err
	}
	dial := func(ctx context.Context) (*protocol.Conn, error) {
		conn, err := s.OpenLogged(ctx, log, 1)
		var le *site.LoginError
		if err != nil && !errors.As(err, &le) {
			return nil, &ui.DialError{Addr: t.Addr(), Err: explainTLS(err)}
		}
		return conn, err
	}
	conn, err := dial(ctx)
	if err != nil {
		return nil, err
	}
	// The queue's connections to this site use the same login and trust
	// (a URL's password, one typed, a certificate trusted once), for the
	// session only: the site lives in memory, never written.
	c.sites.Add(s)
	opts := s.Options
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
		if b.LocalDir != "" || b.FXP {
			return bookmarkRemote{r, bookmarks.ExpandHome(b.LocalDir), b.FXP}, nil
		}
	}
	return r, nil
}

// bookmarkRemote is a server connected through a bookmark that names the
// local folder to start in.
type bookmarkRemote struct {
	*panes.Remote
	localDir string
	fxp      bool
}

func (b bookmarkRemote) LocalStart() string { return b.localDir }

// FXP reports the bookmark's fxp setting (see ui.Config.FXP).
func (b bookmarkRemote) FXP() bool { return b.fxp }

// openQueue makes the transfer queue the TUI enqueues copies and moves
// in, and loads what an earlier run left unfinished.
func (c *cli) openQueue(cfg *ui.Config) (*transfers.Queue, error) {
	statePath, err := transfers.DefaultStatePath()
	if err != nil {
		return nil, err
	}
	var saved []transfers.Saved
	switch release, err := transfers.LockState(statePath); {
	case err != nil:
		// Another ferry owns the saved queue (or it cannot be locked):
		// this one neither offers nor overwrites it.
		msg := fmt.Sprintf("warning: the transfer queue is not saved in this session: %v", err)
		fmt.Fprintf(c.stderr, "ferry: %s\n", msg)
		cfg.Warnings = append(cfg.Warnings, msg)
		statePath = ""
	default:
		c.releaseState = release
		saved, err = transfers.Load(statePath)
		if err != nil {
			msg := fmt.Sprintf("warning: the saved transfer queue is unreadable (%v); it is not offered", err)
			fmt.Fprintf(c.stderr, "ferry: %s\n", msg)
			cfg.Warnings = append(cfg.Warnings, msg)
			saved = nil
		}
	}
	c.sites.Resolve = c.resolveSite
	partials, err := transfers.DefaultPartialsDir()
	if err != nil {
		return nil, err
	}
	limit, err := c.tuiRateLimiter()
	if err != nil {
		return nil, err
	}
	// The queue adds connections while many small files wait, up to 4
	// (or config.toml's parallel when higher); a server that refuses one
	// sets the limit lower.
	q := transfers.New(transfers.Options{Dial: c.dialSite, Workers: c.parallel, MaxParallel: max(c.parallel, tuiMaxParallel), StatePath: statePath, PartialsDir: partials, Limit: limit})
	c.queue = q
	cfg.Queue, cfg.Saved = q, saved
	return q, nil
}

// dialSite opens a queue worker's connection to a site (ui.SiteOf: a URL
// without password, or a bookmark name), through the site a pane opened
// with its login and trust; a site no pane opened this session (a job saved
// by an earlier one) uses the stored credentials only.
func (c *cli) dialSite(ctx context.Context, key string) (*protocol.Conn, error) {
	conn, err := c.sites.Dial(ctx, key)
	var le *site.LoginError
	if err != nil && !errors.As(err, &le) {
		err = explainTLS(err)
	}
	return conn, err
}

// resolveSite makes the site of a key saved by an earlier session.
func (c *cli) resolveSite(key string) (*site.Site, error) {
	var t target
	var err error
	if strings.Contains(key, "://") {
		t, err = parseTarget(key)
	} else {
		t, err = c.bookmarkTarget(key, "")
	}
	if err != nil {
		return nil, err
	}
	return c.tuiSite(t, key)
}

// tuiSite is the site of a target for the file manager: like the verbs',
// but it never prompts on the terminal (the screen is the file manager's):
// without a stored password it asks the UI for one (ui.ErrNeedPassword).
func (c *cli) tuiSite(t target, key string) (*site.Site, error) {
	s, err := c.site(t)
	if err != nil {
		return nil, err
	}
	s.Key = key
	s.TLSRefused = nil // the status line shows it
	s.Password = func(context.Context) (string, string, error) {
		user, pass, found, err := c.storedCredentials(t)
		if err != nil {
			return "", "", err
		}
		if !found && needsPassword(user) {
			name := ""
			if t.Bookmark != nil {
				name = key
			}
			return "", "", c.needPassword(name)
		}
		if t.Bookmark != nil && user == "" {
			user = t.Bookmark.User
		}
		return user, pass, nil
	}
	return s, nil
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

// siteNeedsPassword tells whether a site (as saved jobs name it) has no
// password this session: none stored, none typed.
func (c *cli) siteNeedsPassword(key string) bool {
	s, err := c.sites.Get(key)
	if err != nil {
		return false // the job fails with the reason when it runs
	}
	_, _, err = s.Login(context.Background())
	return errors.Is(err, ui.ErrNeedPassword)
}

// setSitePassword gives a site the password typed for it, for the
// session.
func (c *cli) setSitePassword(key, password string) {
	if s, err := c.sites.Get(key); err == nil {
		s.SetPassword("", password)
	}
}
