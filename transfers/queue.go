// Package transfers is ferry's transfer queue: jobs that download or
// upload one file, or a directory tree that expands into such jobs, run by
// a few workers that each hold their own logged-in connection.
//
// The queue resumes what was interrupted (a download grows NAME.part and is
// renamed when complete and verified; an upload continues with REST+STOR),
// retries temporary failures with backoff, settles existing targets by a
// conflict Policy, keeps modification times, and never writes outside the
// local folder a job names, whatever names and links the server shows.
//
// The queue never pushes messages. A user interface waits on Changed, which
// delivers at most about ten notifications a second however fast bytes
// flow and never loses the last one, and then reads Snapshot, a copy of
// every job's status. Bytes are counted with atomic adds, so the transfer
// loop takes no lock.
//
// The package knows the protocol engine and the listing parser; it knows
// nothing of terminals, panes or key bindings.
package transfers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"ferry/protocol"
	"ferry/ratelimit"
)

// Defaults for the zero fields of Options.
const (
	DefaultWorkers     = 2
	MaxWorkers         = 10
	DefaultIdleTimeout = 30 * time.Second
	DefaultRetries     = 5
	DefaultRetryDelay  = time.Second
	DefaultMaxDepth    = 64
	// maxWaitingFiles: with this many files waiting, folders are listed
	// only when no file is left to copy.
	maxWaitingFiles = 100_000
	maxRetryDelay   = time.Minute
)

// Options configure a Queue.
type Options struct {
	// Dial opens a connection to site and logs in. Workers call it lazily,
	// once per connection, and keep the connection for job after job; it
	// must be safe for concurrent use. Required.
	Dial func(ctx context.Context, site string) (*protocol.Conn, error)
	// Workers is how many jobs run at once, each on its own connection:
	// 1 to MaxWorkers, 0 meaning DefaultWorkers.
	Workers int
	// MaxParallel lets the queue open more connections than Workers,
	// one at a time up to MaxParallel (at most MaxWorkers), while it is
	// latency-bound: small files finishing with many more queued. A
	// server's "too many connections" refusal lowers the limit to what
	// it took, without failing the job. 0 means Workers (no growth).
	MaxParallel int
	// IdleTimeout is how long a worker keeps its connection while the
	// queue has nothing for it; 0 means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// Policy settles existing targets; the zero value is Ask.
	Policy Policy
	// Retries is how many times a job is tried again after a temporary
	// failure (a 4xx reply, a dropped or timed-out connection): 0 means
	// DefaultRetries, negative means never. An attempt that moved bytes
	// before failing does not use up a retry. Permanent failures (5xx
	// replies, local errors) are never retried.
	Retries int
	// RetryDelay is the wait before the first retry; it doubles for each
	// further one, up to a minute. 0 means DefaultRetryDelay.
	RetryDelay time.Duration
	// PartialsDir keeps the records that prove a partial download belongs
	// to its source (see DefaultPartialsDir); "" keeps them in memory, so
	// only this queue's own partials are resumed.
	PartialsDir string
	// ForgetDone drops file jobs from the queue once done, keeping only
	// their count and bytes in snapshots: for a command line that reports
	// failures and needs no history, so a long walk's memory stays flat.
	ForgetDone bool
	// MaxDepth bounds how deep a directory job descends: deeper folders
	// fail with the reason. 0 means DefaultMaxDepth.
	MaxDepth int
	// StatePath is the file the queue saves itself to as it changes
	// (atomically, mode 0600), for Load at the next start; "" saves
	// nothing. See DefaultStatePath.
	StatePath string
	// Limit caps the bytes per second of all workers together; nil
	// starts unlimited. SetRateLimit changes it while jobs run.
	Limit *ratelimit.Limiter
}

// Errors of the control methods.
var (
	ErrNoJob    = errors.New("transfers: no such job")
	ErrBadState = errors.New("transfers: not possible in the job's state")
	ErrClosed   = errors.New("transfers: queue closed")
)

