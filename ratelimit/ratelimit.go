// Package ratelimit caps the bytes per second of a whole run (--limit-rate,
// a bookmark's limit_rate, the queue panel's limit key): one Limiter is
// shared by every connection, so four parallel transfers together stay
// under the limit, and it can be changed or lifted while they run. It
// wraps golang.org/x/time/rate's token bucket and knows nothing of FTP.
package ratelimit

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"golang.org/x/time/rate"
)

// Limiter is a byte rate shared by all readers and writers made from it.
// It is safe for concurrent use; the zero rate means unlimited.
type Limiter struct {
	lim *rate.Limiter
}

// New returns a Limiter of bytesPerSecond (0 or less: unlimited).
func New(bytesPerSecond int64) *Limiter {
	l := &Limiter{lim: rate.NewLimiter(rate.Inf, 0)}
	l.SetRate(bytesPerSecond)
	return l
}

// SetRate changes the rate at once, also for transfers under way; 0 or
// less lifts the limit.
func (l *Limiter) SetRate(bytesPerSecond int64) {
	if bytesPerSecond <= 0 {
		l.lim.SetLimit(rate.Inf)
		return
	}
	// The burst is what may pass at once: a twentieth of a second's worth
	// (at least 4 KiB, so reads stay large; never above the rate, so a
	// slow limit is not exceeded by its first read; at most 256 KiB).
	// The bucket starts full, so over 10 s the overshoot is below 0.5%.
	burst := min(max(bytesPerSecond/20, 4<<10), bytesPerSecond, 256<<10)
	l.lim.SetBurst(int(burst))
	l.lim.SetLimit(rate.Limit(bytesPerSecond))
}

// Rate returns the current rate in bytes per second; 0 means unlimited.
func (l *Limiter) Rate() int64 {
	if l == nil || l.lim.Limit() == rate.Inf {
		return 0
	}
	return int64(l.lim.Limit())
}

// chunk is the most one read or write may move: the burst, or any amount
// when unlimited.
func (l *Limiter) chunk(n int) int {
	if n <= 0 || l.lim.Limit() == rate.Inf {
		return n
	}
	return max(min(n, l.lim.Burst()), 1)
}

// wait takes n bytes' worth of tokens, in pieces no larger than the burst
// (which SetRate may change meanwhile).
func (l *Limiter) wait(ctx context.Context, n int) error {
	for n > 0 {
		if l.lim.Limit() == rate.Inf {
			return nil
		}
		k := l.chunk(n)
		if err := l.lim.WaitN(ctx, k); err != nil {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			continue // the burst shrank between chunk and WaitN
		}
		n -= k
	}
	return nil
}

// Reader returns r slowed to the limiter's rate; cancelling ctx ends a
// wait with ctx's error. A nil Limiter returns r.
func (l *Limiter) Reader(ctx context.Context, r io.Reader) io.Reader {
	if l == nil {
		return r
	}
	return &reader{ctx: ctx, l: l, r: r}
}

// Writer returns w slowed to the limiter's rate; cancelling ctx ends a
// wait with ctx's error. A nil Limiter returns w.
func (l *Limiter) Writer(ctx context.Context, w io.Writer) io.Writer {
	if l == nil {
		return w
	}
	return &writer{ctx: ctx, l: l, w: w}
}

type reader struct {
	ctx context.Context
	l   *Limiter
	r   io.Reader
}

// Read reads at most a burst, then waits for what it read: waiting
// afterwards charges only bytes that really came.
func (r *reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p[:r.l.chunk(len(p))])
	if n > 0 {
		if werr := r.l.wait(r.ctx, n); werr != nil && err == nil {
			err = werr
		}
	}
	return n, err
}

type writer struct {
	ctx context.Context
	l   *Limiter
	w   io.Writer
}

func (w *writer) Write(p []byte) (int, error) {
	done := 0
	for done < len(p) {
		k := w.l.chunk(len(p) - done)
		if err := w.l.wait(w.ctx, k); err != nil {
			return done, err
		}
		n, err := w.w.Write(p[done : done+k])
		done += n
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// Parse reads a rate as curl's and wget's --limit-rate write it: bytes per
// second, with an optional K, M or G suffix (powers of 1024; "k", "KB",
// "KiB" and "K/s" mean the same), decimals allowed ("1.5M"). "0" and ""
// mean unlimited.
func Parse(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, nil
	}
	num := strings.ToUpper(t)
	num = strings.TrimSuffix(num, "/S")
	num = strings.TrimSuffix(num, "IB")
	num = strings.TrimSuffix(num, "B")
	mult := 1.0
	if n := len(num); n > 0 {
		switch num[n-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		}
		if mult != 1 {
			num = num[:n-1]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) || v*mult > 1<<50 {
		return 0, fmt.Errorf("rate %q: want bytes per second such as 500K or 2M (0 for no limit)", s)
	}
	bps := int64(v * mult)
	if v > 0 && bps == 0 {
		return 0, fmt.Errorf("rate %q: less than one byte per second", s)
	}
	return bps, nil
}

// Format writes a rate the way Parse reads it ("500K", "1.5M"), or
// "unlimited".
func Format(bps int64) string {
	if bps <= 0 {
		return "unlimited"
	}
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}} {
		if bps >= u.size {
			v := strconv.FormatFloat(float64(bps)/float64(u.size), 'f', 2, 64)
			v = strings.TrimRight(strings.TrimRight(v, "0"), ".")
			return v + u.suffix
		}
	}
	return strconv.FormatInt(bps, 10)
}
