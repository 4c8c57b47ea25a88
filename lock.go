package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"ferry/transfers"
)

// lockFolder makes sure one ferry at a time writes into a local folder:
// two downloads into one folder would race for the same partial files. The
// lock is a file in ferry's state folder (never in the target, where it
// could meet a name the server lists), held with flock so that it dies
// with its process. It returns the function that releases it.
func lockFolder(dir string) (func(), error) {
	state, err := transfers.DefaultStatePath()
	if err != nil {
		return nil, err
	}
	locks := filepath.Join(filepath.Dir(state), "locks")
	if err := os.MkdirAll(locks, 0o700); err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(filepath.Clean(dir)))
	name := filepath.Join(locks, hex.EncodeToString(sum[:16])+".lock")
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b := make([]byte, 32)
		n, _ := f.ReadAt(b, 0)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder := strings.TrimSpace(string(b[:n]))
			if pid, perr := strconv.Atoi(holder); perr == nil {
				return nil, fmt.Errorf("another ferry (pid %d) is writing into %s; wait for it to finish", pid, dir)
			}
			return nil, fmt.Errorf("another ferry is writing into %s; wait for it to finish", dir)
		}
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() { f.Close() }, nil
}