// Causes with which an active job's context is cancelled.
var (
	errPaused    = errors.New("paused")
	errCancelled = errors.New("cancelled")
	errRemoved   = errors.New("removed")
	errRequeued  = errors.New("queue paused")
	errClosing   = errors.New("queue closed")
)

// Queue is a transfer queue. Its methods are safe for concurrent use.
type Queue struct {
	opts  Options
	ctx   context.Context // cancelled by Close
	stop  context.CancelFunc
	note  *notifier
	moved atomic.Int64 // bytes moved by all jobs, for the queue's speed
	wg    sync.WaitGroup
	// run executes one attempt of a job; tests replace it.
	run func(w *worker, a *attempt) error

	mu       sync.Mutex
	jobs     []*job // in queue order
	byID     map[ID]*job
	lastID   ID
	counts   [NumStates]int
	dirsQd   int // queued directory jobs
	hint     int // no job before this index is Queued
	actives  map[ID]*job
	workers  int          // the limit
	ceiling  int          // how far the limit may grow (Options.MaxParallel)
	conns    atomic.Int32 // workers' open connections
	running  int          // worker goroutines
	paused   bool
	policy   Policy
	closed   bool
	bcast    chan struct{} // closed and replaced at every change
	roots    map[string]*os.Root
	partials *journal
	// fxpRefused holds the (source, target) site pairs whose direct
	// copies failed: they relay.
	fxpRefused map[[2]string]bool
	// Children waiting to become jobs (see lazy.go), and their totals.
	waits        []*waiting
	lazyBatch    int
	waitingFiles int
	waitingDirs  int
	waitingBytes int64
	// Jobs forgotten by ForgetDone: their totals, and how many are still
	// in jobs awaiting compaction.
	forgotFiles int
	forgotBytes int64
	nForgotten  int
	lastBatch   uint32
	// batchPolicy holds the decisions "apply to all" made, for the jobs of
	// one batch (one Add and what its folders expand into) only.
	batchPolicy map[uint32]Policy
	sampling    bool
	speed       float64
	speedOK     bool
	saving      bool // a save is scheduled
	saveErr     error
	saveMu      sync.Mutex // serialises writes of the state file
}

// job is the queue's record of one job; its fields are guarded by
// Queue.mu except the atomic counters.
type job struct {
	id, parent ID
	batch      uint32 // the Add call the job comes from
	spec       Spec
	state      State
	reason     string
	attempts   int
	retryAt    time.Time
	decision   Policy // from Resolve; Ask when none
	conflict   ConflictInfo
	// started: the job has written to its target, so a later attempt of
	// an upload resumes it instead of meeting it as a conflict.
	started   bool
	forgotten bool         // done and dropped (Options.ForgetDone)
	via       string       // how a Copy went
	target    remoteTarget // an upload's target, as the parent's listing showed it
	cancel    context.CancelCauseFunc

	done, total atomic.Int64
	doneAtStart int64
	lastDone    int64
	speed       float64
	sampled     bool
}

// remoteTarget is what a directory listing said of an upload's target.
type remoteTarget struct {
	listed bool // the parent directory was listed (or just created)
	exists bool
	facts  Facts
}

