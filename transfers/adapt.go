package transfers

// Adaptive parallelism. Over a slow link a small file costs round trips,
// not bandwidth, so more connections finish a tree of small files sooner:
// the queue starts with Options.Workers connections and, while it is
// latency-bound (small files done, many more queued), adds one at a time
// up to Options.MaxParallel. A server that refuses one more connection
// ("421 Too many connections", a 530 that says so) sets the ceiling: the
// refused worker ends, its job goes back to the queue without using up an
// attempt, and the queue does not grow past what the server took.

// smallFile is the size below which a file's transfer is dominated by
// round trips on any link slower than a LAN.
const smallFile = 1 << 20

// growBacklog is how many queued files each connection must have ahead
// of it for a new one to pay for its login.
const growBacklog = 4

// tooManyError is a refused connection: the server is at its limit.
type tooManyError struct{ err error }

func (e *tooManyError) Error() string {
	return "the server refused one more connection: " + e.err.Error()
}
func (e *tooManyError) Unwrap() error { return e.err }

// maybeGrow adds a worker after a small file finished when the queue is
// latency-bound and below its ceiling. q.mu must be held.
func (q *Queue) maybeGrow(j *job) {
	if j.spec.Dir || j.total.Load() > smallFile || q.workers >= q.ceiling || q.paused {
		return
	}
	if q.counts[Queued]+q.waitingFiles < growBacklog*(q.workers+1) {
		return
	}
	q.workers++
	q.kick()
}

// refused handles a worker whose connection the server refused for its
// limit while other workers hold connections: the job is queued again
// without counting the attempt, the worker ends, and the queue's limit
// and ceiling become what the server took. (The last worker's refusal is
// an ordinary temporary failure, retried after a delay.) q.mu must be
// held.
func (q *Queue) refused(j *job) {
	j.attempts--
	q.setState(j, Queued)
	j.reason = ""
	q.running--
	q.workers = max(min(q.workers, q.running), 1)
	q.ceiling = q.workers
}
