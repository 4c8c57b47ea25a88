package transfers

import (
	"math"
	"sync"
	"time"
)

// notifyInterval is the shortest time between two notifications on
// Changed: at most ten a second, however fast bytes flow.
const notifyInterval = 100 * time.Millisecond

// notifier delivers "something changed" on a channel of capacity one,
// never blocking and never more often than every notifyInterval. A poke
// that comes too soon is not dropped but delayed until the interval has
// passed, so the last change is always followed by a notification; the
// reader then takes a Snapshot, which holds the latest state whatever
// number of pokes it stands for.
type notifier struct {
	ch chan struct{}

	mu      sync.Mutex
	last    time.Time
	pending bool // a delayed send is scheduled
}

func newNotifier() *notifier { return &notifier{ch: make(chan struct{}, 1)} }

func (n *notifier) poke() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pending {
		return
	}
	wait := notifyInterval - time.Since(n.last)
	if wait <= 0 {
		n.send()
		return
	}
	n.pending = true
	time.AfterFunc(wait, func() {
		n.mu.Lock()
		defer n.mu.Unlock()
		n.pending = false
		n.send()
	})
}

// send must be called with n.mu held.
func (n *notifier) send() {
	n.last = time.Now()
	select {
	case n.ch <- struct{}{}:
	default: // the reader has not taken the last one yet; it will see this state too
	}
}

// speedTau is the time constant of the smoothed speeds: a change of rate
// shows two-thirds after two seconds.
const speedTau = 2 * time.Second

// ewma folds a rate measured over dt into a smoothed rate.
func ewma(smoothed, rate float64, dt time.Duration, first bool) float64 {
	if first {
		return rate
	}
	alpha := 1 - math.Exp(-float64(dt)/float64(speedTau))
	return smoothed + alpha*(rate-smoothed)
}

// eta estimates the time left to move remaining bytes at speed, or -1.
func eta(remaining int64, speed float64) time.Duration {
	if remaining < 0 || speed < 1 {
		return -1
	}
	if remaining == 0 {
		return 0
	}
	s := float64(remaining) / speed
	if s > float64(math.MaxInt64/int64(time.Second)) {
		return -1
	}
	return time.Duration(s * float64(time.Second))
}