// New returns an empty queue. Workers start when jobs are added.
func New(opts Options) *Queue {
	if opts.Workers == 0 {
		opts.Workers = DefaultWorkers
	}
	opts.Workers = min(max(opts.Workers, 1), MaxWorkers)
	opts.MaxParallel = min(max(opts.MaxParallel, opts.Workers), MaxWorkers)
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.Retries == 0 {
		opts.Retries = DefaultRetries
	}
	if opts.RetryDelay <= 0 {
		opts.RetryDelay = DefaultRetryDelay
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	if opts.Limit == nil {
		opts.Limit = ratelimit.New(0)
	}
	ctx, stop := context.WithCancel(context.Background())
	q := &Queue{
		opts:    opts,
		ctx:     ctx,
		stop:    stop,
		note:    newNotifier(),
		byID:    make(map[ID]*job),
		actives: make(map[ID]*job),
		workers: opts.Workers,
		ceiling: opts.MaxParallel,
		policy:  opts.Policy,
		bcast:   make(chan struct{}),
		roots:   make(map[string]*os.Root),

		partials:    newJournal(opts.PartialsDir),
		lazyBatch:   defaultLazyBatch,
		batchPolicy: make(map[uint32]Policy),
	}
	q.run = (*worker).do
	return q
}

// Changed delivers a notification after the queue changed: a job's state,
// its bytes, the order. Notifications come at most every 100ms, a change
// never goes without one, and several changes may share one. Read
// Snapshot after each.
func (q *Queue) Changed() <-chan struct{} { return q.note.ch }

// Add appends jobs to the queue and returns their IDs.
func (q *Queue) Add(specs ...Spec) []ID { return q.AddWithPolicy(Ask, specs...) }

// AddWithPolicy is Add for jobs whose existing targets p settles instead
// of the queue's policy (Ask: the queue's): a sync plan that already
// chose what to replace adds its copies with Overwrite.
func (q *Queue) AddWithPolicy(p Policy, specs ...Spec) []ID {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return nil
	}
	ids := make([]ID, 0, len(specs))
	q.lastBatch++
	if p != Ask {
		q.batchPolicy[q.lastBatch] = p
	}
	for _, s := range specs {
		j := q.newJob(s, 0)
		j.batch = q.lastBatch
		q.jobs = append(q.jobs, j)
		ids = append(ids, j.id)
	}
	q.changed(true)
	return ids
}

// newJob makes a Queued job and registers it (but does not place it in
// q.jobs).
func (q *Queue) newJob(s Spec, parent ID) *job {
	q.lastID++
	j := &job{id: q.lastID, parent: parent, spec: s}
	j.total.Store(-1)
	if s.Source.Known && !s.Dir {
		j.total.Store(s.Source.Size)
	}
	q.byID[j.id] = j
	j.state = Queued
	q.counts[Queued]++
	if s.Dir {
		q.dirsQd++
	}
	return j
}

// setState moves j to s, keeping the counts.
func (q *Queue) setState(j *job, s State) {
	if j.state == s {
		return
	}
	q.counts[j.state]--
	q.counts[s]++
	if j.spec.Dir {
		if j.state == Queued {
			q.dirsQd--
		}
		if s == Queued {
			q.dirsQd++
		}
	}
	if s == Queued {
		q.hint = 0
	}
	j.state = s
}

// changed wakes the workers and Wait, notifies the reader of Changed and,
// for changes worth keeping, schedules a save. q.mu must be held.
func (q *Queue) changed(save bool) {
	q.refill()
	close(q.bcast)
	q.bcast = make(chan struct{})
	q.note.poke()
	if save {
		q.scheduleSave()
	}
	q.kick()
}

// kick starts workers while there are queued jobs for them.
func (q *Queue) kick() {
	if q.closed || q.paused {
		return
	}
	want := min(q.workers, q.counts[Queued]+q.counts[Active])
	for q.running < want {
		q.running++
		q.wg.Add(1)
		go (&worker{q: q}).loop()
	}
}

