package protocol

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"ferry/protocol/listing"
)

// Conn is a control connection to an FTP server.
//
// A Conn serves one caller at a time and one data transfer at a time:
// while a Transfer is open, other methods return ErrBusy. Run parallel
// transfers on separate Conns (each has its own TLS session). Every method
// takes a context; cancelling it interrupts the network wait, after which
// the connection is out of step with the server and every later call
// returns ErrClosed.
type Conn struct {
	opts       Options
	timeout    time.Duration
	raw        net.Conn    // the TCP connection
	conn       net.Conn    // raw, or the TLS client over it
	tlsConn    *tls.Conn   // nil in plain text
	tlsBase    *tls.Config // control connection config; data configs derive from it
	sessions   *sessionCache
	replies    replyReader
	serverName string
	peerIP     net.IP // where data connections go, unless PASV addresses are trusted

	welcome    string
	tlsRefused bool
	protected  bool // PROT P in force
	features   map[string]string
	transfer   string // TYPE in force: "A", "I" or "" (unknown)
	noEPSV     bool   // EPSV failed once; use PASV from now on
	noPipeline bool   // a pipelined step failed: one command at a time
	epsvProven bool   // an EPSV data connection worked: its ports are reachable
	nextPort   int    // a passive port asked for ahead (prefetchPort), or 0
	// Known behaviours of vsftpd (known by its greeting): closesDataFirst,
	// it waits for the client to close a retrieval's data connection
	// before its final reply; queuesCommands, it leaves the control
	// connection unread during a transfer, so commands sent then are
	// answered after the transfer's final reply.
	closesDataFirst bool
	queuesCommands  bool
	busy            bool  // a Transfer is open
	broken          error // why the connection can no longer be used

	listParser   *listing.Parser // remembers the LIST dialect across listings
	listDashA    int             // whether "LIST -a" works here
	hashSelected string          // the algorithm OPTS HASH chose
	pwd          string          // the working folder as PWD said, "" when unknown
	charset      *Charset        // Options.Encoding; nil: names as sent
}

// Dial connects to addr ("host:port"), reads the greeting and, unless
// opts.Security is Plain, secures the control connection. The returned
// Conn is not logged in yet: call Login.
func Dial(ctx context.Context, addr string, opts Options) (*Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("ftp: bad address %q: %w", addr, err)
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	dctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	raw, err := opts.dial(dctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("ftp: connect %s: %w", addr, err)
	}
	c, err := NewConn(ctx, raw, host, opts)
	if err != nil {
		raw.Close()
		return nil, err
	}
	return c, nil
}

// NewConn runs the FTP session over an existing connection, as Dial does
// after connecting. host names the server for certificate checks. The
// Conn owns raw from now on, also when NewConn fails.
func NewConn(ctx context.Context, raw net.Conn, host string, opts Options) (*Conn, error) {
	cs, err := LookupCharset(opts.Encoding)
	if err != nil {
		raw.Close()
		return nil, fmt.Errorf("ftp: %w", err)
	}
	c := &Conn{
		charset:    cs,
		opts:       opts,
		timeout:    opts.timeout(),
		raw:        raw,
		conn:       raw,
		serverName: host,
		sessions:   newSessionCache(),
	}
	if err := opts.check(); err != nil {
		raw.Close()
		return nil, err
	}
	if opts.Proxy != nil {
		// The peer is the proxy: data connections go to the server as
		// the caller named it (nil when that is a name, not an address).
		c.peerIP = net.ParseIP(host)
	} else if tcp, ok := raw.RemoteAddr().(*net.TCPAddr); ok {
		c.peerIP = tcp.IP
	}
	c.replies = replyReader{
		r:        bufio.NewReaderSize(raw, 4096),
		maxLine:  orDefault(opts.MaxLineLength, DefaultMaxLineLength),
		maxReply: orDefault(opts.MaxReplySize, DefaultMaxReplySize),
		onLine:   c.logReceived,
	}
	if err := c.start(ctx); err != nil {
		c.closeNow()
		return nil, err
	}
	return c, nil
}

func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func (c *Conn) start(ctx context.Context) error {
	if c.opts.Security != Plain {
		cfg, err := c.controlTLSConfig()
		if err != nil {
			return err
		}
		c.tlsBase = cfg
	}
	if c.opts.Security == Implicit {
		if err := c.upgradeTLS(ctx); err != nil {
			return err
		}
	}
	if err := c.readGreeting(ctx); err != nil {
		return err
	}
	switch c.opts.Security {
	case Explicit, ExplicitIfOffered:
		r, err := c.cmd(ctx, 0, "AUTH TLS")
		if err != nil {
			return err
		}
		if r.Code != CodeAuthOK {
			if c.opts.Security == ExplicitIfOffered && codeClass(r.Code) >= ClassTransient {
				c.tlsRefused = true
				return nil
			}
			return fmt.Errorf("%w: %w", ErrTLSRequired, replyError("AUTH", r))
		}
		return c.upgradeTLS(ctx)
	}
	return nil
}

