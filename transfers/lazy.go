package transfers

import (
	"path"
	"slices"
	"time"

	"ferry/protocol/listing"
)

// A folder of many entries is not turned into jobs all at once. Its
// children wait in a compact form (a name, a size, a time) and become jobs
// a batch at a time as the queue drains, so a walk of a huge tree holds
// little more than the names it has yet to copy, whatever the server
// lists. Snapshots count the waiting children as queued.

const (
	// defaultLazyBatch is how many waiting children become jobs at a time;
	// below half as many queued file jobs, the next batch is made.
	defaultLazyBatch = 1000
)

// lazyChild is a child waiting to become a job: what a listing said of it.
type lazyChild struct {
	name string // the raw name
	// aux is, for a file, its partial's name when not name + ".part"; for
	// a folder, its identity for loop detection (see Spec.Seen).
	aux   string
	size  int64 // -1 unknown
	mtime int64 // Unix nanoseconds; meaningful when prec is not TimeUnknown
	prec  listing.Precision
	dir   bool
}

func (c *lazyChild) facts() Facts {
	f := Facts{Known: true, Size: c.size, Precision: c.prec}
	if c.prec != listing.TimeUnknown {
		f.ModTime = time.Unix(0, c.mtime).UTC()
	}
	return f
}

// waiting is one folder's children that are not jobs yet.
type waiting struct {
	parent *job
	folder Spec // the directory job's spec: where the children go
	items  []lazyChild
	next   int  // the first child not made yet
	after  *job // the last job made from it, or the folder's job
}

// spec returns the job spec of child c.
func (w *waiting) spec(c *lazyChild) Spec {
	s := Spec{
		Site: w.folder.Site, Direction: w.folder.Direction, LocalRoot: w.folder.LocalRoot,
		Remote: path.Join(w.folder.Remote, c.name), Local: path.Join(w.folder.Local, c.name),
		Segments: w.folder.Segments,
	}
	if c.dir {
		s.Dir = true
		s.Depth = w.folder.Depth + 1
		s.Seen = append(slices.Clip(w.folder.Seen), c.aux)
		return s
	}
	s.Source = c.facts()
	if c.aux != "" {
		s.Part = path.Join(w.folder.Local, c.aux)
	}
	return s
}

// wait adds a folder's children to be made into jobs as the queue drains.
// q.mu must be held.
func (q *Queue) wait(parent *job, folder Spec, items []lazyChild) {
	if len(items) == 0 {
		return
	}
	q.waits = append(q.waits, &waiting{parent: parent, folder: folder, items: items, after: parent})
	for i := range items {
		q.countWaiting(&items[i], 1)
	}
}

// countWaiting keeps the totals of waiting children.
func (q *Queue) countWaiting(c *lazyChild, n int) {
	if c.dir {
		q.waitingDirs += n
		return
	}
	q.waitingFiles += n
	if c.size >= 0 {
		q.waitingBytes += int64(n) * c.size
	}
}

// refill makes waiting children into jobs while few file jobs are queued.
// q.mu must be held.
func (q *Queue) refill() {
	for len(q.waits) > 0 && q.counts[Queued]-q.dirsQd < q.lazyBatch/2 {
		w := q.waits[0]
		n := min(q.lazyBatch, len(w.items)-w.next)
		at := len(q.jobs)
		if i := slices.Index(q.jobs, w.after); i >= 0 {
			at = i + 1
		}
		made := make([]*job, n)
		for k := range n {
			c := &w.items[w.next+k]
			j := q.newJob(w.spec(c), w.parent.id)
			j.batch = w.parent.batch
			made[k] = j
			q.countWaiting(c, -1)
			*c = lazyChild{} // let the name go
		}
		q.jobs = slices.Insert(q.jobs, at, made...)
		q.hint = min(q.hint, at)
		w.next += n
		w.after = made[n-1]
		if w.next == len(w.items) {
			q.waits[0] = nil
			q.waits = q.waits[1:]
		}
	}
}

// forget drops finished file jobs from the queue when Options.ForgetDone
// asks for it, keeping their count and bytes in the totals. q.mu must be
// held.
func (q *Queue) forget(j *job) {
	if !q.opts.ForgetDone || j.spec.Dir || j.state != Done {
		return
	}
	j.forgotten = true
	q.forgotFiles++
	q.forgotBytes += j.done.Load()
	delete(q.byID, j.id)
	q.nForgotten++
	if q.nForgotten > 4096 && q.nForgotten > len(q.jobs)/4 {
		kept := q.jobs[:0]
		for _, o := range q.jobs {
			if !o.forgotten {
				kept = append(kept, o)
			}
		}
		clear(q.jobs[len(kept):])
		q.jobs = kept
		q.nForgotten = 0
		q.hint = 0
	}
}