// pick returns the next runnable job: queued directory jobs first (so the
// totals are known early), then files in queue order. When none is
// runnable now it returns how long until a retry is due, or -1.
func (q *Queue) pick(now time.Time) (*job, time.Duration) {
	// Folders first, so the totals are known early; but not while many
	// files wait, or a deep tree of huge folders would be listed whole
	// before anything is copied, and held in memory.
	preferDirs := q.dirsQd > 0 && q.waitingFiles+q.counts[Queued]-q.dirsQd < maxWaitingFiles
	var file, dir *job
	wait := time.Duration(-1)
	for i := q.hint; i < len(q.jobs); i++ {
		j := q.jobs[i]
		if j.state != Queued {
			if i == q.hint {
				q.hint++
			}
			continue
		}
		if d := j.retryAt.Sub(now); d > 0 {
			if wait < 0 || d < wait {
				wait = d
			}
			continue
		}
		if j.spec.Dir {
			if preferDirs {
				return j, 0
			}
			if dir == nil {
				dir = j
			}
			continue
		}
		if file == nil {
			file = j
			if !preferDirs {
				break
			}
		}
	}
	switch {
	case file != nil:
		return file, 0
	case dir != nil:
		return dir, 0
	}
	return nil, wait
}

// attempt is one run of a job by a worker: a copy of what the worker
// needs, so it reads the job without the lock.
type attempt struct {
	ctx     context.Context
	j       *job
	spec    Spec
	policy  Policy
	started bool
	target  remoteTarget
}

// next hands a worker its next job. With nothing runnable it returns a
// channel that is closed at the next change and how long until a retry is
// due (-1 if none); exit tells the worker to end.
func (q *Queue) next() (a *attempt, wake <-chan struct{}, wait time.Duration, exit bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || q.running > q.workers {
		q.running--
		return nil, nil, 0, true
	}
	wait = -1
	if !q.paused {
		var j *job
		j, wait = q.pick(time.Now())
		if j != nil {
			return q.start(j), nil, 0, false
		}
	}
	return nil, q.bcast, wait, false
}

// retire ends an idle worker unless queued jobs wait for it.
func (q *Queue) retire() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.counts[Queued] > 0 && !q.paused && !q.closed {
		return false
	}
	q.running--
	return true
}

// start makes j active. q.mu must be held.
func (q *Queue) start(j *job) *attempt {
	ctx, cancel := context.WithCancelCause(q.ctx)
	j.cancel = cancel
	j.attempts++
	j.retryAt = time.Time{}
	j.doneAtStart = j.done.Load()
	j.lastDone = j.doneAtStart
	j.sampled = false
	q.setState(j, Active)
	q.actives[j.id] = j
	if !q.sampling {
		q.sampling = true
		go q.sample()
	}
	p := j.decision
	if p == Ask {
		var ok bool
		if p, ok = q.batchPolicy[j.batch]; !ok {
			p = q.policy
		}
	}
	q.changed(true)
	return &attempt{ctx: ctx, j: j, spec: j.spec, policy: p, started: j.started, target: j.target}
}

// finish records the end of an attempt. leave tells the worker to end
// (the server refused its connection for its limit).
func (q *Queue) finish(a *attempt, err error) (leave bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	j := a.j
	cause := context.Cause(a.ctx)
	j.cancel(nil)
	j.cancel = nil
	delete(q.actives, j.id)
	j.speed = 0
	if _, ok := q.byID[j.id]; !ok || errors.Is(cause, errRemoved) {
		q.counts[j.state]--
		q.changed(true)
		return false
	}
	var skip *skipError
	var conflict *conflictError
	var tooMany *tooManyError
	j.reason = ""
	switch {
	case err == nil:
		q.setState(j, Done)
		q.maybeGrow(j)
		q.forget(j)
	case errors.As(err, &tooMany) && cause == nil && q.running > 1:
		q.refused(j)
		leave = true
	case errors.Is(cause, errPaused):
		q.setState(j, Paused)
	case errors.Is(cause, errCancelled):
		q.setState(j, Cancelled)
		j.reason = "cancelled"
	case errors.Is(cause, errRequeued), errors.Is(cause, errClosing):
		j.attempts--
		q.setState(j, Queued)
	case errors.As(err, &skip):
		q.setState(j, Skipped)
		j.reason = skip.reason
	case errors.As(err, &conflict):
		q.setState(j, Conflict)
		j.conflict = conflict.info
	default:
		if j.done.Load() > j.doneAtStart {
			j.attempts = 1 // progress: this failure is the first of a new series
		}
		j.reason = err.Error()
		if temporary(err) && q.opts.Retries > 0 && j.attempts <= q.opts.Retries {
			q.setState(j, Queued)
			j.retryAt = time.Now().Add(q.backoff(j.attempts))
		} else {
			q.setState(j, Failed)
		}
	}
	q.changed(true)
	return leave
}