// readGreeting reads the welcome reply; a 120 "ready in a moment" is
// followed by the real 220.
func (c *Conn) readGreeting(ctx context.Context) error {
	defer c.guard(ctx)()
	for {
		r, err := c.readReply(ctx)
		var ne net.Error
		switch {
		case errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil:
			// Say what happened rather than "read tcp …: i/o timeout": the
			// port answered, but nothing there speaks FTP (yet).
			return fmt.Errorf("ftp: the server accepted the connection but sent no greeting within %v: %w", c.timeout, err)
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return fmt.Errorf("ftp: the server closed the connection without a greeting: %w", err)
		case err != nil:
			return err
		}
		switch {
		case r.Code == CodeServiceReadySoon:
			continue
		case r.Code == CodeServiceReady:
			c.welcome = r.Text()
			c.closesDataFirst = strings.Contains(c.welcome, "vsFTPd")
			c.queuesCommands = c.closesDataFirst
			return nil
		default:
			return replyError("connect", r)
		}
	}
}

// Welcome returns the text of the server's greeting.
func (c *Conn) Welcome() string { return c.welcome }

// TLSRefused reports whether ExplicitIfOffered fell back to plain text
// because the server refused AUTH TLS. Callers should warn the user.
func (c *Conn) TLSRefused() bool { return c.tlsRefused }

// TLSState returns the control connection's TLS state; ok is false in
// plain text.
func (c *Conn) TLSState() (state tls.ConnectionState, ok bool) {
	if c.tlsConn == nil {
		return tls.ConnectionState{}, false
	}
	return c.tlsConn.ConnectionState(), true
}

// Login authenticates. An empty user means "anonymous", whose empty
// password becomes "anonymous@" as in ftplib. On a TLS connection it then
// sets PBSZ 0 and PROT P (PROT C with Options.ClearData); afterwards it
// reads FEAT, turns on UTF-8 when offered, and selects binary type.
func (c *Conn) Login(ctx context.Context, user, password string) error {
	return c.LoginAccount(ctx, user, password, "")
}

// LoginAccount is Login with an ACCT string for servers that ask for one.
func (c *Conn) LoginAccount(ctx context.Context, user, password, account string) error {
	if user == "" {
		user = "anonymous"
	}
	if user == "anonymous" && password == "" {
		password = "anonymous@"
	}
	r, err := c.cmd(ctx, 0, "USER "+user)
	if err != nil {
		return err
	}
	if r.Code == CodeNeedPassword {
		if r, err = c.cmd(ctx, 0, "PASS "+password); err != nil {
			return err
		}
	}
	if r.Code == CodeNeedAccount {
		if r, err = c.cmd(ctx, 0, "ACCT "+account); err != nil {
			return err
		}
	}
	if codeClass(r.Code) != ClassCompletion {
		return replyError("login", r)
	}
	return c.afterLogin(ctx)
}

func (c *Conn) afterLogin(ctx context.Context) error {
	// PBSZ, PROT, FEAT and TYPE do not depend on each other's replies:
	// with pipelining they cost one round trip.
	var lines []string
	if c.tlsConn != nil {
		lines = append(lines, "PBSZ 0", "PROT P")
		if c.opts.ClearData {
			lines[1] = "PROT C"
		}
	}
	feat := c.features == nil
	if feat {
		lines = append(lines, "FEAT")
	}
	lines = append(lines, "TYPE I")
	replies, err := c.Batch(ctx, lines...)
	if err != nil {
		return err
	}
	if c.tlsConn != nil {
		for i, r := range replies[:2] {
			if codeClass(r.Code) != ClassCompletion {
				return replyError(commandVerb(lines[i]), r)
			}
		}
		c.protected = !c.opts.ClearData
	}
	if feat {
		c.features = parseFeatures(replies[len(replies)-2])
	}
	if r := replies[len(replies)-1]; codeClass(r.Code) != ClassCompletion {
		c.transfer = ""
		return replyError("TYPE", r)
	}
	c.transfer = "I"
	if c.HasFeature("UTF8") && !c.charset.legacy() {
		// Replies vary (200, 202, even 5xx on servers that are always
		// UTF-8); none of them is a reason to fail the login.
		if _, err := c.cmd(ctx, 0, "OPTS UTF8 ON"); err != nil {
			return err
		}
	}
	return nil
}

// Account sends ACCT on its own, for servers that want it after login.
func (c *Conn) Account(ctx context.Context, account string) error {
	_, err := c.cmd(ctx, 2, "ACCT "+account)
	return err
}

