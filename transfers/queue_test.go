package transfers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/protocol/listing"
)

// Unit tests of the queue's state machine: the worker's job runner is
// replaced by a script, so no server is involved.

// fakeQueue returns a queue whose jobs run script instead of transfers.
func fakeQueue(t *testing.T, opts Options, script func(a *attempt) error) *Queue {
	t.Helper()
	if opts.Dial == nil {
		opts.Dial = func(context.Context, string) (*protocol.Conn, error) {
			return nil, errors.New("no dialling in unit tests")
		}
	}
	q := New(opts)
	q.run = func(_ *worker, a *attempt) error { return script(a) }
	t.Cleanup(func() { q.Close() })
	return q
}

func file(name string) Spec {
	return Spec{Site: "s", Direction: Download, Remote: name, LocalRoot: "/nowhere", Local: name}
}

func wait(t *testing.T, q *Queue) Snapshot {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := q.Wait(ctx); err != nil {
		t.Fatalf("Wait: %v\n%s", err, describe(q.Snapshot()))
	}
	return q.Snapshot()
}

func status(q *Queue, id ID) JobStatus {
	for _, j := range q.Snapshot().Jobs {
		if j.ID == id {
			return j
		}
	}
	return JobStatus{}
}

func reply(code int) error { return &protocol.Error{Cmd: "RETR", Code: code, Msg: "scripted"} }

func TestTemporaryFailuresAreRetriedWithBackoff(t *testing.T) {
	var mu sync.Mutex
	var times []time.Time
	q := fakeQueue(t, Options{RetryDelay: 20 * time.Millisecond}, func(a *attempt) error {
		mu.Lock()
		defer mu.Unlock()
		times = append(times, time.Now())
		if len(times) < 3 {
			return reply(421)
		}
		return nil
	})
	id := q.Add(file("a"))[0]
	wait(t, q)
	j := status(q, id)
	if j.State != Done || j.Attempts != 3 {
		t.Fatalf("%s after %d attempts (%s)", j.State, j.Attempts, j.Reason)
	}
	if d1, d2 := times[1].Sub(times[0]), times[2].Sub(times[1]); d1 < 20*time.Millisecond || d2 < 40*time.Millisecond {
		t.Errorf("waits %v, %v: want at least 20ms, then 40ms", d1, d2)
	}
}

func TestConnectionFailuresCountAsTemporary(t *testing.T) {
	for _, err := range []error{
		reply(421), reply(450), protocol.ErrClosed, &os.SyscallError{Syscall: "read", Err: os.ErrDeadlineExceeded},
		errors.Join(errors.New("ftp: RETR data connection"), errors.New("x"), protocol.ErrClosed),
	} {
		if !temporary(err) {
			t.Errorf("%v: not temporary", err)
		}
	}
	for _, err := range []error{reply(550), reply(530), failf("size mismatch"), os.ErrPermission, protocol.ErrUnsafeArgument} {
		if temporary(err) {
			t.Errorf("%v: temporary", err)
		}
	}
}

func TestPermanentFailureFailsAtOnceWithTheReply(t *testing.T) {
	q := fakeQueue(t, Options{RetryDelay: time.Millisecond}, func(a *attempt) error {
		if a.spec.Remote == "denied" {
			return reply(550)
		}
		return nil
	})
	ids := q.Add(file("ok1"), file("denied"), file("ok2"))
	s := wait(t, q)
	if j := status(q, ids[1]); j.State != Failed || j.Attempts != 1 || !strings.Contains(j.Reason, "550 scripted") {
		t.Errorf("denied: %s after %d attempts: %q", j.State, j.Attempts, j.Reason)
	}
	if s.Counts[Done] != 2 || s.Counts[Failed] != 1 {
		t.Errorf("counts %v", s.Counts)
	}
}

