package protocol

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"time"
)

// Pipelining: over a link with a round-trip time of tens of milliseconds,
// a file costs what its round trips cost, not its bytes. RFC 959 servers
// read commands one after another from the control connection and answer
// each in order, so commands that do not depend on each other's replies
// can go out in one write, and their replies are read in order: one round
// trip instead of one each. vsftpd, proftpd, pure-ftpd and pyftpdlib all
// do (the tests check each) between transfers; during one, only vsftpd
// leaves commands unread until it ends (pure-ftpd loses them, pyftpdlib
// answers them first), so only there do commands go out while data flows
// (prefetchPort, an upload's CloseBatch). A server that does not pipeline
// is served one command at a time: Options.NoPipelining says so up front,
// and a Conn stops pipelining by itself after a pipelined step went wrong
// in a way pipelining could explain (see startPipelined).

// pipelining reports whether commands may be sent before earlier replies.
func (c *Conn) pipelining() bool {
	return !c.opts.NoPipelining && !c.noPipeline
}

// Pipelining reports whether this Conn sends independent commands
// together (it stops after a pipelined step failed, or when
// Options.NoPipelining is set).
func (c *Conn) Pipelining() bool { return c.pipelining() }

// Batch sends commands that do not depend on each other's replies and
// returns their replies in order, in one round trip when pipelining is on
// (else one command at a time). A 4xx or 5xx reply is not an error here:
// the caller judges each reply; err is a failure of the connection (or an
// unsafe line, refused before anything is sent).
func (c *Conn) Batch(ctx context.Context, lines ...string) ([]*Reply, error) {
	if err := c.usable(); err != nil {
		return nil, err
	}
	for _, l := range lines {
		if err := checkLine(l); err != nil {
			return nil, err
		}
	}
	if !c.pipelining() || len(lines) < 2 {
		replies := make([]*Reply, 0, len(lines))
		for _, l := range lines {
			r, err := c.cmd(ctx, 0, l)
			if err != nil {
				return replies, err
			}
			replies = append(replies, r)
		}
		return replies, nil
	}
	defer c.guard(ctx)()
	if err := c.writeLines(ctx, lines); err != nil {
		return nil, err
	}
	return c.readReplies(ctx, len(lines))
}

// writeLines sends lines in one write, each in the server's charset. The
// lines must have been checked; one that cannot be encoded fails them all
// before anything is sent.
func (c *Conn) writeLines(ctx context.Context, lines []string) error {
	var b strings.Builder
	for _, l := range lines {
		wire, err := c.encodeLine(l)
		if err != nil {
			return err
		}
		b.WriteString(wire)
		b.WriteString("\r\n")
	}
	for _, l := range lines {
		switch commandVerb(l) {
		case "CWD", "CDUP", "XCWD", "XCUP":
			c.pwd = ""
		}
		c.logSent(l)
	}
	if _, err := c.conn.Write([]byte(b.String())); err != nil {
		return c.fail(ctx, err)
	}
	return nil
}

func (c *Conn) readReplies(ctx context.Context, n int) ([]*Reply, error) {
	replies := make([]*Reply, 0, n)
	for range n {
		r, err := c.readReply(ctx)
		if err != nil {
			return replies, err
		}
		replies = append(replies, r)
	}
	return replies, nil
}

// canPipelineTransfer reports whether a transfer can send EPSV, REST and
// its command in one write: pipelining is on, passive mode with EPSV is in
// use, and an EPSV data connection on this Conn has already worked (so
// its ports are reachable: a pipelined command the server acts on cannot
// be taken back).
func (c *Conn) canPipelineTransfer() bool {
	return c.pipelining() && !c.opts.Active && !c.opts.DisableEPSV && !c.noEPSV && c.epsvProven
}

