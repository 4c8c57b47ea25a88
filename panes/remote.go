package panes

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	"ferry/protocol"
	"ferry/protocol/listing"
)

// Dialer opens a new logged-in control connection.
type Dialer func(ctx context.Context) (*protocol.Conn, error)

// Remote is an FTP server seen as a file system through one control
// connection, the one browsing uses. Operations take turns on it. When the
// server drops the connection (421, EOF, a broken connection), Remote dials
// again and repeats the operation if it only read; paths are absolute, so
// the pane returns to the same directory. A NOOP every keepAlive while
// idle keeps NAT and servers from dropping it.
type Remote struct {
	title string
	dial  Dialer

	mu       sync.Mutex // held for one operation, or an open transfer
	conn     *protocol.Conn
	home     string
	login    string
	lastUsed time.Time

	stateMu sync.Mutex
	state   RemoteState

	stop chan struct{}
}

// RemoteState is what the status line shows about the connection.
type RemoteState struct {
	Connected    bool
	Reconnecting bool
	TLSVersion   string // "" in plain text
	Verified     bool   // the certificate was verified or pinned
}

const keepAlive = 45 * time.Second

// NewRemote makes a Remote over an already logged-in connection; dial
// makes replacements. title is the pane title ("ftpes://user@host").
// start is the directory to show first, relative to the login directory
// unless absolute ("" for the login directory itself). verified tells
// whether the options checked the certificate.
func NewRemote(conn *protocol.Conn, dial Dialer, title, start string, verified bool) (*Remote, error) {
	home, err := conn.CurrentDir(context.Background())
	if err != nil {
		return nil, err
	}
	login := home
	if start != "" {
		if !path.IsAbs(start) {
			start = path.Join(home, start)
		}
		home = path.Clean(start)
	}
	r := &Remote{title: title, dial: dial, conn: conn, home: home, login: login, lastUsed: time.Now(), stop: make(chan struct{})}
	r.state.Verified = verified
	r.noteConn(conn)
	go r.keepAlive()
	return r, nil
}

func (r *Remote) Title() string { return r.title }

// LoginDir is the folder the server put the user in at login: URL paths
// are relative to it (Home is where the pane starts, the URL's path).
func (r *Remote) LoginDir() string { return r.login }

// State returns the connection state for display.
func (r *Remote) State() RemoteState {
	r.stateMu.Lock()
	defer r.stateMu.Unlock()
	return r.state
}

func (r *Remote) noteConn(c *protocol.Conn) {
	r.stateMu.Lock()
	defer r.stateMu.Unlock()
	r.state.Connected = c != nil
	r.state.Reconnecting = false
	r.state.TLSVersion = ""
	if c != nil {
		if st, ok := c.TLSState(); ok {
			r.state.TLSVersion = tls.VersionName(st.Version)
		}
	}
}

// Close ends the keep-alive and says goodbye to the server.
func (r *Remote) Close() {
	close(r.stop)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		r.conn.Quit(ctx)
		cancel()
		r.conn = nil
	}
}

func (r *Remote) keepAlive() {
	t := time.NewTicker(keepAlive / 3)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
		}
		if !r.mu.TryLock() {
			continue // busy, so not idle
		}
		if r.conn != nil && time.Since(r.lastUsed) >= keepAlive {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if err := r.conn.Noop(ctx); err != nil {
				r.drop()
			}
			cancel()
			r.lastUsed = time.Now()
		}
		r.mu.Unlock()
	}
}

// drop forgets a dead connection; the next operation dials again.
func (r *Remote) drop() {
	if r.conn != nil {
		r.conn.Close()
		r.conn = nil
	}
	r.noteConn(nil)
}