// backoff is the wait before the retry that follows attempt n.
func (q *Queue) backoff(n int) time.Duration {
	d := q.opts.RetryDelay
	for i := 1; i < n && d < maxRetryDelay; i++ {
		d *= 2
	}
	return min(d, maxRetryDelay)
}

// sample updates the smoothed speeds while jobs are active and notifies
// when bytes moved. It runs only while some job is active.
func (q *Queue) sample() {
	t := time.NewTicker(notifyInterval)
	defer t.Stop()
	last := time.Now()
	lastMoved := q.moved.Load()
	for now := range t.C {
		dt := now.Sub(last)
		last = now
		moved := q.moved.Load()
		q.mu.Lock()
		q.speed = ewma(q.speed, float64(moved-lastMoved)/dt.Seconds(), dt, !q.speedOK)
		q.speedOK = true
		for _, j := range q.actives {
			d := j.done.Load()
			j.speed = ewma(j.speed, float64(d-j.lastDone)/dt.Seconds(), dt, !j.sampled)
			j.sampled = true
			j.lastDone = d
		}
		if len(q.actives) == 0 {
			q.sampling = false
			q.speed, q.speedOK = 0, false
			q.mu.Unlock()
			q.note.poke()
			return
		}
		q.mu.Unlock()
		if moved != lastMoved {
			q.note.poke()
		}
		lastMoved = moved
	}
}

// Snapshot returns a copy of the queue's state, every job included.
func (q *Queue) Snapshot() Snapshot { return q.Window(0, -1) }

// Window is Snapshot with only the jobs from index first, at most n of
// them (n < 0: all), in Jobs: enough for a view that shows a screenful of
// a long queue, without copying the rest. The totals, counts and Active
// cover the whole queue.
func (q *Queue) Window(first, n int) Snapshot {
	q.mu.Lock()
	defer q.mu.Unlock()
	first = min(max(first, 0), len(q.jobs))
	last := len(q.jobs)
	if n >= 0 {
		last = min(first+n, last)
	}
	s := Snapshot{
		Jobs:    make([]JobStatus, 0, last-first),
		First:   first,
		Len:     len(q.jobs),
		Paused:  q.paused,
		Workers: q.workers,
		Conns:   int(q.conns.Load()),
		Policy:  q.policy,
		Counts:  q.counts,
		Speed:   q.speed,
	}
	totalKnown := true
	var remaining int64 // bytes still to move for queued and active jobs
	for i, j := range q.jobs {
		if j.forgotten {
			continue
		}
		done, total := j.done.Load(), j.total.Load()
		if (i >= first && i < last) || j.state == Active {
			st := q.status(j, done, total)
			if i >= first && i < last {
				s.Jobs = append(s.Jobs, st)
			}
			if j.state == Active {
				s.Active = append(s.Active, st)
			}
		}
		if j.spec.Dir {
			if !j.state.Finished() {
				totalKnown = false
			}
			continue
		}
		s.Files[j.state]++
		s.Done += done
		switch {
		case total < 0 && (j.state == Queued || j.state == Active):
			totalKnown = false
		case total < 0:
		case j.state == Queued || j.state == Active:
			s.Total += total
			remaining += max(total-done, 0)
		default:
			s.Total += total
		}
	}
	s.Counts[Queued] += q.waitingFiles + q.waitingDirs
	s.Files[Queued] += q.waitingFiles
	s.Total += q.waitingBytes
	remaining += q.waitingBytes
	if q.waitingDirs > 0 {
		totalKnown = false
	}
	s.Files[Done] += q.forgotFiles
	s.Done += q.forgotBytes
	s.Total += q.forgotBytes
	s.ETA = -1
	if totalKnown && s.Counts[Active] > 0 {
		s.ETA = eta(remaining, s.Speed)
	}
	return s
}

