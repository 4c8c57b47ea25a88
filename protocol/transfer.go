package protocol

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// Transfer is an open data connection for one transfer command: a stream
// of the file or listing being retrieved (Read), or of the file being
// stored (Write). Close completes it and reads the server's verdict; Abort
// cancels it. Until then the Conn is busy.
type Transfer struct {
	c      *Conn
	verb   string
	conn   net.Conn // the data connection (TLS or TCP)
	raw    net.Conn // its TCP connection
	upload bool
	ctx    context.Context
	stop   func() bool // unhooks ctx cancellation

	// Size is the transfer size the server announced in its 1xx reply
	// ("150 Opening ... (1234 bytes)"), or -1 when it did not say.
	Size int64

	// The bounds of a retrieval: more than max bytes is ErrDataOverrun,
	// fewer than min when it ends is ErrDataShort; -1 is no bound.
	read, min, max int64
	// final is the server's last reply, once Close has read it.
	final *Reply

	// after are commands CloseBatch sends as soon as the data connection
	// is done; afterReplies their replies, read after the final one.
	after        []string
	afterReplies []*Reply
	afterSent    bool
	// prefetched: an EPSV for the next transfer went out during this
	// one; its reply follows the final one.
	prefetched bool

	lastArm time.Time
	done    bool
}

func newTransfer(ctx context.Context, c *Conn, line string) *Transfer {
	upload := false
	switch commandVerb(line) {
	case "STOR", "STOU", "APPE":
		upload = true
	}
	return &Transfer{c: c, verb: commandVerb(line), upload: upload, ctx: ctx, Size: -1, min: -1, max: -1}
}

// Expect tells a retrieval how many bytes it must deliver from here, as
// the caller knows them (a listing's size, SIZE, minus the REST offset):
// Read fails with ErrDataOverrun past n, and Close with ErrDataShort if
// fewer arrived. A negative n leaves the transfer unbounded.
func (t *Transfer) Expect(n int64) {
	if n < 0 {
		return
	}
	t.min, t.max = n, n
}

// bound applies the size a 150 reply announced to a binary retrieval from
// offset. Servers differ on whether the figure is the whole file's or what
// remains after REST, so only what both readings allow is enforced: no
// more than announced, no fewer than announced minus offset.
func (t *Transfer) bound(offset int64) {
	if t.Size < 0 {
		return
	}
	t.max = t.Size
	t.min = max(t.Size-offset, 0)
}

// StartTransfer sends REST offset when offset > 0, then the transfer
// command line (RETR, STOR, APPE, LIST, NLST, MLSD, ...), and returns the
// open data connection (ftplib's ntransfercmd). The server's expected
// size, when stated, is in Transfer.Size. The Conn's current TYPE applies.
func (c *Conn) StartTransfer(ctx context.Context, line string, offset int64) (*Transfer, error) {
	t, _, err := c.StartTransferBatch(ctx, nil, line, offset)
	return t, err
}

// startTransfer is StartTransfer one step at a time: EPSV (or PASV, or
// PORT), the data connection, REST, the command.
func (c *Conn) startTransfer(ctx context.Context, line string, offset int64) (*Transfer, error) {
	if err := c.usable(); err != nil {
		return nil, err
	}
	c.nextPort = 0 // a new EPSV (or PORT) replaces a prefetched port
	if err := checkLine(line); err != nil {
		return nil, err
	}
	peer, err := c.openDataPeer(ctx)
	if err != nil {
		return nil, err
	}
	if offset > 0 {
		if _, err := c.cmd(ctx, CodePendingFurtherInfo, "REST "+strconv.FormatInt(offset, 10)); err != nil {
			peer.close()
			return nil, err
		}
	}
	r, err := c.cmd(ctx, 0, line)
	if err != nil {
		peer.close()
		return nil, err
	}
	t := newTransfer(ctx, c, line)
	switch codeClass(r.Code) {
	case ClassPreliminary:
		t.Size = announcedSize(r.Text())
	case ClassCompletion:
		// Some servers answer an empty listing with 226 and no 150, and
		// may not even connect. Nothing to read, nothing to wait for.
		peer.close()
		t.done = true
		return t, nil
	default:
		peer.close()
		return nil, replyError(t.verb, r)
	}
	conn := peer.conn
	if peer.ln != nil {
		conn, err = c.accept(ctx, peer.ln)
		peer.ln.Close()
		if err != nil {
			c.broken = err // the server is waiting on a transfer we lost
			return nil, err
		}
	}
	if peer.ln == nil && !c.noEPSV && !c.opts.DisableEPSV {
		c.epsvProven = true // EPSV's ports are reachable: transfers may pipeline
	}
	t.raw = conn
	t.conn, err = c.secureData(ctx, conn)
	if err == nil {
		t.closeNotifyEarly()
	}
	if err != nil {
		// The server waits for the handshake it will never get; the
		// final reply tells us it gave up.
		c.busy = true
		t.finish(ctx, err)
		return nil, err
	}
	c.busy = true
	t.stop = context.AfterFunc(ctx, func() { t.raw.SetDeadline(time.Unix(1, 0)) })
	return t, nil
}

