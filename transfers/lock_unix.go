//go:build unix

package transfers

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock without waiting. The kernel
// drops it when the file is closed or the process ends, so a crashed
// ferry never leaves the queue locked.
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrLocked
	}
	return err
}