// dropped reports errors after which the connection is gone.
func dropped(err error) bool {
	var fe *protocol.Error
	if errors.As(err, &fe) && fe.Code == protocol.CodeServiceNotAvailable {
		return true
	}
	return errors.Is(err, protocol.ErrClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// do runs op on the connection with the lock held, dialling when there is
// none. After a drop it dials again and repeats op when repeat is true
// (reads) or when the old connection was already dead before op sent
// anything (ErrClosed); a change that may have reached the server is not
// repeated blindly.
func (r *Remote) do(ctx context.Context, repeat bool, op func(*protocol.Conn) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.doLocked(ctx, repeat, op)
}

func (r *Remote) doLocked(ctx context.Context, repeat bool, op func(*protocol.Conn) error) error {
	for attempt := 0; ; attempt++ {
		if r.conn == nil {
			r.stateMu.Lock()
			r.state.Reconnecting = true
			r.stateMu.Unlock()
			c, err := r.dial(ctx)
			if err != nil {
				r.noteConn(nil)
				return err
			}
			r.conn = c
			r.noteConn(c)
		}
		r.lastUsed = time.Now()
		err := op(r.conn)
		if err == nil || !dropped(err) {
			return err
		}
		again := repeat || errors.Is(err, protocol.ErrClosed)
		r.drop()
		if attempt > 0 || !again || ctx.Err() != nil {
			return err
		}
	}
}

func (r *Remote) Home(context.Context) (string, error) { return r.home, nil }

func (r *Remote) Join(dir, name string) string { return path.Join(dir, name) }

func (r *Remote) Parent(dir string) string { return path.Dir(dir) }

func (r *Remote) List(ctx context.Context, dir string) ([]listing.Entry, error) {
	var entries []listing.Entry
	err := r.do(ctx, true, func(c *protocol.Conn) error {
		entries = entries[:0]
		strs := map[string]string{}
		l, err := c.ListFunc(ctx, dir, func(e *listing.Entry) error {
			entries = append(entries, compactEntry(e, strs))
			return nil
		})
		if err != nil {
			return err
		}
		for _, b := range l.Bad {
			// A line nothing understood is shown, never silently lost.
			entries = append(entries, listing.Entry{
				Name: listing.DisplayName(b.Text), RawName: b.Text, Kind: listing.Other,
				Size: -1, Raw: b.Text,
			})
		}
		return nil
	})
	return entries, err
}

// compactEntry is the entry as a pane keeps it: without the raw listing
// line (which the parsed strings point into and would keep alive), with
// its own copies of the name and target, and owner, group and perm
// strings shared through strs (a folder has few distinct ones). A folder
// of 100,000 entries then holds about half the memory.
func compactEntry(e *listing.Entry, strs map[string]string) listing.Entry {
	c := *e
	c.Raw = ""
	c.RawName = strings.Clone(e.RawName)
	if e.Name == e.RawName {
		c.Name = c.RawName
	} else {
		c.Name = strings.Clone(e.Name)
	}
	c.Target = strings.Clone(e.Target)
	c.Unique = strings.Clone(e.Unique)
	intern := func(s string) string {
		if s == "" {
			return ""
		}
		if v, ok := strs[s]; ok {
			return v
		}
		if len(strs) >= 4096 {
			return strings.Clone(s) // bounded: a server cannot grow the table
		}
		v := strings.Clone(s)
		strs[v] = v
		return v
	}
	c.Owner, c.Group, c.Perm = intern(e.Owner), intern(e.Group), intern(e.Perm)
	return c
}

func (r *Remote) Mkdir(ctx context.Context, p string) error {
	return r.do(ctx, false, func(c *protocol.Conn) error { _, err := c.MakeDir(ctx, p); return err })
}

// Rename refuses to replace an existing target, as Local does: servers
// (vsftpd, proftpd) rename onto an existing name without a word.
func (r *Remote) Rename(ctx context.Context, from, to string) error {
	return r.do(ctx, false, func(c *protocol.Conn) error {
		exists, err := c.Exists(ctx, to)
		if err != nil {
			return err
		}
		if exists {
			return &fs.PathError{Op: "rename", Path: to, Err: fs.ErrExist}
		}
		return c.Rename(ctx, from, to)
	})
}

func (r *Remote) Remove(ctx context.Context, p string, kind listing.Kind) error {
	return r.do(ctx, false, func(c *protocol.Conn) error {
		if kind == listing.Dir {
			return c.RemoveDir(ctx, p)
		}
		return c.Delete(ctx, p)
	})
}

func (r *Remote) Chmod(ctx context.Context, p string, mode fs.FileMode) error {
	return r.do(ctx, false, func(c *protocol.Conn) error { return c.Chmod(ctx, p, mode) })
}

// Open starts a download. The connection stays busy, and other operations
// wait, until the returned reader is closed.
func (r *Remote) Open(ctx context.Context, p string) (io.ReadCloser, error) {
	h, err := r.hold(ctx, true, func(c *protocol.Conn) (*protocol.Transfer, error) { return c.Open(ctx, p, 0) })
	if err != nil {
		return nil, err // not a typed nil inside the interface
	}
	return h, nil
}

// Create starts an upload, holding the connection like Open.
func (r *Remote) Create(ctx context.Context, p string) (io.WriteCloser, error) {
	h, err := r.hold(ctx, false, func(c *protocol.Conn) (*protocol.Transfer, error) { return c.Create(ctx, p, 0) })
	if err != nil {
		return nil, err
	}
	return h, nil
}

// hold starts a transfer and keeps the connection locked until it closes.
func (r *Remote) hold(ctx context.Context, repeat bool, start func(*protocol.Conn) (*protocol.Transfer, error)) (*heldTransfer, error) {
	r.mu.Lock()
	var t *protocol.Transfer
	err := r.doLocked(ctx, repeat, func(c *protocol.Conn) (err error) {
		t, err = start(c)
		return err
	})
	if err != nil {
		r.mu.Unlock()
		return nil, err
	}
	return &heldTransfer{t: t, r: r}, nil
}

// heldTransfer releases the connection when the transfer is closed.
type heldTransfer struct {
	t    *protocol.Transfer
	r    *Remote
	once sync.Once
}

func (h *heldTransfer) Read(p []byte) (int, error)  { return h.t.Read(p) }
func (h *heldTransfer) Write(p []byte) (int, error) { return h.t.Write(p) }

// Abort stops a download the reader does not want to finish (ABOR), so
// the server stops sending and the connection stays in step.
func (h *heldTransfer) Abort() error {
	err := errors.New("panes: transfer closed twice")
	h.once.Do(func() {
		err = h.t.Abort()
		if dropped(err) {
			h.r.drop()
		}
		h.r.lastUsed = time.Now()
		h.r.mu.Unlock()
	})
	return err
}

func (h *heldTransfer) Close() error {
	err := errors.New("panes: transfer closed twice")
	h.once.Do(func() {
		err = h.t.Close()
		if dropped(err) {
			h.r.drop()
		}
		h.r.lastUsed = time.Now()
		h.r.mu.Unlock()
	})
	return err
}

// quoteRefused are the commands Quote does not send: they open or set up
// data connections, change the security of the session or end it, which
// would leave the browsing connection in a state the pane does not know.
var quoteRefused = map[string]string{
	"LIST": "transfer", "NLST": "transfer", "MLSD": "transfer", "RETR": "transfer", "STOR": "transfer",
	"STOU": "transfer", "APPE": "transfer", "PASV": "transfer", "EPSV": "transfer", "PORT": "transfer",
	"EPRT": "transfer", "REST": "transfer", "AUTH": "security", "PROT": "security", "PBSZ": "security",
	"CCC": "security", "USER": "login", "PASS": "login", "REIN": "login", "QUIT": "login",
}

// ErrQuoteRefused is Quote's answer for a command it does not send.
var ErrQuoteRefused = errors.New("not sent as a raw command")

// Quote sends one raw command on the browsing connection, as lftp's quote
// does, and returns the reply ("213 20260101120000"). A 4xx or 5xx reply
// is returned with an error. Commands that would disturb the session
// (data transfers, TLS, login) are refused: use the panes for them.
func (r *Remote) Quote(ctx context.Context, line string) (string, error) {
	line = strings.TrimSpace(line)
	verb, _, _ := strings.Cut(line, " ")
	verb = strings.ToUpper(verb)
	if verb == "" {
		return "", fmt.Errorf("no command: %w", ErrQuoteRefused)
	}
	if why, ok := quoteRefused[verb]; ok {
		return "", fmt.Errorf("%s: a %s command is %w (use the panes)", verb, why, ErrQuoteRefused)
	}
	var reply string
	err := r.do(ctx, false, func(c *protocol.Conn) error {
		rep, err := c.Cmd(ctx, line)
		if rep != nil {
			reply = fmt.Sprintf("%d %s", rep.Code, rep.Text())
		}
		return err
	})
	return reply, err
}

// ListLinks lists dir showing symbolic links as links (LIST, even where
// the server offers MLSD, whose facts may describe a link's target).
func (r *Remote) ListLinks(ctx context.Context, dir string) ([]listing.Entry, error) {
	var entries []listing.Entry
	err := r.do(ctx, true, func(c *protocol.Conn) error {
		entries = entries[:0]
		_, err := c.ListLinksFunc(ctx, dir, func(e *listing.Entry) error {
			if !e.Pseudo {
				entries = append(entries, *e)
			}
			return nil
		})
		return err
	})
	return entries, err
}