// status copies one job's state. q.mu must be held.
func (q *Queue) status(j *job, done, total int64) JobStatus {
	st := JobStatus{
		ID: j.id, Parent: j.parent, Spec: j.spec, State: j.state, Reason: j.reason,
		Done: done, Total: total, Speed: j.speed, ETA: -1,
		Attempts: j.attempts, RetryAt: j.retryAt, Conflict: j.conflict, Via: j.via,
	}
	if j.state == Active && total >= 0 {
		st.ETA = eta(total-done, st.Speed)
	}
	return st
}

// lookup returns the job with id. q.mu must be held.
func (q *Queue) lookup(id ID) (*job, error) {
	if q.closed {
		return nil, ErrClosed
	}
	j, ok := q.byID[id]
	if !ok {
		return nil, ErrNoJob
	}
	return j, nil
}

func badState(verb string, s State) error {
	return fmt.Errorf("%w: cannot %s a %s job", ErrBadState, verb, s)
}

// Pause holds a queued job, or stops an active one (keeping its partial
// data) and holds it.
func (q *Queue) Pause(id ID) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	j, err := q.lookup(id)
	if err != nil {
		return err
	}
	switch j.state {
	case Queued, Conflict:
		q.setState(j, Paused)
	case Active:
		j.cancel(errPaused)
		return nil
	default:
		return badState("pause", j.state)
	}
	q.changed(true)
	return nil
}

// Resume queues a paused job again.
func (q *Queue) Resume(id ID) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	j, err := q.lookup(id)
	if err != nil {
		return err
	}
	if j.state != Paused {
		return badState("resume", j.state)
	}
	q.setState(j, Queued)
	j.retryAt = time.Time{}
	q.changed(true)
	return nil
}

// Cancel stops a job for good (until Retry). An active transfer is
// aborted with ABOR; what it transferred is kept (a download's NAME.part)
// so that Retry resumes it.
func (q *Queue) Cancel(id ID) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	j, err := q.lookup(id)
	if err != nil {
		return err
	}
	switch j.state {
	case Queued, Paused, Conflict:
		q.setState(j, Cancelled)
		j.reason = "cancelled"
	case Active:
		j.cancel(errCancelled)
		return nil
	default:
		return badState("cancel", j.state)
	}
	q.changed(true)
	return nil
}

// Retry queues a failed, cancelled or skipped job again with a fresh count
// of attempts, or starts a job waiting for its retry at once.
func (q *Queue) Retry(id ID) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	j, err := q.lookup(id)
	if err != nil {
		return err
	}
	switch j.state {
	case Failed, Cancelled, Skipped, Queued:
		q.setState(j, Queued)
		j.attempts, j.retryAt, j.reason = 0, time.Time{}, ""
	default:
		return badState("retry", j.state)
	}
	q.changed(true)
	return nil
}

// Remove takes a job out of the queue, cancelling it first if active. The
// jobs a directory job expanded into stay.
func (q *Queue) Remove(id ID) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	j, err := q.lookup(id)
	if err != nil {
		return err
	}
	i := slices.Index(q.jobs, j)
	q.jobs = slices.Delete(q.jobs, i, i+1)
	delete(q.byID, id)
	if i < q.hint {
		q.hint--
	}
	if j.state == Active {
		j.cancel(errRemoved) // finish fixes the counts
	} else {
		q.setState(j, Done) // out of the Queued count, then out of all
		q.counts[Done]--
	}
	q.changed(true)
	return nil
}