// startPipelined is StartTransfer in one round trip: before (commands
// whose replies the caller wants, such as MDTM), EPSV, REST and the
// transfer command go out together; the data connection is made when the
// EPSV reply arrives and, with PROT P, its TLS handshake starts at once,
// overlapping the wait for the 1xx reply. When EPSV is refused (the
// replies of REST and the command then tell nothing), the Conn stops
// pipelining and ok is false: the caller starts the transfer again the
// ordinary way.
func (c *Conn) startPipelined(ctx context.Context, before []string, line string, offset int64, t *Transfer) (replies []*Reply, ok bool, err error) {
	lines := append([]string(nil), before...)
	// A port asked for during the previous transfer (see prefetchPort)
	// spares the EPSV.
	port := c.nextPort
	c.nextPort = 0
	if port == 0 {
		lines = append(lines, "EPSV")
	}
	if offset > 0 {
		lines = append(lines, "REST "+strconv.FormatInt(offset, 10))
	}
	lines = append(lines, line)
	defer c.guard(ctx)()
	if err := c.writeLines(ctx, lines); err != nil {
		return nil, true, err
	}
	if port != 0 {
		// The connection is made at once; the replies to before are
		// read while it opens.
		return c.startOnPort(ctx, nil, len(before), port, offset, t)
	}
	replies, err = c.readReplies(ctx, len(before)+1)
	if err != nil {
		return replies, true, err
	}
	epsv := replies[len(replies)-1]
	replies = replies[:len(before)]
	rest := len(lines) - len(before) - 1 // REST and the command
	if epsv.Code != CodeExtendedPassive {
		// Without a passive port the command failed; read its reply
		// (and REST's) to stay in step, and go on one step at a time.
		c.logf("EPSV refused in a pipeline (%d); no longer pipelining", epsv.Code)
		c.noPipeline = true
		tail, err := c.readReplies(ctx, rest)
		if err != nil {
			return replies, true, err
		}
		if r := tail[len(tail)-1]; codeClass(r.Code) == ClassPreliminary || codeClass(r.Code) == ClassCompletion {
			// The server started a transfer we have no connection for.
			return replies, true, c.fail(ctx, protocolError("a transfer started without a passive port", r.String()))
		}
		return replies, false, nil
	}
	port, err = parseEPSV(epsv.Text())
	if err != nil {
		// The server now waits for a connection we cannot make.
		return replies, true, c.fail(ctx, err)
	}
	return c.startOnPort(ctx, replies, 0, port, offset, t)
}

// startOnPort goes on with a pipelined transfer once its passive port is
// known: the data connection, the pending replies to the commands sent
// ahead, REST's reply, the command's.
func (c *Conn) startOnPort(ctx context.Context, replies []*Reply, pending int, port int, offset int64, t *Transfer) ([]*Reply, bool, error) {
	conn, err := c.dialData(ctx, net.JoinHostPort(c.dataHost(), strconv.Itoa(port)))
	if err != nil {
		// The server will wait for it and then fail the command: this
		// conversation cannot be brought back in step cheaply.
		return replies, true, c.fail(ctx, err)
	}
	hs := c.startSecureData(ctx, conn)
	if pending > 0 {
		more, err := c.readReplies(ctx, pending)
		replies = append(replies, more...)
		if err != nil {
			hs.abandon()
			return replies, true, err
		}
	}
	if offset > 0 {
		r, err := c.readReply(ctx)
		if err != nil {
			hs.abandon()
			return replies, true, err
		}
		if r.Code != CodePendingFurtherInfo {
			hs.abandon()
			if _, err := c.readReply(ctx); err != nil { // the command's own reply
				return replies, true, err
			}
			return replies, true, replyError("REST", r)
		}
	}
	r, err := c.readReply(ctx)
	if err != nil {
		hs.abandon()
		return replies, true, err
	}
	switch codeClass(r.Code) {
	case ClassPreliminary:
		t.Size = announcedSize(r.Text())
	case ClassCompletion:
		hs.abandon()
		t.done = true
		return replies, true, nil
	default:
		hs.abandon()
		return replies, true, replyError(t.verb, r)
	}
	c.epsvProven = true
	t.raw = conn
	c.busy = true
	if t.conn, err = hs.wait(); err != nil {
		t.finish(ctx, err)
		return replies, true, err
	}
	t.closeNotifyEarly()
	t.stop = context.AfterFunc(ctx, func() { t.raw.SetDeadline(time.Unix(1, 0)) })
	c.prefetchPort(ctx, t)
	return replies, true, nil
}

