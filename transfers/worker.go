package transfers

import (
	"context"
	"errors"
	"io"
	"time"

	"ferry/protocol"
)

// bufSize is each worker's copy buffer: large enough that per-call costs
// vanish on fast links, reused for every job.
const bufSize = 256 << 10

// worker runs jobs one after another on its own connection, which it
// opens when first needed (or when the site changes) and keeps until the
// queue has had nothing for it for IdleTimeout.
type worker struct {
	q    *Queue
	conn *protocol.Conn
	site string
	// A Copy's target server, on a second connection of the worker's own.
	dest     *protocol.Conn
	destSite string
	buf      []byte
}

func (w *worker) loop() {
	defer w.q.wg.Done()
	defer w.hangUp()
	idleSince := time.Now()
	for {
		a, wake, wait, exit := w.q.next()
		if exit {
			return
		}
		if a != nil {
			err := w.q.run(w, a)
			if !inStep(err) {
				w.check()
			}
			if w.q.finish(a, err) {
				return
			}
			idleSince = time.Now()
			continue
		}
		d := w.q.opts.IdleTimeout - time.Since(idleSince)
		if d <= 0 {
			w.hangUp()
			if wait < 0 && w.q.retire() {
				return
			}
			d = time.Hour
		}
		if wait >= 0 && wait < d {
			d = wait
		}
		t := time.NewTimer(d)
		select {
		case <-wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// connect returns the worker's connection to site, dialling if needed.
func (w *worker) connect(ctx context.Context, site string) (*protocol.Conn, error) {
	if w.conn != nil && w.site == site {
		return w.conn, nil
	}
	w.hangUp()
	c, err := w.dial(ctx, site)
	if err != nil {
		return nil, err
	}
	w.conn, w.site = c, site
	return c, nil
}

// connectDest returns the worker's connection to a Copy's target site.
func (w *worker) connectDest(ctx context.Context, site string) (*protocol.Conn, error) {
	if w.dest != nil && w.destSite == site {
		return w.dest, nil
	}
	w.quit(&w.dest)
	c, err := w.dial(ctx, site)
	if err != nil {
		return nil, err
	}
	w.dest, w.destSite = c, site
	return c, nil
}

// dial opens one more connection for the worker, counting it for the
// queue's Snapshot; a refusal for the server's connection limit becomes
// a tooManyError (see adapt.go).
func (w *worker) dial(ctx context.Context, site string) (*protocol.Conn, error) {
	c, err := w.q.opts.Dial(ctx, site)
	if err != nil {
		if errors.Is(err, protocol.ErrTooManyConnections) {
			return nil, &tooManyError{err}
		}
		return nil, err
	}
	w.q.conns.Add(1)
	return c, nil
}

// check keeps the connections only if they still answer NOOP: after a
// cancellation or a network failure they may be out of step with the
// server.
func (w *worker) check() {
	for _, c := range []**protocol.Conn{&w.conn, &w.dest} {
		if *c == nil {
			continue
		}
		ctx, cancel := context.WithTimeout(w.q.ctx, 5*time.Second)
		if err := (*c).Noop(ctx); err != nil {
			(*c).Close()
			*c = nil
			w.q.conns.Add(-1)
		}
		cancel()
	}
}

// hangUp says QUIT and closes the connections.
func (w *worker) hangUp() {
	w.quit(&w.conn)
	w.quit(&w.dest)
}

func (w *worker) quit(c **protocol.Conn) {
	if *c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	(*c).Quit(ctx)
	*c = nil
	w.q.conns.Add(-1)
}

// do runs one attempt of a job.
func (w *worker) do(a *attempt) error {
	if w.buf == nil {
		w.buf = make([]byte, bufSize)
	}
	switch {
	case a.spec.Dir && a.spec.Direction == Copy:
		return w.expandCopy(a)
	case a.spec.Direction == Copy:
		return w.copy(a)
	case a.spec.Dir && a.spec.Direction == Download:
		return w.expandDownload(a)
	case a.spec.Dir:
		return w.expandUpload(a)
	case a.spec.Direction == Download:
		return w.download(a)
	}
	return w.upload(a)
}

// copyDown copies a retrieval into dst, counting bytes as they arrive. It
// gathers reads until the buffer is half full before writing, so a TLS
// stream's 16 KiB records become few large writes.
func (w *worker) copyDown(dst io.Writer, src io.Reader, j *job) (int64, error) {
	var total int64
	buf := w.buf
	for {
		n := 0
		var rerr error
		for n < len(buf)/2 && rerr == nil {
			var m int
			m, rerr = src.Read(buf[n:])
			n += m
			j.done.Add(int64(m))
			w.q.moved.Add(int64(m))
		}
		if n > 0 {
			if _, err := dst.Write(buf[:n]); err != nil {
				return total, err
			}
			total += int64(n)
		}
		if rerr == io.EOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
	}
}

// copyUp copies src into an upload, counting bytes as they are sent.
func (w *worker) copyUp(dst io.Writer, src io.Reader, j *job) (int64, error) {
	var total int64
	for {
		n, rerr := src.Read(w.buf)
		if n > 0 {
			m, err := dst.Write(w.buf[:n])
			total += int64(m)
			j.done.Add(int64(m))
			w.q.moved.Add(int64(m))
			if err != nil {
				return total, err
			}
		}
		if rerr == io.EOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
	}
}

// abort ends a failed transfer and keeps the failure that caused it.
func abort(t *protocol.Transfer, err error) error {
	if aerr := t.Abort(); aerr != nil && !errors.Is(err, aerr) {
		return errors.Join(err, aerr)
	}
	return err
}