// Move shifts a job delta places in the queue (negative: towards the
// front), stopping at either end.
func (q *Queue) Move(id ID, delta int) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	j, err := q.lookup(id)
	if err != nil {
		return err
	}
	i := slices.Index(q.jobs, j)
	to := min(max(i+delta, 0), len(q.jobs)-1)
	if to == i {
		return nil
	}
	q.jobs = slices.Delete(q.jobs, i, i+1)
	q.jobs = slices.Insert(q.jobs, to, j)
	q.hint = 0
	q.changed(true)
	return nil
}

// ClearFinished removes the jobs that are done, skipped or cancelled.
// Failed jobs stay for Retry or Remove.
func (q *Queue) ClearFinished() {
	q.mu.Lock()
	defer q.mu.Unlock()
	kept := q.jobs[:0]
	for _, j := range q.jobs {
		if j.state == Done || j.state == Skipped || j.state == Cancelled {
			q.counts[j.state]--
			delete(q.byID, j.id)
			continue
		}
		kept = append(kept, j)
	}
	clear(q.jobs[len(kept):])
	q.jobs = kept
	q.hint = 0
	q.forgotFiles, q.forgotBytes, q.nForgotten = 0, 0, 0
	q.changed(true)
}

// PauseAll stops the whole queue: no job starts, and active ones are
// stopped (keeping their partial data) and go back to the queue, to
// continue after ResumeAll.
func (q *Queue) PauseAll() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.paused = true
	for _, j := range q.actives {
		j.cancel(errRequeued)
	}
	q.changed(false)
}

// ResumeAll lets a paused queue run again, and queues the jobs paused one
// by one too: "resume all" means every job.
func (q *Queue) ResumeAll() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.paused = false
	save := false
	for _, j := range q.jobs {
		if j.state == Paused {
			q.setState(j, Queued)
			j.retryAt = time.Time{}
			save = true
		}
	}
	q.changed(save)
}

// Resolve settles a job in the Conflict state with decision (any policy
// but Ask). With applyToAll it settles the same way every waiting
// conflict of the job's batch (the jobs one Add queued, with what their
// folders expand into) and the batch's conflicts to come; jobs added
// later still ask.
func (q *Queue) Resolve(id ID, decision Policy, applyToAll bool) error {
	if decision == Ask || int(decision) >= len(policyNames) {
		return fmt.Errorf("transfers: Resolve needs a decision, not %v", decision)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	j, err := q.lookup(id)
	if err != nil {
		return err
	}
	if j.state != Conflict {
		return badState("resolve", j.state)
	}
	j.decision = decision
	q.setState(j, Queued)
	if applyToAll {
		q.batchPolicy[j.batch] = decision
		for _, o := range q.jobs {
			if o.state == Conflict && o.batch == j.batch {
				o.decision = decision
				q.setState(o, Queued)
			}
		}
	}
	q.changed(true)
	return nil
}

// SetPolicy sets the conflict policy for jobs that have not met their
// conflict yet.
func (q *Queue) SetPolicy(p Policy) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.policy = p
	q.changed(false)
}

// SetWorkers changes how many jobs run at once (1 to MaxWorkers). Surplus
// workers end after their current job.
func (q *Queue) SetWorkers(n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.workers = min(max(n, 1), MaxWorkers)
	q.ceiling = max(q.ceiling, q.workers)
	q.changed(false)
}

