package transfers

import (
	"fmt"
	"io/fs"
	"time"

	"ferry/protocol/listing"
)

// ID identifies a job within its queue. IDs are never reused.
type ID uint64

// Direction says which way a job moves data.
type Direction uint8

const (
	Download Direction = iota // server to local
	Upload                    // local to server
	Copy                      // server to server: Site/Remote to DestSite/DestRemote
)

var directionNames = [...]string{Download: "download", Upload: "upload", Copy: "copy"}

func (d Direction) String() string { return enumString(directionNames[:], int(d)) }

func (d Direction) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Direction) UnmarshalText(b []byte) error {
	return enumParse(directionNames[:], string(b), "direction", (*uint8)(d))
}

// State is where a job is in its life.
type State uint8

const (
	Queued    State = iota // waiting for a worker (or for its retry time)
	Active                 // a worker is on it
	Done                   // finished and verified
	Failed                 // gave up; Reason says why
	Skipped                // nothing to do (the conflict policy, an unsafe name, a symlink); Reason says why
	Paused                 // held by the user; Resume queues it again
	Cancelled              // stopped by the user; partial data is kept for a Retry
	Conflict               // the target exists and the policy is Ask: waiting for Resolve
)

// NumStates is the number of states, for arrays indexed by State.
const NumStates = 8

var stateNames = [...]string{
	Queued: "queued", Active: "active", Done: "done", Failed: "failed",
	Skipped: "skipped", Paused: "paused", Cancelled: "cancelled", Conflict: "conflict",
}

func (s State) String() string { return enumString(stateNames[:], int(s)) }

func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s *State) UnmarshalText(b []byte) error {
	return enumParse(stateNames[:], string(b), "state", (*uint8)(s))
}

// Finished reports whether the job has reached an end (done, failed,
// skipped or cancelled) that only Retry or Remove changes.
func (s State) Finished() bool {
	return s == Done || s == Failed || s == Skipped || s == Cancelled
}

// Policy decides what happens when a file's target already exists.
type Policy uint8

const (
	// Ask puts the job in the Conflict state until Resolve decides. It is
	// the zero value: a queue nobody configured does not overwrite.
	Ask Policy = iota
	// Overwrite transfers the whole file again over the target.
	Overwrite
	// Skip leaves the target alone.
	Skip
	// Resume continues a target shorter than the source from its end,
	// skips one of the same size, and overwrites one that is longer.
	Resume
	// OverwriteIfNewer transfers the whole file when the source is newer
	// than the target (compared at the coarser of the two times'
	// precisions) or their sizes differ, and skips it otherwise: the rule
	// of lftp's mirror, which keeps a tree up to date and never leaves a
	// shorter, interrupted copy behind.
	OverwriteIfNewer
	// RenameNew keeps the target and writes the new file beside it as
	// "name (1).ext" (or the first free number).
	RenameNew
)

var policyNames = [...]string{
	Ask: "ask", Overwrite: "overwrite", Skip: "skip", Resume: "resume",
	OverwriteIfNewer: "newer", RenameNew: "rename",
}

// String returns the policy's name as the command line spells it: ask,
// overwrite, skip, resume, newer, rename.
func (p Policy) String() string { return enumString(policyNames[:], int(p)) }

func (p Policy) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

func (p *Policy) UnmarshalText(b []byte) error {
	return enumParse(policyNames[:], string(b), "policy", (*uint8)(p))
}

// ParsePolicy reads a policy name as String writes it.
func ParsePolicy(s string) (Policy, error) {
	var p Policy
	err := p.UnmarshalText([]byte(s))
	return p, err
}

func enumString(names []string, i int) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%d", i)
}

func enumParse(names []string, s, what string, into *uint8) error {
	for i, n := range names {
		if n == s {
			*into = uint8(i)
			return nil
		}
	}
	return fmt.Errorf("transfers: unknown %s %q", what, s)
}

