// Package site opens logged-in FTP connections. A Site is everything
// needed to open one: the server's address, the engine's options (TLS mode
// and trust, active or passive, timeouts, the debug log) and where the
// login comes from.
//
// Every part of ferry that talks to a server (the browsing panes, the
// queue's workers, the viewer, the command-line verbs) opens its
// connections through Site.Open, so a password given once (in a URL, at a
// prompt) or a certificate trusted for the session serves every connection
// to that site, and nothing else rebuilds credentials or trust. Secrets
// stay in memory: a Site is never written anywhere, only its Key.
//
// The package knows the protocol engine; it knows nothing of flags,
// bookmarks files, terminals or panes: its callers turn those into a Site.
package site

import (
	"context"
	"fmt"
	"io"
	"sync"

	"ferry/protocol"
)

// Site is a connection profile. Its exported fields are set before first
// use and not changed afterwards; its methods are safe for concurrent use.
type Site struct {
	// Key names the site wherever it is saved or shown (the queue's state
	// file, jobs, history): a bookmark's name or a URL without password.
	// It never holds a secret.
	Key string
	// Addr is the server's "host:port"; Host is the host alone, for
	// messages.
	Addr, Host string
	// Options are the engine's options for every connection: TLS mode,
	// trust (CA pool, pinned fingerprint, a certificate trusted for this
	// session, or none), active mode, timeouts, debug log.
	Options protocol.Options
	// User is the login name ("" or "anonymous" for anonymous logins).
	User string
	// Password finds the password when a connection first needs one
	// (from the URL, $FERRY_PASSWORD, netrc, a keyring or command, a
	// prompt); it may also settle the user. Its answer is kept for the
	// session. Nil means no password (anonymous).
	Password func(ctx context.Context) (user, pass string, err error)
	// Parallel is how many connections at once the site allows, 0 when
	// it says nothing.
	Parallel int
	// TLSRefused, when set, is called once when a server in auto TLS
	// mode refused AUTH TLS and the session went on in plain text.
	TLSRefused func()

	mu       sync.Mutex
	have     bool // user and pass are known
	user     string
	pass     string
	refusedO sync.Once
}

// SetPassword records the login for the session (a password typed at a
// prompt); later connections use it without asking Password.
func (s *Site) SetPassword(user, pass string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if user == "" {
		user = s.User
	}
	s.user, s.pass, s.have = user, pass, true
}

// Login returns the user and password connections log in with, asking
// Password the first time only.
func (s *Site) Login(ctx context.Context) (user, pass string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.have {
		return s.user, s.pass, nil
	}
	user = s.User
	if s.Password != nil {
		u, p, err := s.Password(ctx)
		if err != nil {
			return "", "", err
		}
		if u != "" {
			user = u
		}
		pass = p
	}
	s.user, s.pass, s.have = user, pass, true
	return user, pass, nil
}

// Open dials the server and logs in. The caller must Quit the Conn.
func (s *Site) Open(ctx context.Context) (*protocol.Conn, error) {
	return s.open(ctx, s.options())
}

func (s *Site) options() protocol.Options {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Options
}

// FollowKeyExchange makes later connections offer the TLS key exchange
// c agreed on, sparing each a HelloRetryRequest round trip with servers
// that accept one curve only (vsftpd).
func (s *Site) FollowKeyExchange(c *protocol.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Options = c.SameKeyExchange(s.Options)
}

// OpenLogged is Open with the conversation written to debug at level
// (a pane's log panel, say), whatever the site's own options say.
func (s *Site) OpenLogged(ctx context.Context, debug io.Writer, level int) (*protocol.Conn, error) {
	opts := s.options()
	opts.Debug, opts.DebugLevel = debug, level
	return s.open(ctx, opts)
}

func (s *Site) open(ctx context.Context, opts protocol.Options) (*protocol.Conn, error) {
	user, pass, err := s.Login(ctx)
	if err != nil {
		return nil, err
	}
	conn, err := protocol.Dial(ctx, s.Addr, opts)
	if err != nil {
		return nil, err
	}
	if conn.TLSRefused() && s.TLSRefused != nil {
		s.refusedO.Do(s.TLSRefused)
	}
	if err := conn.Login(ctx, user, pass); err != nil {
		conn.Close()
		return nil, &LoginError{Host: s.Host, Err: err}
	}
	return conn, nil
}

// LoginError is a server's refusal of the login (as opposed to a failure
// to reach it or to agree on TLS).
type LoginError struct {
	Host string
	Err  error
}

func (e *LoginError) Error() string { return fmt.Sprintf("login to %s: %v", e.Host, e.Err) }
func (e *LoginError) Unwrap() error { return e.Err }

// Registry holds the sites of a session by Key, so a queued job that names
// a site opens its connections with the same login and trust as the pane
// that queued it. It is safe for concurrent use.
type Registry struct {
	mu    sync.Mutex
	sites map[string]*Site
	// Resolve makes a Site for a key that was not registered (a job saved
	// by an earlier session); nil means such keys fail.
	Resolve func(key string) (*Site, error)
}

// Add registers s under its Key, replacing an earlier site of that key,
// and returns s.
func (r *Registry) Add(s *Site) *Site {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sites == nil {
		r.sites = make(map[string]*Site)
	}
	r.sites[s.Key] = s
	return s
}

// Get returns the site registered under key, resolving (and registering)
// it when it is not.
func (r *Registry) Get(key string) (*Site, error) {
	r.mu.Lock()
	s, ok := r.sites[key]
	resolve := r.Resolve
	r.mu.Unlock()
	if ok {
		return s, nil
	}
	if resolve == nil {
		return nil, fmt.Errorf("unknown site %q", key)
	}
	s, err := resolve(key)
	if err != nil {
		return nil, err
	}
	s.Key = key
	return r.Add(s), nil
}

// Dial opens a logged-in connection to the site registered under key: the
// transfer queue's Dial.
func (r *Registry) Dial(ctx context.Context, key string) (*protocol.Conn, error) {
	s, err := r.Get(key)
	if err != nil {
		return nil, err
	}
	return s.Open(ctx)
}