// Wait blocks until no job is queued or active (or the queue is paused
// with none active), or ctx ends. Jobs waiting in the Conflict state do
// not keep it waiting.
func (q *Queue) Wait(ctx context.Context) error {
	for {
		q.mu.Lock()
		idle := q.counts[Active] == 0 && (q.paused || q.counts[Queued] == 0)
		ch := q.bcast
		q.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Close stops the workers, aborting active transfers (they are saved as
// queued, their partial data kept), hangs up their connections, and
// saves the queue a last time. It returns the last error of saving.
func (q *Queue) Close() error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil
	}
	q.closed = true
	for _, j := range q.actives {
		j.cancel(errClosing)
	}
	close(q.bcast)
	q.bcast = make(chan struct{})
	q.mu.Unlock()
	q.wg.Wait()
	q.stop()
	err := q.save()
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, r := range q.roots {
		r.Close()
	}
	clear(q.roots)
	if err == nil {
		err = q.saveErr
	}
	return err
}

// root returns the os.Root of a local folder, opened once per queue.
func (q *Queue) root(dir string) (*os.Root, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if r, ok := q.roots[dir]; ok {
		return r, nil
	}
	if dir == "" {
		return nil, errors.New("transfers: job has no local folder")
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	q.roots[dir] = r
	return r, nil
}

// expand inserts the jobs a directory job found right after it.
func (q *Queue) expand(a *attempt, children []child) {
	q.mu.Lock()
	defer q.mu.Unlock()
	parent := a.j
	if q.byID[parent.id] != parent || a.ctx.Err() != nil {
		return
	}
	i := slices.Index(q.jobs, parent) + 1
	added := make([]*job, len(children))
	for k, c := range children {
		j := q.newJob(c.spec, parent.id)
		j.batch = parent.batch
		j.target = c.target
		if c.state != Queued {
			q.setState(j, c.state)
			j.reason = c.reason
		}
		added[k] = j
	}
	q.jobs = slices.Insert(q.jobs, i, added...)
	q.hint = min(q.hint, i)
	q.changed(true)
}

// expandLazy is expand for a folder whose queued children wait in compact
// form (see lazy.go); children holds those that are settled already
// (skipped, failed), which become jobs at once.
func (q *Queue) expandLazy(a *attempt, children []child, lazy []lazyChild) {
	q.expand(a, children)
	q.mu.Lock()
	defer q.mu.Unlock()
	parent := a.j
	if q.byID[parent.id] != parent || a.ctx.Err() != nil {
		return
	}
	folder := a.spec
	q.wait(parent, folder, lazy)
	q.changed(true)
}

// child is a job a directory job found.
type child struct {
	spec   Spec
	state  State // Queued, or Skipped with reason
	reason string
	target remoteTarget
}

// renamed records the new target name RenameNew chose.
func (q *Queue) renamed(j *job, local, remote string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	j.spec.Local, j.spec.Remote = local, remote
	j.decision = Overwrite // the new name is ours: a retry must not rename again
	q.changed(true)
}

// markStarted records that j wrote to its target.
func (q *Queue) markStarted(j *job) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !j.started {
		j.started = true
		q.scheduleSave()
	}
}

// renamedCopy records the new target name RenameNew chose for a Copy.
func (q *Queue) renamedCopy(j *job, dest string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	j.spec.DestRemote = dest
	j.decision = Overwrite // the new name is ours: a retry must not rename again
	q.changed(true)
}

// noFXP reports whether a server-to-server copy between the two sites
// failed before in this queue.
func (q *Queue) noFXP(from, to string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.fxpRefused[[2]string{from, to}]
}

// refuseFXP records that the two sites cannot copy to each other
// directly, so their later copies relay at once.
func (q *Queue) refuseFXP(from, to string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.fxpRefused == nil {
		q.fxpRefused = make(map[[2]string]bool)
	}
	q.fxpRefused[[2]string{from, to}] = true
}

// wentVia records how a Copy job moved its data.
func (q *Queue) wentVia(j *job, via string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	j.via = via
	q.changed(false)
}

// unmarkStarted forgets that j wrote to its target: what it wrote is wrong
// and must not be continued.
func (q *Queue) unmarkStarted(j *job) {
	q.mu.Lock()
	defer q.mu.Unlock()
	j.started = false
	q.scheduleSave()
}

// progressFrom sets the bytes an attempt starts with (a resumed part)
// without counting them as speed.
func (q *Queue) progressFrom(j *job, n int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	j.done.Store(n)
	j.doneAtStart, j.lastDone = n, n
}