func TestRetriesRunOutThenTheJobFails(t *testing.T) {
	q := fakeQueue(t, Options{Retries: 2, RetryDelay: time.Millisecond}, func(*attempt) error { return reply(421) })
	id := q.Add(file("a"))[0]
	wait(t, q)
	if j := status(q, id); j.State != Failed || j.Attempts != 3 {
		t.Fatalf("%s after %d attempts", j.State, j.Attempts)
	}
}

func TestAttemptThatMovedBytesDoesNotUseUpARetry(t *testing.T) {
	n := 0
	q := fakeQueue(t, Options{Retries: 1, RetryDelay: time.Millisecond}, func(a *attempt) error {
		n++
		if n <= 4 {
			a.j.done.Add(100) // progress, then a drop
			return protocol.ErrClosed
		}
		return nil
	})
	id := q.Add(file("a"))[0]
	wait(t, q)
	if j := status(q, id); j.State != Done {
		t.Fatalf("%s after %d attempts: %s", j.State, j.Attempts, j.Reason)
	}
}

// blocker runs jobs until their context ends, so tests can act on active
// jobs; started receives each job as it starts.
func blocker(started chan<- ID) func(a *attempt) error {
	return func(a *attempt) error {
		started <- a.j.id
		<-a.ctx.Done()
		return context.Cause(a.ctx)
	}
}

func TestPauseResumeCancelRetryMoveAJobThroughItsStates(t *testing.T) {
	started := make(chan ID, 10)
	q := fakeQueue(t, Options{Workers: 1}, blocker(started))
	ids := q.Add(file("a"), file("b"))
	a, b := ids[0], ids[1]
	if got := <-started; got != a {
		t.Fatalf("started %d, want %d", got, a)
	}
	expect := func(id ID, want State) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for status(q, id).State != want {
			if time.Now().After(deadline) {
				t.Fatalf("job %d is %s, want %s", id, status(q, id).State, want)
			}
			time.Sleep(time.Millisecond)
		}
	}
	if err := q.Pause(a); err != nil {
		t.Fatal(err)
	}
	expect(a, Paused)
	if got := <-started; got != b { // the worker moved on
		t.Fatalf("started %d, want %d", got, b)
	}
	if err := q.Pause(b); err != nil {
		t.Fatal(err)
	}
	expect(b, Paused)
	if err := q.Resume(a); err != nil {
		t.Fatal(err)
	}
	<-started
	expect(a, Active)
	if err := q.Cancel(a); err != nil {
		t.Fatal(err)
	}
	expect(a, Cancelled)
	if err := q.Cancel(b); err != nil { // paused, not active
		t.Fatal(err)
	}
	expect(b, Cancelled)
	if err := q.Resume(a); !errors.Is(err, ErrBadState) {
		t.Errorf("Resume of a cancelled job: %v", err)
	}
	if err := q.Retry(b); err != nil {
		t.Fatal(err)
	}
	<-started
	expect(b, Active)
	if err := q.Remove(b); err != nil {
		t.Fatal(err)
	}
	s := wait(t, q)
	if len(s.Jobs) != 1 || s.Jobs[0].ID != a || s.Counts != [NumStates]int{Cancelled: 1} {
		t.Errorf("after remove: %v\n%s", s.Counts, describe(s))
	}
	if err := q.Pause(99); !errors.Is(err, ErrNoJob) {
		t.Errorf("Pause of a missing job: %v", err)
	}
}

func TestPauseAllStopsActiveJobsAndResumeAllRestartsThem(t *testing.T) {
	started := make(chan ID, 10)
	q := fakeQueue(t, Options{Workers: 2}, blocker(started))
	q.Add(file("a"), file("b"), file("c"))
	<-started
	<-started
	q.PauseAll()
	s := wait(t, q) // paused with nothing active counts as idle
	if !s.Paused || s.Counts[Queued] != 3 || s.Counts[Active] != 0 {
		t.Fatalf("paused: %v", s.Counts)
	}
	select {
	case id := <-started:
		t.Fatalf("job %d started in a paused queue", id)
	case <-time.After(50 * time.Millisecond):
	}
	q.ResumeAll()
	<-started
	<-started
	if s := q.Snapshot(); s.Counts[Active] != 2 {
		t.Errorf("after ResumeAll: %v", s.Counts)
	}
}

