package transfers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"ferry/config"
)

// saveDelay gathers a burst of changes into one write of the state file.
const saveDelay = 500 * time.Millisecond

// stateVersion is the format of the state file.
const stateVersion = 1

// Saved is a job as the state file keeps it. Jobs that are done, skipped
// or cancelled are not kept (the user ended them); an active job is kept
// as queued.
type Saved struct {
	ID     ID     `json:"id"`
	Parent ID     `json:"parent,omitempty"`
	Spec   Spec   `json:"spec"`
	State  State  `json:"state"`
	Reason string `json:"reason,omitempty"`
	// Started: an upload wrote to its target, which a resumed job
	// continues instead of meeting as a conflict.
	Started  bool   `json:"started,omitempty"`
	Decision Policy `json:"decision,omitempty"`
}

type stateFile struct {
	Version int     `json:"version"`
	Jobs    []Saved `json:"jobs"`
}

// DefaultStatePath returns where ferry keeps its queue:
// $XDG_STATE_HOME/ferry/queue.json, or ~/.local/state/ferry/queue.json.
func DefaultStatePath() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(dir) { // the XDG spec says to ignore relative paths
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "ferry", "queue.json"), nil
}

// Load reads a queue saved at path. A missing file is an empty queue.
// Offer the jobs to the user, then give them to Restore; the queue saving
// at path overwrites the file at its first change.
func Load(path string) ([]Saved, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var f stateFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("transfers: %s: %w", path, err)
	}
	if f.Version != stateVersion {
		return nil, fmt.Errorf("transfers: %s: unknown version %d", path, f.Version)
	}
	// Only what is left to do is offered (files from older versions kept
	// cancelled jobs).
	jobs := f.Jobs[:0]
	for _, s := range f.Jobs {
		if s.State != Done && s.State != Skipped && s.State != Cancelled {
			jobs = append(jobs, s)
		}
	}
	return jobs, nil
}

// Restore adds saved jobs to the queue, keeping their order and directory
// grouping, and returns their new IDs. Restoring is the user's "resume":
// failed jobs stay failed (for Retry), paused ones are queued again, and
// finished or cancelled ones (older files kept them) are left out.
func (q *Queue) Restore(saved []Saved) []ID {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return nil
	}
	ids := make([]ID, 0, len(saved))
	newID := make(map[ID]ID, len(saved))
	for _, s := range saved {
		if s.State == Done || s.State == Skipped || s.State == Cancelled {
			continue
		}
		j := q.newJob(s.Spec, newID[s.Parent])
		newID[s.ID] = j.id
		j.started, j.decision = s.Started, s.Decision
		if s.State == Failed {
			q.setState(j, Failed)
			j.reason = s.Reason
		}
		q.jobs = append(q.jobs, j)
		ids = append(ids, j.id)
	}
	q.changed(true)
	return ids
}

// scheduleSave writes the state file soon. q.mu must be held.
func (q *Queue) scheduleSave() {
	if q.opts.StatePath == "" || q.saving || q.closed {
		return
	}
	q.saving = true
	time.AfterFunc(saveDelay, func() {
		q.mu.Lock()
		q.saving = false
		q.mu.Unlock()
		if err := q.save(); err != nil {
			q.mu.Lock()
			q.saveErr = err
			q.mu.Unlock()
		}
	})
}

// save writes the unfinished jobs to the state file, or removes the file
// when there are none.
func (q *Queue) save() error {
	if q.opts.StatePath == "" {
		return nil
	}
	q.saveMu.Lock()
	defer q.saveMu.Unlock()
	q.mu.Lock()
	f := stateFile{Version: stateVersion, Jobs: []Saved{}}
	// A folder whose children are not all jobs yet is saved as queued, to
	// be listed again.
	unfinished := make(map[*job]bool, len(q.waits))
	for _, w := range q.waits {
		unfinished[w.parent] = true
	}
	for _, j := range q.jobs {
		st := j.state
		switch {
		case unfinished[j]:
			st = Queued
		case st == Done, st == Skipped, st == Cancelled:
			continue
		case st == Active, st == Conflict:
			st = Queued
		}
		f.Jobs = append(f.Jobs, Saved{
			ID: j.id, Parent: j.parent, Spec: j.spec, State: st, Reason: j.reason,
			Started: j.started, Decision: j.decision,
		})
	}
	q.mu.Unlock()
	if len(f.Jobs) == 0 {
		err := os.Remove(q.opts.StatePath)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	data, err := json.MarshalIndent(f, "", "\t")
	if err != nil {
		return err
	}
	return config.WriteAtomic(q.opts.StatePath, data)
}
