package transfers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"ferry/protocol"
)

// Segmented downloads (lftp's pget -n): a large file is fetched in ranges
// over several connections at once, each range starting with REST at its
// first byte and ending, short of the file's end, by closing its data
// connection once it has its bytes (the server's 426 for that is
// expected). The ranges are written at their offsets into the one
// partial file, and the partial's journal record carries how far each
// range got, so an interrupted download resumes every range where it
// stopped, and only when the journal proves the partial is of the same
// source. A server without REST STREAM gets one stream; one that refuses
// another login leaves the ranges to the connections it took (at worst
// the worker's own, one range after another).

// SegmentThreshold is the size from which a download is segmented by
// default (Spec.Segments 0), when no other job waits for a connection.
const SegmentThreshold = 64 << 20

// DefaultSegments is how many ranges a segmented download uses by
// default; MaxSegments bounds Spec.Segments.
const (
	DefaultSegments = 4
	MaxSegments     = 16
)

// segmentSaveEvery is how many bytes a range moves between saves of its
// progress to the journal.
const segmentSaveEvery = 2 << 20

// segRange is one range of a segmented download: bytes [Start, End) of
// the file, of which the first Done are written.
type segRange struct {
	Start int64 `json:"start"`
	End   int64 `json:"end"`
	Done  int64 `json:"done"`
}

func (r segRange) pos() int64       { return r.Start + r.Done }
func (r segRange) remaining() int64 { return r.End - r.pos() }

// splitRanges divides size bytes into n ranges of nearly equal length.
func splitRanges(size int64, n int) []segRange {
	rs := make([]segRange, 0, n)
	for i := range n {
		rs = append(rs, segRange{Start: size * int64(i) / int64(n), End: size * int64(i+1) / int64(n)})
	}
	return rs
}

// rangesCover reports whether rs, read back from a journal, are ranges a
// download of size bytes could have made: in order, each within the
// file and touching the next, none done past its end.
func rangesCover(rs []segRange, size int64) bool {
	next := int64(0)
	for _, r := range rs {
		if r.Start != next || r.End < r.Start || r.Done < 0 || r.Done > r.End-r.Start {
			return false
		}
		next = r.End
	}
	return next == size
}

// segmentsFor returns how many ranges a fresh download of src should
// use: Spec.Segments when set, else DefaultSegments for a file of at
// least SegmentThreshold while no other file waits for a connection; 1
// (one stream) when the server lacks REST STREAM or the size is unknown.
func (w *worker) segmentsFor(a *attempt, conn *protocol.Conn, src Facts) int {
	n := a.spec.Segments
	if n == 0 {
		w.q.mu.Lock()
		free := w.q.counts[Queued]+w.q.waitingFiles == 0
		w.q.mu.Unlock()
		if src.Size < SegmentThreshold || !free {
			return 1
		}
		n = DefaultSegments
	}
	n = min(n, MaxSegments)
	if n <= 1 || src.Size < int64(n) || !conn.HasFeature("REST") {
		return 1
	}
	return n
}

// segmented fetches the ranges still missing into f, on conn and on up
// to len(ranges)-1 more connections, each taking the next range not yet
// taken. save records the ranges' progress (the journal); it is called
// as they move and once at the end, whatever happened.
func (w *worker) segmented(a *attempt, conn *protocol.Conn, f *os.File, size int64, ranges []segRange, save func([]segRange) error) error {
	ctx, cancel := context.WithCancelCause(a.ctx)
	defer cancel(nil)
	var (
		mu      sync.Mutex
		next    int   // the next range to take
		failure error // the first failure
	)
	snapshot := func() []segRange {
		mu.Lock()
		defer mu.Unlock()
		return append([]segRange(nil), ranges...)
	}
	take := func() int {
		mu.Lock()
		defer mu.Unlock()
		for next < len(ranges) && ranges[next].remaining() <= 0 {
			next++
		}
		if next == len(ranges) || failure != nil {
			return -1
		}
		next++
		return next - 1
	}
	fail := func(err error) {
		mu.Lock()
		if failure == nil {
			failure = err
		}
		mu.Unlock()
		cancel(err)
	}
	// run serves ranges on c until none is left.
	run := func(c *protocol.Conn, buf []byte) {
		for {
			i := take()
			if i < 0 {
				return
			}
			if err := w.fetchRange(ctx, c, f, a, size, &mu, &ranges[i], buf, func() error { return save(snapshot()) }); err != nil {
				fail(err)
				return
			}
		}
	}

	var helpers sync.WaitGroup
	for range len(ranges) - 1 {
		helpers.Add(1)
		go func() {
			defer helpers.Done()
			c, err := w.q.opts.Dial(ctx, a.spec.Site)
			if err != nil {
				// A refused login (the server's limit, say) leaves the
				// ranges to the connections that have one.
				return
			}
			w.q.conns.Add(1)
			defer func() {
				qctx, qcancel := context.WithTimeout(context.Background(), 2*time.Second)
				c.Quit(qctx)
				qcancel()
				w.q.conns.Add(-1)
			}()
			run(c, make([]byte, bufSize))
		}()
	}
	run(conn, w.buf)
	helpers.Wait()
	serr := save(snapshot())
	if failure != nil {
		return failure
	}
	for _, r := range ranges {
		if r.remaining() > 0 {
			return errors.Join(serr, fmt.Errorf("%s: range %d-%d incomplete", a.spec.Remote, r.pos(), r.End))
		}
	}
	return serr
}

// fetchRange retrieves what remains of r from its position and writes it
// at its offsets in f, saving progress every segmentSaveEvery bytes. A
// range that ends before the file does ends its transfer by closing it:
// the server's failure reply to that is expected.
func (w *worker) fetchRange(ctx context.Context, c *protocol.Conn, f *os.File, a *attempt, size int64, mu *sync.Mutex, r *segRange, buf []byte, save func() error) error {
	mu.Lock()
	pos, end := r.pos(), r.End
	mu.Unlock()
	t, err := c.Open(ctx, a.spec.Remote, pos)
	if err != nil {
		return err
	}
	last := end == size
	if last {
		t.Expect(end - pos)
	}
	src := w.q.limited(ctx, t) // the queue's rate limit covers every range
	sinceSave := int64(0)
	for pos < end {
		n, rerr := io.ReadFull(src, buf[:min(int64(len(buf)), end-pos)])
		if n > 0 {
			if _, err := f.WriteAt(buf[:n], pos); err != nil {
				return errors.Join(err, t.Abort())
			}
			pos += int64(n)
			a.j.done.Add(int64(n))
			w.q.moved.Add(int64(n))
			mu.Lock()
			r.Done = pos - r.Start
			mu.Unlock()
			if sinceSave += int64(n); sinceSave >= segmentSaveEvery {
				sinceSave = 0
				if err := save(); err != nil {
					return errors.Join(err, t.Abort())
				}
			}
		}
		if rerr != nil && pos < end {
			if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
				rerr = fmt.Errorf("%w: the range ended at %d, before %d", protocol.ErrDataShort, pos, end)
			}
			return errors.Join(rerr, t.Abort())
		}
	}
	err = t.Close()
	if last || err == nil {
		return err
	}
	// Closed short of the file's end: the server says the transfer
	// failed (426, 451) or, when it had sent all already, finished short
	// of what it announced. The connection is in step either way.
	var fe *protocol.Error
	if errors.As(err, &fe) || errors.Is(err, protocol.ErrDataShort) {
		return nil
	}
	return err
}