func TestMoveClearAndOrder(t *testing.T) {
	var mu sync.Mutex
	var order []string
	q := fakeQueue(t, Options{Workers: 1}, func(a *attempt) error {
		mu.Lock()
		order = append(order, a.spec.Remote)
		mu.Unlock()
		if a.spec.Remote == "skip" {
			return skipf("scripted")
		}
		return nil
	})
	q.PauseAll()
	ids := q.Add(file("a"), file("b"), file("c"), Spec{Site: "s", Remote: "dir", Dir: true}, file("skip"))
	q.Move(ids[2], -5) // c to the front
	q.Move(ids[0], 1)  // a after b
	q.ResumeAll()
	s := wait(t, q)
	// The directory job goes first whatever its place, then files in order.
	if want := []string{"dir", "c", "b", "a", "skip"}; !slices.Equal(order, want) {
		t.Errorf("order %q, want %q", order, want)
	}
	if s.Counts[Done] != 4 || s.Counts[Skipped] != 1 {
		t.Fatalf("counts %v", s.Counts)
	}
	q.ClearFinished()
	if s := q.Snapshot(); len(s.Jobs) != 0 || s.Counts != [NumStates]int{} {
		t.Errorf("after ClearFinished: %v %v", len(s.Jobs), s.Counts)
	}
}

func TestDirectoryJobExpandsIntoChildrenRightAfterIt(t *testing.T) {
	var q *Queue
	q = fakeQueue(t, Options{Workers: 1}, func(a *attempt) error {
		if a.spec.Dir {
			q.expand(a, []child{
				{spec: file("d/x")},
				{spec: file("d/unsafe"), state: Skipped, reason: "unsafe name"},
			})
		}
		return nil
	})
	q.PauseAll()
	ids := q.Add(file("first"), Spec{Site: "s", Remote: "d", Dir: true}, file("last"))
	q.ResumeAll()
	s := wait(t, q)
	var got []string
	for _, j := range s.Jobs {
		got = append(got, j.Remote+":"+j.State.String())
		if j.Remote == "d/x" && j.Parent != ids[1] {
			t.Errorf("child's parent %d, want %d", j.Parent, ids[1])
		}
	}
	if want := []string{"first:done", "d:done", "d/x:done", "d/unsafe:skipped", "last:done"}; !slices.Equal(got, want) {
		t.Errorf("queue %q, want %q", got, want)
	}
}

func TestChangedIsRateLimitedAndTheFinalStateAlwaysArrives(t *testing.T) {
	var q *Queue
	q = fakeQueue(t, Options{Workers: 4}, func(a *attempt) error {
		for range 50 {
			a.j.done.Add(1000)
			q.moved.Add(1000)
		}
		time.Sleep(100 * time.Microsecond)
		return nil
	})
	specs := make([]Spec, 2000)
	for i := range specs {
		specs[i] = file("f")
	}
	start := time.Now()
	notes := 0
	var last Snapshot
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-q.Changed():
				notes++
				last = q.Snapshot()
				if last.Counts[Done] == len(specs) {
					return
				}
			case <-time.After(2 * time.Second):
				return // the final notification never came
			}
		}
	}()
	q.Add(specs...)
	<-done
	elapsed := time.Since(start)
	if last.Counts[Done] != len(specs) {
		t.Fatalf("last notified snapshot has %d done of %d", last.Counts[Done], len(specs))
	}
	if max := int(elapsed/notifyInterval) + 2; notes > max {
		t.Errorf("%d notifications in %v; want at most %d", notes, elapsed, max)
	}
}

