package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"ferry/bookmarks"
	"ferry/config"
	"ferry/protocol"
	"ferry/trust"
)

// listBookmarks prints the bookmarks for scripts: name, a tab and the URL
// (never a password), one per line. "bookmarks import" is importBookmarks.
func (c *cli) listBookmarks(args []string) error {
	if len(args) > 0 && args[0] == "import" {
		return c.importBookmarks(args[1:])
	}
	fs := c.flags("bookmarks")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("bookmarks takes no arguments")
	}
	f, err := c.loadBookmarks()
	if err != nil {
		return err
	}
	for _, b := range f.All() {
		fmt.Fprintf(c.stdout, "%s\t%s\n", b.Name, b.URL())
	}
	return nil
}

// loadBookmarks reads bookmarks.toml from the configuration directory,
// printing its warnings; a broken file is an error.
func (c *cli) loadBookmarks() (*bookmarks.File, error) {
	dir, err := config.Dir()
	if err != nil {
		return nil, err
	}
	f := bookmarks.Load(dir)
	f.SetSecrets(c.keyring())
	for _, w := range f.Warnings() {
		fmt.Fprintf(c.stderr, "ferry: warning: %v\n", w)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// target reads a verb's remote argument: a URL, or with -b NAME a path on
// the bookmark's server.
func (c *cli) target(arg string) (target, error) {
	if c.bookmark == "" {
		return parseTarget(arg)
	}
	return c.bookmarkTarget(c.bookmark, arg)
}

// optionalRemote lets -b NAME leave out a verb's last argument, the remote
// path, when the verb takes n arguments: it becomes def, resolved against
// the bookmark's remote directory ("" for the directory itself, "./" for
// a file put into it).
func (c *cli) optionalRemote(pos []string, n int, def string) []string {
	if c.bookmark != "" && len(pos) == n-1 {
		return append(pos, def)
	}
	return pos
}

// bookmarkTarget is the bookmark called name, with p resolved against its
// remote directory (an absolute p stands for itself). Its settings travel
// in target.Bookmark for options and storedCredentials; the TUI opens a
// bookmark with bookmarkTarget(name, "").
func (c *cli) bookmarkTarget(name, p string) (target, error) {
	f, err := c.loadBookmarks()
	if err != nil {
		return target{}, err
	}
	b, ok := f.Get(name)
	if !ok {
		return target{}, fmt.Errorf("no bookmark called %q in %s (ferry bookmarks lists them)", name, f.Path())
	}
	if err := b.Validate(); err != nil {
		return target{}, err
	}
	if strings.ContainsAny(p, "\r\n\x00") {
		return target{}, fmt.Errorf("path %q contains a line break or NUL", p)
	}
	_, port, _ := net.SplitHostPort(b.Addr())
	t := target{Host: b.Host, User: b.User, Security: b.TLS.Security(), Bookmark: &b}
	t.Port, _ = strconv.Atoi(port)
	t.Scheme, _, _ = strings.Cut(b.URL(), ":")
	if t.Path = b.RemotePath(p); t.Path == "./" {
		t.Path = ""
	}
	return t, nil
}

// bookmarkCredentials finds a bookmark's login without asking:
// $FERRY_PASSWORD, then the bookmark's password_cmd, saved password and
// ~/.netrc.
func (c *cli) bookmarkCredentials(ctx context.Context, t target) (user, pass string, found bool, err error) {
	if p, ok := os.LookupEnv("FERRY_PASSWORD"); ok {
		return t.User, p, true, nil
	}
	l, err := t.Bookmark.Login(ctx, bookmarks.NetrcPath(), c.keyring())
	if l.Note != "" {
		c.keyringNote(t.Bookmark.Name, l.Note)
	}
	if errors.Is(err, bookmarks.ErrNeedPassword) {
		return l.User, "", false, nil
	}
	return l.User, l.Password, err == nil && l.Source != bookmarks.Anonymous, err
}

// trustStore opens known_certs.toml once, printing its problems. It
// returns nil only when there is no configuration directory. A store with
// errors is returned too: trustOptions then refuses TLS connections.
func (c *cli) trustStore() *trust.Store {
	c.knownOnce.Do(func() {
		dir, err := config.Dir()
		if err != nil {
			return
		}
		s := trust.Open(dir)
		for _, w := range s.Warnings() {
			fmt.Fprintf(c.stderr, "ferry: warning: %v\n", w)
		}
		if err := s.Err(); err != nil {
			fmt.Fprintf(c.stderr, "ferry: %v\nferry: TLS connections are refused until %s is fixed (or connect with --fingerprint, --ca or --insecure)\n", err, s.Path())
		}
		c.known = s
	})
	return c.known
}

// trustOptions applies what decides trust for t: the --ca, --fingerprint
// and --insecure flags when given, else the bookmark's settings, else a
// certificate stored in known_certs.toml for t's host and port.
func (c *cli) trustOptions(t target, opts protocol.Options) (protocol.Options, error) {
	if c.insecure || c.caFile != "" || c.fingerprint != "" {
		opts.TLSConfig, opts.Fingerprint, opts.InsecureSkipVerify = nil, nil, c.insecure
		return opts, nil // the flags are applied next, by options
	}
	store := c.trustStore()
	if store != nil && opts.Security != protocol.Plain {
		// Fail closed: a pin in a file that did not load cannot be
		// checked, and without it a pinned server that refuses AUTH TLS
		// would get the password in plain text.
		if err := store.Err(); err != nil {
			return opts, fmt.Errorf("refusing to connect to %s: the trusted certificates in %s cannot be read: %w", t.Addr(), store.Path(), err)
		}
	}
	if t.Bookmark != nil {
		b, err := t.Bookmark.Options(store)
		if err != nil {
			return opts, err
		}
		opts.TLSConfig, opts.Fingerprint, opts.InsecureSkipVerify = b.TLSConfig, b.Fingerprint, b.InsecureSkipVerify
		if b.Fingerprint != nil {
			opts = bookmarks.Pin(opts, b.Fingerprint)
		}
		return opts, nil
	}
	if store != nil {
		if fp, ok := store.Lookup(t.Addr()); ok {
			opts = bookmarks.Pin(opts, fp)
		}
	}
	return opts, nil
}
