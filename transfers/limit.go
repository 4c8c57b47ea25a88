package transfers

import (
	"context"
	"io"
)

// SetRateLimit caps the bytes per second of all transfers together, at
// once for those under way; 0 lifts the limit.
func (q *Queue) SetRateLimit(bytesPerSecond int64) {
	q.opts.Limit.SetRate(bytesPerSecond)
	q.note.poke()
}

// RateLimit returns the current cap in bytes per second; 0 is none.
func (q *Queue) RateLimit() int64 { return q.opts.Limit.Rate() }

// limited slows r, a transfer's source, to the queue's rate limit; the
// wait ends when ctx (the attempt's) is cancelled.
func (q *Queue) limited(ctx context.Context, r io.Reader) io.Reader {
	return q.opts.Limit.Reader(ctx, r)
}