func TestSnapshotReportsSpeedAndETAWhileActive(t *testing.T) {
	started := make(chan ID, 1)
	var q *Queue
	q = fakeQueue(t, Options{}, func(a *attempt) error {
		a.j.total.Store(10 << 20)
		started <- a.j.id
		for a.ctx.Err() == nil {
			a.j.done.Add(10 << 10)
			q.moved.Add(10 << 10)
			time.Sleep(time.Millisecond)
		}
		return context.Cause(a.ctx)
	})
	id := q.Add(file("a"))[0]
	<-started
	time.Sleep(500 * time.Millisecond)
	s := q.Snapshot()
	j := status(q, id)
	if s.Speed <= 0 || j.Speed <= 0 || j.ETA <= 0 || s.ETA <= 0 {
		t.Errorf("speed %v/%v, ETA %v/%v", s.Speed, j.Speed, s.ETA, j.ETA)
	}
	q.Cancel(id)
}

func TestConflictWaitsForResolveAndApplyToAllCoversOnlyItsBatch(t *testing.T) {
	q := fakeQueue(t, Options{Workers: 1}, func(a *attempt) error {
		if a.policy == Ask {
			return &conflictError{ConflictInfo{Target: a.spec.Local}}
		}
		if a.policy == Skip {
			return skipf("by decision")
		}
		return nil
	})
	ids := q.Add(file("a"), file("b"), file("c"))
	s := wait(t, q)
	if s.Counts[Conflict] != 3 {
		t.Fatalf("counts %v", s.Counts)
	}
	if err := q.Resolve(ids[0], Ask, false); err == nil {
		t.Error("Resolve with Ask accepted")
	}
	q.Resolve(ids[0], Overwrite, false)
	wait(t, q)
	if j := status(q, ids[0]); j.State != Done {
		t.Fatalf("a: %s", j.State)
	}
	q.Resolve(ids[1], Skip, true)
	s = wait(t, q)
	if s.Counts[Skipped] != 2 || s.Policy != Ask {
		t.Errorf("counts %v policy %v; want 2 skipped and the queue still asking", s.Counts, s.Policy)
	}
	// The decision was for that batch: a later copy asks for itself.
	later := q.Add(file("d"))[0]
	wait(t, q)
	if j := status(q, later); j.State != Conflict {
		t.Errorf("a job added after apply-to-all: %s; want conflict", j.State)
	}
}