// Quit says goodbye and closes the connection.
func (c *Conn) Quit(ctx context.Context) error {
	if c.broken != nil {
		c.closeNow()
		return nil
	}
	_, err := c.cmd(ctx, 0, "QUIT")
	cerr := c.Close()
	if err != nil {
		return err
	}
	return cerr
}

// Close closes the connection without QUIT. It is safe to call twice.
func (c *Conn) Close() error {
	if c.broken == ErrClosed {
		return nil
	}
	// A TLS close sends close_notify; never let it wait on a dead peer.
	c.raw.SetDeadline(time.Now().Add(min(c.timeout, 2*time.Second)))
	err := c.conn.Close()
	c.broken = ErrClosed
	return err
}

func (c *Conn) closeNow() {
	c.raw.Close()
	c.broken = ErrClosed
}

// Cmd sends a raw command line and returns the server's reply. A 4xx or
// 5xx reply is returned together with an *Error (ftplib's sendcmd).
func (c *Conn) Cmd(ctx context.Context, line string) (*Reply, error) {
	r, err := c.cmd(ctx, 0, line)
	if err == nil && codeClass(r.Code) >= ClassTransient {
		err = replyError(commandVerb(line), r)
	}
	return r, err
}

// CmdExpect sends a raw command line and requires the reply to match
// expect: a class (2 for any 2xx) or a full code (257). Any other reply
// is an *Error (ftplib's voidcmd is CmdExpect(ctx, line, 2)).
func (c *Conn) CmdExpect(ctx context.Context, line string, expect int) (*Reply, error) {
	return c.cmd(ctx, expect, line)
}

// cmd is the one place that sends a command: it refuses unsafe bytes,
// checks the connection can be used, writes the line and reads the reply.
// With expect != 0 a non-matching reply becomes an *Error.
func (c *Conn) cmd(ctx context.Context, expect int, line string) (*Reply, error) {
	if err := c.usable(); err != nil {
		return nil, err
	}
	if err := checkLine(line); err != nil {
		return nil, err
	}
	wire, err := c.encodeLine(line)
	if err != nil {
		return nil, err
	}
	defer c.guard(ctx)()
	switch commandVerb(line) {
	case "CWD", "CDUP", "XCWD", "XCUP":
		c.pwd = "" // unknown until the next PWD
	}
	if err := c.writeWire(ctx, line, wire); err != nil {
		return nil, err
	}
	r, err := c.readReply(ctx)
	if err != nil {
		return nil, err
	}
	if expect != 0 && !codeMatches(r.Code, expect) {
		return r, replyError(commandVerb(line), r)
	}
	return r, nil
}

func (c *Conn) usable() error {
	if c.broken != nil {
		if c.broken == ErrClosed {
			return ErrClosed
		}
		return fmt.Errorf("%w: %w", ErrClosed, c.broken)
	}
	if c.busy {
		return ErrBusy
	}
	return nil
}

// checkLine refuses a command that would let its argument end the line
// early and smuggle in another command.
func checkLine(line string) error {
	if strings.ContainsAny(line, "\r\n\x00") {
		return ErrUnsafeArgument
	}
	return nil
}

func (c *Conn) writeLine(ctx context.Context, line string) error {
	return c.writeWire(ctx, line, line)
}

// writeWire sends wire, the bytes of line in the server's charset, and
// logs line as the user reads it.
func (c *Conn) writeWire(ctx context.Context, line, wire string) error {
	c.logSent(line)
	if _, err := c.conn.Write([]byte(wire + "\r\n")); err != nil {
		return c.fail(ctx, err)
	}
	return nil
}

func (c *Conn) readReply(ctx context.Context) (*Reply, error) {
	r, err := c.replies.read()
	if err != nil {
		return nil, c.fail(ctx, err)
	}
	return r, nil
}

// fail records that the control connection is unusable after err (the
// conversation is out of step) and returns the error to report: the
// context's error when cancellation caused it.
func (c *Conn) fail(ctx context.Context, err error) error {
	if ctx.Err() != nil && !errors.Is(err, ErrProtocol) {
		err = fmt.Errorf("ftp: %w", context.Cause(ctx))
	}
	c.broken = err
	c.raw.Close()
	return err
}

// guard arms the deadline for one network wait from the timeout and ctx,
// and makes cancelling ctx interrupt it. Call the returned func when done.
func (c *Conn) guard(ctx context.Context) func() {
	c.raw.SetDeadline(c.deadline(ctx))
	stop := context.AfterFunc(ctx, func() { c.raw.SetDeadline(time.Unix(1, 0)) })
	return func() { stop() }
}

func (c *Conn) deadline(ctx context.Context) time.Time {
	d := time.Now().Add(c.timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(d) {
		return dl
	}
	return d
}

// Noop sends NOOP, the keep-alive.
func (c *Conn) Noop(ctx context.Context) error {
	_, err := c.cmd(ctx, 2, "NOOP")
	return err
}