// prefetchPort asks, on a server that leaves commands queued during a
// transfer (vsftpd), for the next transfer's passive port while this one
// runs: the server answers it right after this transfer's final reply,
// so the next transfer needs no EPSV round trip. An unused port costs
// nothing there: a later EPSV replaces it, and no reply comes unasked.
// The transfer reads the 229 after its final reply (see finish, Abort).
func (c *Conn) prefetchPort(ctx context.Context, t *Transfer) {
	if !c.queuesCommands || !c.canPipelineTransfer() {
		return
	}
	if err := c.writeLines(ctx, []string{"EPSV"}); err == nil {
		t.prefetched = true
	}
}

// takePort reads the reply to a prefetched EPSV, in its place among the
// replies, and keeps the port for the next transfer.
func (t *Transfer) takePort(ctx context.Context) error {
	if !t.prefetched {
		return nil
	}
	t.prefetched = false
	c := t.c
	r, err := c.readReply(ctx)
	if err != nil {
		return err
	}
	if r.Code != CodeExtendedPassive {
		return nil // the next transfer asks again
	}
	if port, err := parseEPSV(r.Text()); err == nil {
		c.nextPort = port
	}
	return nil
}

// handshake is a data connection's TLS handshake running while the
// control connection waits for the transfer command's reply.
type handshake struct {
	raw  net.Conn
	done chan struct{}
	conn net.Conn
	err  error
}

// startSecureData begins securing a data connection in the background;
// without PROT P the connection is ready as it is.
func (c *Conn) startSecureData(ctx context.Context, conn net.Conn) *handshake {
	h := &handshake{raw: conn, done: make(chan struct{})}
	if !c.protected {
		h.conn = conn
		close(h.done)
		return h
	}
	go func() {
		defer close(h.done)
		h.conn, h.err = c.secureData(ctx, conn)
	}()
	return h
}

func (h *handshake) wait() (net.Conn, error) {
	<-h.done
	return h.conn, h.err
}

// abandon closes the data connection of a transfer that did not start.
func (h *handshake) abandon() {
	h.raw.Close()
	<-h.done
}

// StartTransferBatch is StartTransfer with commands sent ahead of it
// (before), whose replies it returns in order, whatever they say: with
// pipelining they travel with the transfer's own commands and cost no
// round trip of their own. The replies are returned even when the
// transfer fails to start.
func (c *Conn) StartTransferBatch(ctx context.Context, before []string, line string, offset int64) (*Transfer, []*Reply, error) {
	if err := c.usable(); err != nil {
		return nil, nil, err
	}
	for _, l := range append(before, line) {
		if err := checkLine(l); err != nil {
			return nil, nil, err
		}
	}
	if c.canPipelineTransfer() {
		t := newTransfer(ctx, c, line)
		replies, ok, err := c.startPipelined(ctx, before, line, offset, t)
		if ok {
			if err != nil {
				return nil, replies, err
			}
			return t, replies, nil
		}
		t, err = c.startTransfer(ctx, line, offset)
		return t, replies, err
	}
	replies, err := c.Batch(ctx, before...)
	if err != nil {
		return nil, replies, err
	}
	t, err := c.startTransfer(ctx, line, offset)
	return t, replies, err
}

// CloseBatch completes the transfer like Close and then sends lines (a
// size check, MFMT after an upload) without waiting for the transfer's
// final reply first: with pipelining they leave once the data connection
// is closed (on vsftpd, which leaves commands queued during a transfer,
// as soon as an upload's data is sent), and the server answers them after
// the final reply. Their replies are returned in order, whatever they
// say; after a failed transfer they are not sent.
func (t *Transfer) CloseBatch(lines ...string) ([]*Reply, error) {
	c := t.c
	for _, l := range lines {
		if err := checkLine(l); err != nil {
			t.Close()
			return nil, err
		}
	}
	if t.done || !c.pipelining() || len(lines) == 0 {
		if err := t.Close(); err != nil {
			return nil, err
		}
		return c.Batch(context.WithoutCancel(t.ctx), lines...)
	}
	t.after = lines
	if err := t.Close(); err != nil {
		return nil, err
	}
	replies := t.afterReplies
	if len(replies) != len(lines) {
		return replies, errors.New("ftp: replies missing after a transfer")
	}
	return replies, nil
}

// Check returns nil when the reply matches expect (a class such as 2, or
// a full code such as 213), and else the *Error the command would have
// returned on its own: for judging the replies of a Batch.
func (r *Reply) Check(cmd string, expect int) error {
	if codeMatches(r.Code, expect) {
		return nil
	}
	return replyError(cmd, r)
}