func TestDecideFollowsEachPolicy(t *testing.T) {
	at := func(s string) time.Time { t, _ := time.Parse(time.DateTime, s); return t }
	f := func(size int64, mt string, p listing.Precision) Facts {
		return Facts{Known: true, Size: size, ModTime: at(mt), Precision: p}
	}
	sec, minute := listing.TimeSecond, listing.TimeMinute
	for _, c := range []struct {
		name     string
		p        Policy
		src, dst Facts
		want     action
	}{
		{"ask", Ask, f(1, "2024-01-01 10:00:00", sec), f(1, "2024-01-01 10:00:00", sec), actAsk},
		{"overwrite", Overwrite, f(1, "2024-01-01 10:00:00", sec), f(1, "2024-01-01 10:00:00", sec), actFresh},
		{"skip", Skip, f(9, "2025-01-01 10:00:00", sec), f(1, "2024-01-01 10:00:00", sec), actSkip},
		{"rename", RenameNew, f(1, "2024-01-01 10:00:00", sec), f(1, "2024-01-01 10:00:00", sec), actRename},
		{"resume shorter", Resume, f(10, "2024-01-01 10:00:00", sec), f(4, "2024-01-01 10:00:00", sec), actResume},
		{"resume complete", Resume, f(10, "2024-01-01 10:00:00", sec), f(10, "2024-01-01 10:00:00", sec), actSkip},
		{"resume longer", Resume, f(10, "2024-01-01 10:00:00", sec), f(12, "2024-01-01 10:00:00", sec), actFresh},
		{"newer source", OverwriteIfNewer, f(5, "2024-01-01 10:00:01", sec), f(5, "2024-01-01 10:00:00", sec), actFresh},
		{"older source", OverwriteIfNewer, f(5, "2024-01-01 09:00:00", sec), f(5, "2024-01-01 10:00:00", sec), actSkip},
		{"same minute", OverwriteIfNewer, f(5, "2024-01-01 10:00:00", minute), f(5, "2024-01-01 10:00:59", sec), actSkip},
		{"next minute", OverwriteIfNewer, f(5, "2024-01-01 10:01:00", minute), f(5, "2024-01-01 10:00:59", sec), actFresh},
		{"interrupted copy", OverwriteIfNewer, f(9, "2024-01-01 09:00:00", sec), f(5, "2024-01-01 10:00:00", sec), actFresh},
		{"unknown times same size", OverwriteIfNewer, Facts{Known: true, Size: 5}, Facts{Known: true, Size: 5}, actSkip},
	} {
		if got, _ := decide(c.p, c.src, c.dst); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

func TestNumberedKeepsTheExtension(t *testing.T) {
	for in, want := range map[string]string{
		"a.txt":         "a (2).txt",
		"dir/b.tar.gz":  "dir/b.tar (2).gz",
		".bashrc":       ".bashrc (2)",
		"noext":         "noext (2)",
		"d.d/file":      "d.d/file (2)",
		"x/ünï côdé.md": "x/ünï côdé (2).md",
	} {
		if got := numbered(in, 2); got != want {
			t.Errorf("numbered(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLocalPathsThatLeaveTheFolderAreRefused(t *testing.T) {
	for _, p := range []string{"../x", "a/../../x", "/etc/passwd"} {
		if _, err := localPath(p); err == nil {
			t.Errorf("%q accepted", p)
		}
	}
	for _, p := range []string{"a", "a/b c/ü", ".hidden", "a/./b"} {
		if _, err := localPath(p); err != nil {
			t.Errorf("%q refused: %v", p, err)
		}
	}
	// A job that names one fails without touching the disk or the server.
	q := New(Options{Dial: func(context.Context, string) (*protocol.Conn, error) {
		t.Error("dialled for a job that must fail first")
		return nil, errors.New("no")
	}})
	defer q.Close()
	dir := t.TempDir()
	id := q.Add(Spec{Site: "s", Remote: "x", LocalRoot: dir, Local: "../escape"})[0]
	wait(t, q)
	if j := status(q, id); j.State != Failed {
		t.Errorf("%s %s", j.State, j.Reason)
	}
}

func TestQueueIsSavedAndRestored(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state", "ferry", "queue.json")
	started := make(chan ID, 10)
	q := fakeQueue(t, Options{Workers: 1, StatePath: path}, blocker(started))
	ids := q.Add(file("active"), file("paused"), file("queued"), Spec{Site: "s", Remote: "d", Dir: true}, file("cancelled"))
	<-started // the directory job, first
	q.Pause(ids[1])
	q.Cancel(ids[4])
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v %v", fi, err)
	}
	if fi, _ := os.Stat(filepath.Dir(path)); fi.Mode().Perm() != 0o700 {
		t.Errorf("state dir mode %v", fi.Mode())
	}
	saved, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	q2 := fakeQueue(t, Options{Workers: 1}, func(*attempt) error { return nil })
	q2.PauseAll()
	q2.Restore(saved)
	var got []string
	for _, j := range q2.Snapshot().Jobs {
		got = append(got, j.Remote+":"+j.State.String())
	}
	// Resuming a saved queue continues what was paused; cancelled jobs
	// are not saved, so they are not offered again.
	if want := []string{"active:queued", "paused:queued", "queued:queued", "d:queued"}; !slices.Equal(got, want) {
		t.Errorf("restored %q, want %q", got, want)
	}
	if saved, err := Load(filepath.Join(dir, "missing.json")); err != nil || saved != nil {
		t.Errorf("missing file: %v %v", saved, err)
	}
}

func TestDefaultStatePathFollowsXDG(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/xdg/state")
	if p, _ := DefaultStatePath(); p != "/xdg/state/ferry/queue.json" {
		t.Errorf("%q", p)
	}
	t.Setenv("XDG_STATE_HOME", "relative")
	t.Setenv("HOME", "/home/u")
	if p, _ := DefaultStatePath(); p != "/home/u/.local/state/ferry/queue.json" {
		t.Errorf("%q", p)
	}
}

func TestPolicyNamesRoundTrip(t *testing.T) {
	for _, name := range []string{"ask", "overwrite", "skip", "resume", "newer", "rename"} {
		p, err := ParsePolicy(name)
		if err != nil || p.String() != name {
			t.Errorf("%q: %v %v", name, p, err)
		}
	}
	if _, err := ParsePolicy("sometimes"); err == nil {
		t.Error("bad name accepted")
	}
}

func TestWindowCopiesOnlyTheAskedJobsButCountsThemAll(t *testing.T) {
	started := make(chan ID, 1)
	q := fakeQueue(t, Options{Workers: 1}, blocker(started))
	specs := make([]Spec, 10)
	for i := range specs {
		specs[i] = file(fmt.Sprint(i))
		specs[i].Source = Facts{Known: true, Size: 100}
	}
	ids := q.Add(specs...)
	<-started
	s := q.Window(4, 3)
	if len(s.Jobs) != 3 || s.First != 4 || s.Len != 10 || s.Jobs[0].ID != ids[4] {
		t.Fatalf("window: %d jobs from %d of %d", len(s.Jobs), s.First, s.Len)
	}
	if len(s.Active) != 1 || s.Active[0].ID != ids[0] || s.Files[Queued] != 9 || s.Total != 1000 {
		t.Errorf("active %v, files %v, total %d", s.Active, s.Files, s.Total)
	}
	if s := q.Window(20, 5); len(s.Jobs) != 0 || s.First != 10 {
		t.Errorf("past the end: %d jobs from %d", len(s.Jobs), s.First)
	}
	q.PauseAll()
}

func TestSecondInstanceCannotClaimTheQueueState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ferry", "queue.json")
	release, err := LockState(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockState(path); !errors.Is(err, ErrLocked) {
		t.Fatalf("second claim while held: %v, want ErrLocked", err)
	}
	release()
	again, err := LockState(path)
	if err != nil {
		t.Fatalf("claim after release: %v", err)
	}
	again()
}

func TestResumeAllQueuesJobsPausedOneByOneAndClearFinishedDropsCancelled(t *testing.T) {
	q := fakeQueue(t, Options{Workers: 1}, func(*attempt) error { return nil })
	q.PauseAll()
	ids := q.Add(file("paused"), file("cancelled"), file("queued"))
	if err := q.Pause(ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := q.Cancel(ids[1]); err != nil {
		t.Fatal(err)
	}
	q.ResumeAll()
	s := wait(t, q)
	if s.Counts[Done] != 2 || s.Counts[Paused] != 0 || s.Counts[Cancelled] != 1 {
		t.Fatalf("after ResumeAll: %v, want the paused job done too", s.Counts)
	}
	q.ClearFinished()
	if s := q.Snapshot(); len(s.Jobs) != 0 || s.Counts != [NumStates]int{} {
		t.Errorf("after ClearFinished: %d jobs %v, want none", len(s.Jobs), s.Counts)
	}
}

func TestAddWithPolicySettlesOnlyItsOwnJobsConflicts(t *testing.T) {
	q := fakeQueue(t, Options{Workers: 1}, func(a *attempt) error {
		if a.policy == Ask {
			return &conflictError{ConflictInfo{Target: a.spec.Local}}
		}
		return nil
	})
	planned := q.AddWithPolicy(Overwrite, file("a"), file("b"))
	asked := q.Add(file("c"))
	wait(t, q)
	for _, id := range planned {
		if j := status(q, id); j.State != Done {
			t.Errorf("%s: %s; want done with the batch's Overwrite", j.Local, j.State)
		}
	}
	if j := status(q, asked[0]); j.State != Conflict {
		t.Errorf("a plain Add: %s; want conflict (the queue's Ask)", j.State)
	}
}
