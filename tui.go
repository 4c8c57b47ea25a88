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

	"ferry/panes"
	"ferry/protocol"
	"ferry/ui"
)

// tui opens the full-screen interface: with a URL connected to it and the
// remote pane active, without one asking where to connect.
func (c *cli) tui(ctx context.Context, args []string) error {
	fs := c.flags("ferry")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("ferry takes at most one URL")
	}
	cfg := ui.Config{Connect: c.connectRemote}
	if len(pos) == 1 {
		if _, err := parseTarget(pos[0]); err != nil {
			return usageError{err.Error()}
		}
		cfg.URL = pos[0]
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
	cfg.IsDark = lipgloss.HasDarkBackground(os.Stdin, os.Stdout)
	_, err = tea.NewProgram(ui.New(cfg), tea.WithContext(ctx)).Run()
	if err == tea.ErrProgramKilled && ctx.Err() != nil {
		return nil // interrupted by a signal
	}
	return err
}

// connectRemote is the UI's ConnectFunc: it uses the same URL, flags,
// credentials and TLS rules as the command-line verbs.
func (c *cli) connectRemote(ctx context.Context, rawURL, password string, log io.Writer) (ui.RemoteFS, error) {
	t, err := parseTarget(rawURL)
	if err != nil {
		return nil, err
	}
	opts, err := c.options(t)
	if err != nil {
		return nil, err
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
			return nil, ui.ErrNeedPassword
		}
	}
	dial := func(ctx context.Context) (*protocol.Conn, error) {
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
	conn, err := dial(ctx)
	if err != nil {
		return nil, err
	}
	title := strings.TrimSuffix(t.withoutPath().String(), "/")
	verified := opts.Security != protocol.Plain && !opts.InsecureSkipVerify && !conn.TLSRefused()
	r, err := panes.NewRemote(conn, dial, title, t.Path, verified)
	if err != nil {
		conn.Close()
		return nil, err // not a typed nil inside the interface
	}
	return r, nil
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