// Spec describes one job: a file, or a directory that expands into jobs
// for its contents.
type Spec struct {
	// Site names the server for Options.Dial: a URL without its password,
	// or a bookmark name. It is saved in the state file, so it must not
	// hold a secret.
	Site      string    `json:"site"`
	Direction Direction `json:"direction"`
	// Remote is the server path of the file or directory ('/'-separated,
	// relative to the login directory unless it starts with '/'; "" is
	// the login directory itself).
	Remote string `json:"remote"`
	// LocalRoot is the local folder the job may read (upload) or write
	// (download) in: every local access goes through an os.Root opened
	// on it, so nothing outside it is touched, whatever names or links
	// the other side has. It must be an absolute path to a folder that
	// exists.
	LocalRoot string `json:"localRoot"`
	// Local is the path under LocalRoot, '/'-separated; "" means LocalRoot
	// itself (a directory job that mirrors into, or from, the folder).
	Local string `json:"local"`
	// Dir marks a directory job.
	Dir bool `json:"dir,omitempty"`
	// Source is what the caller already knows of the source (a listing
	// entry, a local stat), which spares round trips. The zero value
	// means nothing is known.
	Source Facts `json:"source,omitzero"`
	// DestSite and DestRemote are a Copy's target: a server (a site as
	// Site names one) and the path there. FXP asks for the servers to copy
	// to each other directly; when they cannot, the data is relayed
	// through this client.
	DestSite   string `json:"destSite,omitempty"`
	DestRemote string `json:"destRemote,omitempty"`
	FXP        bool   `json:"fxp,omitempty"`
	// Segments is how many ranges, over as many connections, a download
	// is fetched in: 0 lets the queue choose (DefaultSegments for a file
	// of SegmentThreshold or more while no other file waits, else one
	// stream), 1 is one stream, more is that many (up to MaxSegments).
	// A directory job passes it to the files it holds.
	Segments int `json:"segments,omitempty"`
	// Part is where a download grows until it is complete, under
	// LocalRoot; "" means Local + ".part". A directory job picks a name
	// its listing does not hold, so a partial never meets a real file.
	Part string `json:"part,omitempty"`
	// Depth counts the folders between the job and the one the caller
	// added; Seen holds the identities of those folders (the server's
	// unique fact, or the path), so a walk notices a folder it is already
	// inside of.
	Depth int      `json:"depth,omitempty"`
	Seen  []string `json:"seen,omitempty"`
}

// partPath returns the '/'-separated path of a download's partial file.
func (s *Spec) partPath() string {
	if s.Part != "" {
		return s.Part
	}
	return s.Local + partSuffix
}

// Facts are a file's size and modification time as far as they are known.
type Facts struct {
	Known     bool              `json:"known"`
	Size      int64             `json:"size"` // -1 when unknown
	ModTime   time.Time         `json:"modTime,omitzero"`
	Precision listing.Precision `json:"precision"` // of ModTime
}

// EntryFacts returns the facts a listing entry gives.
func EntryFacts(e *listing.Entry) Facts {
	return Facts{Known: true, Size: e.Size, ModTime: e.ModTime, Precision: e.Precision}
}

// FileFacts returns the facts of a local file.
func FileFacts(fi fs.FileInfo) Facts {
	return Facts{Known: true, Size: fi.Size(), ModTime: fi.ModTime(), Precision: listing.TimeSecond}
}

// ConflictInfo describes an existing target, for the user's decision.
type ConflictInfo struct {
	Target string // the existing file: Local under LocalRoot, or Remote
	Source Facts
	Exists Facts // the target's
}

// JobStatus is a copy of one job's state, taken by Snapshot.
type JobStatus struct {
	ID ID
	// Parent is the directory job this one came from, 0 for jobs the
	// caller added.
	Parent ID
	Spec   // Local or Remote changes when RenameNew picks a new name
	State  State
	// Reason explains a Failed or Skipped job, and for a Queued job the
	// failure it will retry after.
	Reason string
	// Done counts the bytes of the file now on the target side, including
	// a resumed part; Total is the source's size, -1 while unknown.
	Done, Total int64
	Speed       float64       // bytes per second, smoothed; 0 when not active
	ETA         time.Duration // -1 when unknown
	Attempts    int           // attempts made so far
	Via         string        // how a Copy went: "fxp" or "relay"; "" before it ran
	RetryAt     time.Time     // a Queued job waiting to retry starts no sooner
	Conflict    ConflictInfo  // valid in the Conflict state
}

// Snapshot is a consistent copy of the queue.
type Snapshot struct {
	// Jobs holds the jobs in queue order: all of them from Snapshot, or
	// those from index First on from Window. Len is the number of jobs in
	// the queue.
	Jobs       []JobStatus
	First, Len int
	// Active holds the active jobs, wherever they are in the queue.
	Active  []JobStatus
	Paused  bool   // the whole queue is paused
	Workers int    // how many jobs may run at once now (it adapts; see Options.MaxParallel)
	Conns   int    // the connections the workers hold open
	Policy  Policy // the conflict policy for jobs not yet decided
	// Counts holds how many jobs are in each state, indexed by State;
	// Files counts only file jobs, leaving directory jobs out.
	Counts, Files [NumStates]int
	// Done and Total sum the file jobs' Done and (known) Total.
	Done, Total int64
	Speed       float64 // bytes per second over the whole queue, smoothed
	// ETA is the time the queued and active jobs still need at Speed, -1
	// when unknown (while directories are still being listed).
	ETA time.Duration
}

// Pending reports whether the snapshot holds jobs that are queued or
// active.
func (s *Snapshot) Pending() bool { return s.Counts[Queued]+s.Counts[Active] > 0 }
