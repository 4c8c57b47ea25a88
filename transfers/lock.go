package transfers

import (
	"errors"
	"os"
	"path/filepath"
)

// ErrLocked is LockState's answer while another process holds the state
// file.
var ErrLocked = errors.New("transfers: the queue state is in use by another ferry")

// LockState claims the state file at path for this process, so that two
// ferries running at once never offer, overwrite or delete each other's
// jobs. It returns ErrLocked while another process holds it; the lock
// ends with release or with the process. Take it before Load, and give
// the queue a StatePath only when it succeeded.
func LockState(path string) (release func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
