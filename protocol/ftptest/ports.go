package ftptest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// Ports are handed out in blocks: the first port of a block is the control
// port, the next pasvPorts are the passive range. Blocks lie below Linux's
// ephemeral range (32768 and up), so outgoing connections and listeners on
// port 0 never take them. Each block in use is held with flock(2) on a lock
// file shared by all processes of the machine, so test binaries running in
// parallel never pick the same block; the kernel drops the lock when the
// process ends, however it ends.
const (
	portBase   = 20000
	blockSize  = 32
	numBlocks  = 375 // up to port 31999
	pasvPorts  = 30
	maxPicking = 100
)

type portBlock struct {
	control           int
	pasvLow, pasvHigh int
	lock              *os.File
}

func (b *portBlock) release() {
	if b != nil && b.lock != nil {
		b.lock.Close() // closing drops the flock
		b.lock = nil
	}
}

func lockDir() (string, error) {
	dir := filepath.Join(os.TempDir(), "ferry-ftptest-ports")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return "", err
	}
	// Sticky and writable for all, like /tmp, so that root and other users
	// share one set of locks; fails harmlessly when someone else owns it.
	_ = os.Chmod(dir, 0o777|os.ModeSticky)
	return dir, nil
}

// reservePorts picks a free block at random, locks it and checks that each
// of its ports can be bound on 127.0.0.1 right now.
func reservePorts() (*portBlock, error) {
	dir, err := lockDir()
	if err != nil {
		return nil, fmt.Errorf("ftptest: port lock directory: %w", err)
	}
	for range maxPicking {
		base := portBase + rand.IntN(numBlocks)*blockSize
		name := filepath.Join(dir, strconv.Itoa(base)+".lock")
		f, err := os.OpenFile(name, os.O_RDONLY|os.O_CREATE, 0o666)
		if err != nil {
			return nil, fmt.Errorf("ftptest: port lock: %w", err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				continue
			}
			return nil, fmt.Errorf("ftptest: port lock %s: %w", name, err)
		}
		b := &portBlock{control: base, pasvLow: base + 1, pasvHigh: base + pasvPorts, lock: f}
		if allBindable(b.control, b.pasvHigh) {
			return b, nil
		}
		b.release()
	}
	return nil, errors.New("ftptest: found no free block of ports on 127.0.0.1")
}

func allBindable(low, high int) bool {
	for p := low; p <= high; p++ {
		l, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			return false
		}
		l.Close()
	}
	return true
}
