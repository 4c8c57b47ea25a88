package transfers

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"ferry/protocol/listing"
)

// A partial download is continued only when it provably belongs to the
// same remote file: when a download starts from zero, the journal records
// what was known of its source (site, path, size, modification time), and
// a later attempt resumes the partial only if the source still shows the
// same facts. A partial with no record (left by something else, or by a
// download whose source could not be pinned down) starts over. The records
// live outside the folder being written, so they can never collide with a
// name the server lists.

// partialRecord is what the journal keeps about one partial download.
type partialRecord struct {
	Site      string            `json:"site"`
	Remote    string            `json:"remote"`
	Size      int64             `json:"size"`
	ModTime   time.Time         `json:"modTime"`
	Precision listing.Precision `json:"precision"`
	// Ranges are a segmented download's ranges and how far each got;
	// none for a download in one stream (its partial's size tells).
	Ranges []segRange `json:"ranges,omitempty"`
}

// recordOf returns the record of a download from src. ok is false when
// the source's size or time is unknown: such a partial could not be told
// from the partial of another file, so it is never resumed.
func recordOf(s *Spec, src Facts) (partialRecord, bool) {
	rec := partialRecord{Site: s.Site, Remote: s.Remote, Size: src.Size, ModTime: src.ModTime.UTC(), Precision: src.Precision}
	return rec, src.Known && src.Size >= 0 && !src.ModTime.IsZero() && src.Precision != listing.TimeUnknown
}

// matches reports whether a partial recorded as r belongs to the source
// now described by now.
func (r partialRecord) matches(now partialRecord) bool {
	if r.Site != now.Site || r.Remote != now.Remote || r.Size != now.Size {
		return false
	}
	unit := time.Second
	switch min(r.Precision, now.Precision) {
	case listing.TimeUnknown:
		return false
	case listing.TimeMinute:
		unit = time.Minute
	case listing.TimeDay:
		unit = 24 * time.Hour
	}
	return r.ModTime.Truncate(unit).Equal(now.ModTime.Truncate(unit))
}

// journal keeps partial records, one file each under dir (named by a hash
// of the partial's absolute path), or in memory when dir is "".
type journal struct {
	dir string
	mu  sync.Mutex
	mem map[string]partialRecord
}

func newJournal(dir string) *journal {
	return &journal{dir: dir, mem: make(map[string]partialRecord)}
}

// file returns where the record of the partial at path (absolute) lives.
func (jl *journal) file(path string) string {
	sum := sha256.Sum256([]byte(path))
	return filepath.Join(jl.dir, hex.EncodeToString(sum[:16])+".json")
}

// load returns the record of the partial at path.
func (jl *journal) load(path string) (partialRecord, bool) {
	jl.mu.Lock()
	defer jl.mu.Unlock()
	if jl.dir == "" {
		r, ok := jl.mem[path]
		return r, ok
	}
	b, err := os.ReadFile(jl.file(path))
	if err != nil {
		return partialRecord{}, false
	}
	var stored struct {
		Path string `json:"path"`
		partialRecord
	}
	if json.Unmarshal(b, &stored) != nil || stored.Path != path {
		return partialRecord{}, false
	}
	return stored.partialRecord, true
}

// store records the partial at path; without a record it would never be
// resumed, so a failure to store is reported.
func (jl *journal) store(path string, r partialRecord) error {
	jl.mu.Lock()
	defer jl.mu.Unlock()
	if jl.dir == "" {
		jl.mem[path] = r
		return nil
	}
	b, err := json.Marshal(struct {
		Path string `json:"path"`
		partialRecord
	}{path, r})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(jl.dir, 0o700); err != nil {
		return err
	}
	// No sync: a record lost in a crash only costs a fresh download.
	return os.WriteFile(jl.file(path), b, 0o600)
}

// remove forgets the partial at path.
func (jl *journal) remove(path string) {
	jl.mu.Lock()
	defer jl.mu.Unlock()
	if jl.dir == "" {
		delete(jl.mem, path)
		return
	}
	if err := os.Remove(jl.file(path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return // a stale record only costs a fresh download later
	}
}

// DefaultPartialsDir returns where ferry keeps partial records:
// $XDG_STATE_HOME/ferry/partials, beside the queue's state file.
func DefaultPartialsDir() (string, error) {
	state, err := DefaultStatePath()
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(state), "partials"), nil
}