// closeNotifyEarly ends the client's side of a retrieval's TLS data
// connection as soon as the handshake is done, on servers that wait for
// it: vsftpd sends its final reply only once the client has closed its
// side (TLS close_notify, then TCP FIN), which would otherwise cost a
// round trip per file after the last byte. The client sends nothing on a
// retrieval, and under TLS 1.3 a close_notify closes one direction only
// (RFC 8446, section 6.1), so the server goes on sending. Other servers
// do not wait, and proftpd resets a data connection the client
// half-closes, so this is for vsftpd (known by its greeting) only.
func (t *Transfer) closeNotifyEarly() {
	tc, ok := t.conn.(*tls.Conn)
	if !ok || t.upload || !t.c.closesDataFirst || tc.ConnectionState().Version < tls.VersionTLS13 {
		return
	}
	t.raw.SetWriteDeadline(time.Now().Add(t.c.timeout))
	if tc.CloseWrite() == nil { // a failure shows on the first read
		if hc, ok := t.raw.(interface{ CloseWrite() error }); ok {
			hc.CloseWrite()
		}
	}
	t.raw.SetWriteDeadline(time.Time{})
}

// announcedSize finds "(1234 bytes)" in a 150 reply.
func announcedSize(text string) int64 {
	i := strings.LastIndexByte(text, '(')
	if i < 0 {
		return -1
	}
	rest := text[i+1:]
	j := strings.IndexByte(rest, ' ')
	if j <= 0 || !strings.HasPrefix(strings.ToLower(rest[j:]), " bytes") {
		return -1
	}
	n, err := strconv.ParseInt(rest[:j], 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// arm refreshes the data connection's deadline so the timeout bounds each
// silence, not the whole transfer. Rearming is rate-limited: a deadline
// per read would cost more than the read on a fast link.
func (t *Transfer) arm() {
	now := time.Now()
	if now.Sub(t.lastArm) < t.c.timeout/8 {
		return
	}
	t.lastArm = now
	t.raw.SetDeadline(now.Add(t.c.timeout))
}

// Read reads from a retrieval's data connection.
func (t *Transfer) Read(p []byte) (int, error) {
	if t.done {
		return 0, io.EOF
	}
	if t.upload {
		return 0, errors.New("ftp: read from an upload")
	}
	t.arm()
	if t.max >= 0 && int64(len(p)) > t.max-t.read+1 {
		p = p[:t.max-t.read+1] // one byte past the bound tells an overrun
	}
	n, err := t.conn.Read(p)
	if err != nil && err != io.EOF {
		err = t.wrap(err)
	}
	if t.max >= 0 && t.read+int64(n) > t.max {
		n = int(t.max - t.read)
		t.read = t.max
		return n, fmt.Errorf("%w (%d bytes)", ErrDataOverrun, t.max)
	}
	t.read += int64(n)
	return n, err
}

// Write writes to a store's data connection.
func (t *Transfer) Write(p []byte) (int, error) {
	if t.done {
		return 0, errors.New("ftp: write to a finished transfer")
	}
	if !t.upload {
		return 0, errors.New("ftp: write to a download")
	}
	t.arm()
	n, err := t.conn.Write(p)
	if err != nil {
		err = t.wrap(err)
	}
	return n, err
}

// ReadFrom lets io.Copy hand an upload's source straight to the data
// connection in large writes.
func (t *Transfer) ReadFrom(r io.Reader) (int64, error) { return copyBuffer(t, r) }

func (t *Transfer) wrap(err error) error {
	if t.ctx.Err() != nil {
		return fmt.Errorf("ftp: %s: %w", t.verb, context.Cause(t.ctx))
	}
	return fmt.Errorf("ftp: %s data connection: %w", t.verb, err)
}

// Close completes the transfer: an upload is ended with TLS close_notify
// and a TCP half-close, then the server's final reply is read. A retrieval
// closed before its end makes the server report a failed transfer.
func (t *Transfer) Close() error {
	if t.done {
		return nil
	}
	var cerr error
	if t.upload {
		cerr = t.endUpload()
	}
	return t.finish(context.WithoutCancel(t.ctx), cerr)
}

// sendAfter sends the CloseBatch commands, once.
func (t *Transfer) sendAfter() error {
	if len(t.after) == 0 || t.afterSent {
		return nil
	}
	t.afterSent = true
	c := t.c
	ctx := context.WithoutCancel(t.ctx)
	defer c.guard(ctx)()
	return c.writeLines(ctx, t.after)
}

// endUpload says the upload is complete. A TLS upload must complete the
// handshake even when zero bytes were written and must send close_notify
// (vsftpd can fail an upload closed without it). The half-close and drain
// matter for TLS 1.3: the server sends session tickets on the data
// connection, and closing with them unread makes the kernel send RST,
// which truncates the upload or makes the server refuse the next one.
func (t *Transfer) endUpload() error {
	t.raw.SetDeadline(time.Now().Add(t.c.timeout))
	if tc, ok := t.conn.(*tls.Conn); ok {
		if err := tc.CloseWrite(); err != nil {
			return t.wrap(err)
		}
	}
	if hc, ok := t.raw.(interface{ CloseWrite() error }); ok {
		if err := hc.CloseWrite(); err != nil {
			return t.wrap(err)
		}
		// On a server that leaves commands queued during a transfer,
		// those for after it (CloseBatch) go out now: their replies then
		// follow the final one instead of a round trip after it. (Others
		// read the control connection during a transfer: pure-ftpd loses
		// such commands, pyftpdlib answers them before its 226.)
		if t.c.queuesCommands {
			if err := t.sendAfter(); err != nil {
				return err
			}
		}
		// Drain what the server still sends until it closes (bounded by
		// the deadline and by a byte count: an upload gets no payload).
		io.Copy(io.Discard, io.LimitReader(t.conn, 1<<20))
	}
	return nil
}

// finish closes the data connection and reads the final reply. err is a
// failure already seen on the data connection; it wins over the reply.
func (t *Transfer) finish(ctx context.Context, err error) error {
	t.done = true
	if t.stop != nil {
		t.stop()
	}
	if t.raw != nil {
		t.raw.SetDeadline(time.Now().Add(min(t.c.timeout, 2*time.Second)))
		if t.conn != nil {
			t.conn.Close() // a TLS close sends close_notify first
		} else {
			t.raw.Close() // the TLS handshake failed
		}
	}
	c := t.c
	c.busy = false
	if c.broken != nil {
		return errors.Join(err, c.usable())
	}
	defer c.guard(ctx)()
	if err == nil {
		if werr := t.sendAfter(); werr != nil {
			return werr
		}
	} else if !t.afterSent {
		t.after = nil
	}
	r, rerr := c.readReply(ctx)
	if rerr != nil {
		return errors.Join(err, rerr)
	}
	if perr := t.takePort(ctx); perr != nil {
		return errors.Join(err, perr)
	}
	if len(t.after) > 0 {
		replies, aerr := c.readReplies(ctx, len(t.after))
		if aerr != nil {
			return errors.Join(err, aerr)
		}
		t.afterReplies = replies
	}
	if codeClass(r.Code) != ClassCompletion {
		return errors.Join(err, t.explain(replyError(t.verb, r)))
	}
	t.final = r
	if err == nil && !t.upload && t.min >= 0 && t.read < t.min {
		err = fmt.Errorf("%s: %w: received %d of %d bytes", t.verb, ErrDataShort, t.read, t.min)
	}
	return err
}

// explain adds the likely cause to a server's refusal of a TLS data
// connection that did not resume the control session. crypto/tls resumes
// only from session tickets (it has no session-ID resumption), so a server
// that requires reuse but issues no tickets (proftpd limited to TLS 1.2,
// for one) refuses every protected data connection.
func (t *Transfer) explain(err *Error) error {
	tc, ok := t.conn.(*tls.Conn)
	if !ok || tc.ConnectionState().DidResume || (err.Code != CodeCannotOpenData && err.Code != CodeExtendedPortUnknown) {
		return err
	}
	return fmt.Errorf("%w: %w", err, ErrSessionNotResumed)
}

// Abort cancels the transfer with ABOR and brings the control connection
// back in step. Servers differ: proftpd and pure-ftpd act on ABOR during a
// transfer (and proftpd drops the whole session if the data connection
// breaks under it first), while vsftpd without async_abor_enable reads
// ABOR only once the transfer has ended. So ABOR goes out first, alone
// (pure-ftpd discards commands that arrive with it), the data connection
// is drained for a moment so the server can stop cleanly, and then closed,
// which ends the transfer on servers that ignored ABOR. RFC 959 has the
// server answer twice, for the transfer (426, or 226 when it had
// finished) and for ABOR (226 or 225), and all four servers the tests run
// do. A server that answers once is waited for briefly, then brought back
// in step with a NOOP.
func (t *Transfer) Abort() error {
	if t.done {
		return nil
	}
	t.done = true
	if t.stop != nil {
		t.stop()
	}
	c := t.c
	c.busy = false
	if err := c.usable(); err != nil {
		if t.raw != nil {
			t.raw.Close()
		}
		return err
	}
	ctx := context.WithoutCancel(t.ctx) // an abort must finish even after a cancel
	defer c.guard(ctx)()
	var drained chan struct{}
	if t.raw != nil {
		drained = make(chan struct{})
		go func() {
			defer close(drained)
			t.raw.SetDeadline(time.Now().Add(min(c.timeout, abortDrain)))
			io.Copy(io.Discard, t.conn)
			t.raw.Close() // abrupt: no close_notify into a dead transfer
		}()
	}
	err := c.writeLine(ctx, "ABOR")
	if err == nil {
		_, err = c.readReply(ctx)
	}
	if err == nil {
		err = t.takePort(ctx) // answered before ABOR was read
	}
	if drained != nil {
		t.raw.Close()
		<-drained
	}
	if err != nil {
		return err
	}
	c.raw.SetReadDeadline(time.Now().Add(min(c.timeout, abortSecondReply)))
	_, err = c.replies.read()
	c.raw.SetDeadline(c.deadline(ctx))
	if err == nil {
		return nil // the second reply came: in step
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		return c.fail(ctx, err)
	}
	// One reply only: resynchronise on a NOOP's own 200.
	c.logf("a single reply to ABOR; resynchronising with NOOP")
	if err := c.writeLine(ctx, "NOOP"); err != nil {
		return err
	}
	for range 3 {
		r, err := c.readReply(ctx)
		if err != nil {
			return err
		}
		if r.Code == CodeOK {
			return nil
		}
	}
	return c.fail(ctx, protocolError("no reply to NOOP after ABOR", ""))
}

// abortDrain bounds how long an aborted transfer's data is read and
// thrown away while the server acts on ABOR.
const abortDrain = 2 * time.Second

// abortSecondReply bounds the wait for a server's second reply to ABOR.
const abortSecondReply = 3 * time.Second
