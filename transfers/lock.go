package transfers

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrLocked is the answer of LockState and LockFolder while another
// process holds the lock.
var ErrLocked = errors.New("transfers: in use by another ferry")

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

// LockFolder claims a local folder for this process's downloads: two
// downloads into one folder would race for the same partial files. The
// lock file lives in ferry's state folder (never in the target, where it
// could meet a name a server lists) and holds the owner's process ID.
// While another process holds it, LockFolder returns ErrLocked and that
// process's ID (0 when unknown).
func LockFolder(dir string) (release func(), holder int, err error) {
	state, err := DefaultStatePath()
	if err != nil {
		return nil, 0, err
	}
	sum := sha256.Sum256([]byte(filepath.Clean(dir)))
	locks := filepath.Join(filepath.Dir(state), "locks")
	if err := os.MkdirAll(locks, 0o700); err != nil {
		return nil, 0, err
	}
	f, err := os.OpenFile(filepath.Join(locks, hex.EncodeToString(sum[:16])+".lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, 0, err
	}
	if err := lockFile(f); err != nil {
		b := make([]byte, 32)
		n, _ := f.ReadAt(b, 0)
		f.Close()
		holder, _ = strconv.Atoi(strings.TrimSpace(string(b[:n])))
		return nil, holder, err
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() { f.Close() }, 0, nil
}
